package dev.faltung.nn.layers;

import dev.faltung.autodiff.Tensor;

/**
 * Dropout (Srivastava et al. 2014): in training each element is kept with probability
 * {@code q = 1 - p} and zeroed otherwise. {@link Rule#INVERTED} (PyTorch's) scales kept elements
 * by {@code 1/q} in training and is the identity at test; {@link Rule#WEIGHT_SCALING} (the
 * paper's) does not scale in training and multiplies by {@code q} at test. Both keep the expected
 * activation equal between modes.
 *
 * <p>Masks come from {@link Tensor#bernoulli} on stream {@code seed}; each training forward starts
 * at a step counter and advances it by the number of elements, so runs are reproducible and
 * {@link #setStep} replays a mask.
 */
public final class Dropout extends Layer {

    /** Where the {@code 1/q} correction goes. */
    public enum Rule { INVERTED, WEIGHT_SCALING }

    private final double p;
    private final Rule rule;
    private final long seed;
    private long step;

    public Dropout(double p, long seed) {
        this(p, Rule.INVERTED, seed);
    }

    public Dropout(double p, Rule rule, long seed) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("Dropout: drop probability must be in [0, 1], got " + p);
        }
        this.p = p;
        this.rule = rule;
        this.seed = seed;
    }

    public long step() {
        return step;
    }

    public void setStep(long step) {
        this.step = step;
    }

    @Override
    public Tensor forward(Tensor x) {
        double keep = 1 - p;
        if (!isTraining()) {
            return rule == Rule.INVERTED || p == 0 ? x : x.mul(keep);
        }
        if (p == 0) {
            return x;
        }
        Tensor mask = Tensor.bernoulli(seed, step, keep, x.dtype(), x.shape());
        step += x.numel();
        Tensor y = x.mul(mask);
        return rule == Rule.INVERTED && keep > 0 ? y.div(keep) : y;
    }

    @Override
    public int[] outputShape(int[] s) {
        return s.clone();
    }

    @Override
    protected String describe() {
        return "p=" + p + (rule == Rule.WEIGHT_SCALING ? ", weight-scaling" : "");
    }
}
