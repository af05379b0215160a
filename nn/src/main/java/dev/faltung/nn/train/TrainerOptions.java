package dev.faltung.nn.train;

import java.util.function.DoubleUnaryOperator;

/**
 * How a {@link Trainer} runs: {@code epochs} in total (a resumed run counts the epochs already
 * done), early stopping after {@code patience} epochs without a better monitored accuracy (0
 * turns it off), the learning rate as a function of training progress in epochs, set before every
 * step ({@code e + b/B} before batch {@code b} of {@code B} in 0-based epoch {@code e}, so a schedule
 * can decay within an epoch; {@code null} keeps the optimizer's rate), how many batches a
 * background thread prepares ahead (0 prepares them inline), and the label smoothing of the
 * training loss ({@code torch.nn.CrossEntropyLoss(label_smoothing=s)}; evaluation always reports
 * the plain cross-entropy).
 */
public record TrainerOptions(int epochs, int patience, DoubleUnaryOperator learningRate, int prefetch,
                             double labelSmoothing) {

    public TrainerOptions {
        if (epochs < 0) {
            throw new IllegalArgumentException("TrainerOptions: epochs " + epochs + " must not be negative");
        }
        if (patience < 0) {
            throw new IllegalArgumentException("TrainerOptions: patience " + patience + " must not be negative");
        }
        if (prefetch < 0) {
            throw new IllegalArgumentException("TrainerOptions: prefetch " + prefetch + " must not be negative");
        }
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new IllegalArgumentException("TrainerOptions: label smoothing " + labelSmoothing
                    + " must be in [0, 1]");
        }
    }

    /** Without label smoothing. */
    public TrainerOptions(int epochs, int patience, DoubleUnaryOperator learningRate, int prefetch) {
        this(epochs, patience, learningRate, prefetch, 0);
    }

    /** {@code epochs} epochs at the optimizer's rate, no early stopping, two batches prefetched. */
    public static TrainerOptions epochs(int epochs) {
        return new TrainerOptions(epochs, 0, null, 2);
    }
}
