package dev.faltung.nn.layers;

import dev.faltung.autodiff.Tensor;

/** Softmax along {@code axis} (default 1, the class dimension of {@code [N, C]}). */
public final class Softmax extends Activation {

    private final int axis;

    public Softmax() {
        this(1);
    }

    public Softmax(int axis) {
        this.axis = axis;
    }

    @Override
    protected String describe() {
        return "axis=" + axis;
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.softmax(axis);
    }
}
