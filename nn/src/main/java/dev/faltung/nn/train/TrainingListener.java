package dev.faltung.nn.train;

import java.io.IOException;

/**
 * Hears a {@link Trainer}'s progress on the training thread: progress bars, logs, checkpoints.
 * Every method does nothing by default. An exception thrown here stops the run.
 */
public interface TrainingListener {

    /** Epoch {@code epoch} (1-based) of {@code epochs} starts with {@code batches} batches at rate {@code lr}. */
    default void epochStarted(int epoch, int epochs, int batches, double lr) {
    }

    /** A batch finished. */
    default void batchFinished(BatchProgress progress) {
    }

    /**
     * An epoch finished with {@code metrics}; {@code state} includes it. {@code improved} says
     * whether it is the best epoch so far (the one to keep).
     */
    default void epochFinished(EpochMetrics metrics, TrainingState state, boolean improved) throws IOException {
    }

    /** Listens to nothing. */
    TrainingListener NONE = new TrainingListener() {
    };
}
