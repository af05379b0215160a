package dev.faltung.nn.train;

import dev.faltung.autodiff.NoGrad;
import dev.faltung.autodiff.Tensor;
import dev.faltung.autodiff.TensorArena;
import dev.faltung.kernel.DType;
import dev.faltung.nn.Module;
import dev.faltung.nn.data.Batch;
import dev.faltung.nn.data.DataLoader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Evaluates classifiers without recording gradients, in evaluation mode (dropout off,
 * batch-norm running statistics). With several models (an ensemble) or several
 * {@link TestView}s (test-time augmentation) the prediction is the mean of the softmax
 * probabilities over every (model, view) pair, and the loss is {@code -log} of that mean at the
 * label. Each model's training mode is restored afterwards.
 */
public final class Evaluator {

    private Evaluator() {
    }

    /** Loss, accuracy, top-5 and confusion of one model on every batch of {@code loader}'s epoch 0. */
    public static Evaluation evaluate(Module model, DataLoader loader) {
        return evaluate(List.of(model), List.of(TestView.IDENTITY), loader);
    }

    /** As {@link #evaluate(Module, DataLoader)} for the averaged predictions of models and views. */
    public static Evaluation evaluate(List<? extends Module> models, List<TestView> views, DataLoader loader) {
        int classes = loader.data().classCount();
        int[][] confusion = new int[classes][classes];
        double lossSum = 0;
        long top5 = 0;
        int count = 0;
        List<Tensor> weights = new ArrayList<>();
        models.forEach(m -> weights.addAll(Trainer.modelState(m)));
        try (DataLoader.Batches batches = loader.epoch(0); TensorArena arena = TensorArena.open()) {
            while (batches.hasNext()) {
                Batch batch = batches.next();
                double[][] logp = logProbabilities(models, views, batch.images(), batch.shape());
                arena.recycle(weights);
                for (int i = 0; i < batch.size(); i++) {
                    int label = batch.labels()[i];
                    double[] row = logp[i];
                    if (row.length != classes) {
                        throw new IllegalArgumentException("Evaluator: the model predicts " + row.length
                                + " classes but the dataset has " + classes);
                    }
                    int predicted = argmax(row);
                    confusion[label][predicted]++;
                    lossSum -= row[label];
                    if (rank(row, label) < 5) {
                        top5++;
                    }
                    count++;
                }
            }
        }
        long correct = 0;
        for (int c = 0; c < classes; c++) {
            correct += confusion[c][c];
        }
        return new Evaluation(count == 0 ? Double.NaN : lossSum / count,
                count == 0 ? Double.NaN : (double) correct / count,
                count == 0 ? Double.NaN : (double) top5 / count, count, confusion);
    }

    /**
     * Natural-log class probabilities [n][classes] for images laid out as {@code shape} =
     * [n, C, H, W], averaged (as probabilities) over models and views. With one model and one
     * view this is exactly the model's log-softmax.
     */
    public static double[][] logProbabilities(List<? extends Module> models, List<TestView> views, float[] images,
                                              int[] shape) {
        if (models.isEmpty() || views.isEmpty()) {
            throw new IllegalArgumentException("Evaluator: need at least one model and one view, got "
                    + models.size() + " models and " + views.size() + " views");
        }
        int n = shape[0];
        double[][] sum = null;
        int members = models.size() * views.size();
        for (Module model : models) {
            boolean wasTraining = model.isTraining();
            model.train(false);
            try (NoGrad ignored = NoGrad.enter()) {
                for (TestView view : views) {
                    float[] x = view.apply(images, shape[0], shape[1], shape[2], shape[3]);
                    Tensor input = Tensor.of(x, shape);
                    DType dtype = dtypeOf(model);
                    if (dtype != DType.FLOAT32) {
                        input = input.to(dtype);
                    }
                    Tensor logits = model.forward(input);
                    if (logits.rank() != 2 || logits.size(0) != n) {
                        throw new IllegalArgumentException("Evaluator: model output has shape "
                                + Arrays.toString(logits.shape()) + ", expected [" + n + ", classes]");
                    }
                    double[] lp = logits.logSoftmax(1).toDoubleArray();
                    int classes = logits.size(1);
                    if (sum == null) {
                        sum = new double[n][classes];
                    }
                    for (int i = 0; i < n; i++) {
                        for (int c = 0; c < classes; c++) {
                            sum[i][c] += members == 1 ? lp[i * classes + c] : Math.exp(lp[i * classes + c]);
                        }
                    }
                }
            } finally {
                model.train(wasTraining);
            }
        }
        if (members > 1) {
            for (double[] row : sum) {
                for (int c = 0; c < row.length; c++) {
                    row[c] = Math.log(row[c] / members);
                }
            }
        }
        return sum;
    }

    /** The dtype of a model's parameters (float32 when it has none). */
    public static DType dtypeOf(Module model) {
        for (Tensor p : model.namedParameters().values()) {
            return p.dtype();
        }
        return DType.FLOAT32;
    }

    /** Index of the largest value; the first one on ties. */
    public static int argmax(double[] row) {
        int best = 0;
        for (int c = 1; c < row.length; c++) {
            if (row[c] > row[best]) {
                best = c;
            }
        }
        return best;
    }

    /** How many classes score strictly higher than {@code c}, plus ties ranked before it. */
    private static int rank(double[] row, int c) {
        int r = 0;
        for (int k = 0; k < row.length; k++) {
            if (row[k] > row[c] || (row[k] == row[c] && k < c)) {
                r++;
            }
        }
        return r;
    }
}
