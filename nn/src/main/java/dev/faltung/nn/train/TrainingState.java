package dev.faltung.nn.train;

import dev.faltung.nn.io.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a training run stands after {@code epochsCompleted} epochs and {@code step} optimizer
 * steps: the best monitored accuracy so far and its epoch (0 before any), how many epochs have
 * passed without improving on it, whether early stopping ended the run, and every epoch's
 * metrics. Together with the weights and the optimizer state it is everything a resumed run needs:
 * all other randomness is a pure function of the seed, the epoch and the step.
 */
public record TrainingState(int epochsCompleted, long step, double bestAccuracy, int bestEpoch,
                            int epochsWithoutImprovement, boolean stoppedEarly, List<EpochMetrics> history) {

    public TrainingState {
        history = List.copyOf(history);
    }

    /** The state before the first epoch. */
    public static TrainingState initial() {
        return new TrainingState(0, 0, Double.NaN, 0, 0, false, List.of());
    }

    /** The state after one more epoch with {@code metrics}, monitoring {@code accuracy}. */
    TrainingState after(EpochMetrics metrics, long stepNow, double accuracy, int patience) {
        List<EpochMetrics> h = new ArrayList<>(history);
        h.add(metrics);
        boolean improved = improves(accuracy);
        double best = improved ? accuracy : bestAccuracy;
        int bestAt = improved ? metrics.epoch() : bestEpoch;
        int waited = improved ? 0 : epochsWithoutImprovement + 1;
        boolean stop = patience > 0 && waited >= patience;
        return new TrainingState(metrics.epoch(), stepNow, best, bestAt, waited, stop, h);
    }

    /** True when {@code accuracy} beats the best so far (the first epoch always does). */
    boolean improves(double accuracy) {
        return bestEpoch == 0 || accuracy > bestAccuracy || (Double.isNaN(bestAccuracy) && !Double.isNaN(accuracy));
    }

    /** The state as checkpoint metadata entries (string values, JSON where structured). */
    public Map<String, String> toMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("epoch", Integer.toString(epochsCompleted));
        m.put("step", Long.toString(step));
        m.put("best_accuracy", Json.write(Double.isFinite(bestAccuracy) ? bestAccuracy : null));
        m.put("best_epoch", Integer.toString(bestEpoch));
        m.put("epochs_without_improvement", Integer.toString(epochsWithoutImprovement));
        m.put("stopped_early", Boolean.toString(stoppedEarly));
        m.put("history", Json.write(history.stream().map(EpochMetrics::toMap).toList()));
        return m;
    }

    /** Reads what {@link #toMetadata()} wrote; throws {@link IllegalArgumentException} naming a missing or bad entry. */
    public static TrainingState fromMetadata(Map<String, String> m) {
        List<EpochMetrics> history = new ArrayList<>();
        if (!(Json.parse(field(m, "history")) instanceof List<?> list)) {
            throw new IllegalArgumentException("metadata 'history' is not a JSON list");
        }
        for (Object o : list) {
            if (!(o instanceof Map<?, ?> e)) {
                throw new IllegalArgumentException("metadata 'history' holds a non-object entry: " + o);
            }
            history.add(EpochMetrics.fromMap(e));
        }
        Object best = Json.parse(field(m, "best_accuracy"));
        int epoch = intField(m, "epoch");
        int bestEpoch = intField(m, "best_epoch");
        int waited = intField(m, "epochs_without_improvement");
        // A resumed run continues from these: they must describe a run that could have happened.
        if (history.size() != epoch) {
            throw new IllegalArgumentException("metadata 'epoch' is " + epoch + " but 'history' has " + history.size()
                    + " epochs");
        }
        for (int i = 0; i < history.size(); i++) {
            if (history.get(i).epoch() != i + 1) {
                throw new IllegalArgumentException("metadata 'history' entry " + i + " is epoch "
                        + history.get(i).epoch() + ", not " + (i + 1));
            }
        }
        if (bestEpoch > epoch || waited > epoch) {
            throw new IllegalArgumentException("metadata 'best_epoch' " + bestEpoch + " and 'epochs_without_improvement' "
                    + waited + " must not exceed 'epoch' " + epoch);
        }
        return new TrainingState(epoch, longField(m, "step"),
                best instanceof Number n ? n.doubleValue() : Double.NaN, bestEpoch, waited,
                Boolean.parseBoolean(field(m, "stopped_early")), history);
    }

    private static String field(Map<String, String> m, String key) {
        String v = m.get(key);
        if (v == null) {
            throw new IllegalArgumentException("metadata has no '" + key + "'");
        }
        return v;
    }

    /** A count: an integer in [0, 2^31). */
    private static int intField(Map<String, String> m, String key) {
        long v = longField(m, key);
        if (v < 0 || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("metadata '" + key + "' is " + v + ", not a count in [0, 2^31)");
        }
        return (int) v;
    }

    private static long longField(Map<String, String> m, String key) {
        String v = field(m, key);
        try {
            long parsed = Long.parseLong(v);
            if (parsed < 0) {
                throw new IllegalArgumentException("metadata '" + key + "' is negative: " + parsed);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("metadata '" + key + "' is not an integer: '" + v + "'");
        }
    }
}
