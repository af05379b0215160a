package dev.faltung.nn.layers;

import dev.faltung.autodiff.Tensor;

/** Leaky ReLU {@code x > 0 ? x : slope·x} (PyTorch default slope 0.01). */
public final class LeakyReLU extends Activation {

    private final double slope;

    public LeakyReLU() {
        this(0.01);
    }

    public LeakyReLU(double slope) {
        this.slope = slope;
    }

    @Override
    protected String describe() {
        return "slope=" + slope;
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.leakyRelu(slope);
    }
}
