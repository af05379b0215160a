package dev.faltung.nn.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one training epoch measured: mean training loss and accuracy over the epoch's batches
 * (with the weights as they changed during the epoch), validation loss, accuracy and top-5
 * accuracy after it ({@code NaN} without a validation set), the learning rate used, the wall time
 * and the training throughput. Epochs count from 1.
 */
public record EpochMetrics(int epoch, double trainLoss, double trainAccuracy, double validationLoss,
                           double validationAccuracy, double validationTop5, double learningRate,
                           double seconds, double imagesPerSecond) {

    /** The column names of {@link #csvRow()}, in order. */
    public static final String CSV_HEADER =
            "epoch,train_loss,train_acc,val_loss,val_acc,val_top5,lr,seconds,images_per_sec";

    /** One line of {@code metrics.csv} (no newline). */
    public String csvRow() {
        return epoch + "," + num(trainLoss) + "," + num(trainAccuracy) + "," + num(validationLoss) + ","
                + num(validationAccuracy) + "," + num(validationTop5) + "," + num(learningRate) + ","
                + num(seconds) + "," + num(imagesPerSecond);
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : Double.toString(v);
    }

    /** The metrics as a JSON-ready map ({@code NaN} becomes null). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epoch", epoch);
        m.put("train_loss", finite(trainLoss));
        m.put("train_acc", finite(trainAccuracy));
        m.put("val_loss", finite(validationLoss));
        m.put("val_acc", finite(validationAccuracy));
        m.put("val_top5", finite(validationTop5));
        m.put("lr", finite(learningRate));
        m.put("seconds", finite(seconds));
        m.put("images_per_sec", finite(imagesPerSecond));
        return m;
    }

    /** Reads what {@link #toMap()} wrote (after a JSON round trip). */
    public static EpochMetrics fromMap(Map<?, ?> m) {
        if (!(m.get("epoch") instanceof Long epoch) || epoch < 1 || epoch > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("epoch metrics " + m + " lack a positive integer 'epoch'");
        }
        return new EpochMetrics(epoch.intValue(), number(m, "train_loss"), number(m, "train_acc"),
                number(m, "val_loss"), number(m, "val_acc"), number(m, "val_top5"), number(m, "lr"),
                number(m, "seconds"), number(m, "images_per_sec"));
    }

    private static Object finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private static double number(Map<?, ?> m, String key) {
        Object v = m.get(key);
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
