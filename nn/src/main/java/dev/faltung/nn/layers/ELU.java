package dev.faltung.nn.layers;

import dev.faltung.autodiff.Tensor;

/** Exponential linear unit (Clevert et al. 2016) {@code x > 0 ? x : α(e^x - 1)}, α = 1 by default. */
public final class ELU extends Activation {

    private final double alpha;

    public ELU() {
        this(1.0);
    }

    public ELU(double alpha) {
        this.alpha = alpha;
    }

    @Override
    protected String describe() {
        return "alpha=" + alpha;
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.elu(alpha);
    }
}
