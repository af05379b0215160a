package dev.faltung.nn.optim;

/**
 * A learning rate as a function of training progress {@code t ≥ 0}, in epochs or steps; a
 * fractional {@code t} is part of the way through one. {@link #step} and {@link #exponential}
 * change the rate only at whole {@code t} (PyTorch's epoch-wise {@code StepLR} and
 * {@code ExponentialLR}); {@link #cosine} and {@link #warmup} are continuous, so fed the fraction
 * of an epoch done they decay and warm up step by step. Schedules compose: {@link #warmup} runs a
 * linear warm-up and then another schedule from its own t = 0.
 */
@FunctionalInterface
public interface LearningRateSchedule {

    double rate(double t);

    /** Sets {@code optimizer}'s learning rate to {@code rate(t)}. */
    default void apply(Optimizer optimizer, double t) {
        optimizer.setLearningRate(rate(t));
    }

    static LearningRateSchedule constant(double lr) {
        return t -> lr;
    }

    /** {@code torch.optim.lr_scheduler.StepLR}: {@code lr·γ^⌊⌊t⌋/stepSize⌋}. */
    static LearningRateSchedule step(double lr, int stepSize, double gamma) {
        if (stepSize <= 0) {
            throw new IllegalArgumentException("step schedule: stepSize must be positive, got " + stepSize);
        }
        return t -> lr * Math.pow(gamma, Math.floorDiv((long) Math.floor(t), stepSize));
    }

    /** {@code ExponentialLR}: {@code lr·γ^⌊t⌋}. */
    static LearningRateSchedule exponential(double lr, double gamma) {
        return t -> lr * Math.pow(gamma, Math.floor(t));
    }

    /**
     * {@code CosineAnnealingLR} (Loshchilov &amp; Hutter 2017, one cycle):
     * {@code η_min + (lr - η_min)·(1 + cos(π·t/T))/2} for {@code t ≤ T}, then {@code η_min}.
     */
    static LearningRateSchedule cosine(double lr, int periodT, double minLr) {
        if (periodT <= 0) {
            throw new IllegalArgumentException("cosine schedule: period must be positive, got " + periodT);
        }
        return t -> t >= periodT ? minLr : minLr + (lr - minLr) * (1 + Math.cos(Math.PI * t / periodT)) / 2;
    }

    /**
     * Linear warm-up over {@code steps} steps ({@code LinearLR}'s rule): at {@code t < steps} the rate
     * is {@code then.rate(0)·(f + (1-f)·t/steps)} with start factor {@code f}; from {@code t = steps}
     * on it is {@code then.rate(t - steps)}.
     */
    static LearningRateSchedule warmup(int steps, double startFactor, LearningRateSchedule then) {
        if (steps < 0 || !(startFactor >= 0 && startFactor <= 1)) {
            throw new IllegalArgumentException("warmup: need steps >= 0 and start factor in [0, 1], got " + steps + ", "
                    + startFactor);
        }
        return t -> t < steps ? then.rate(0) * (startFactor + (1 - startFactor) * t / steps) : then.rate(t - steps);
    }
}
