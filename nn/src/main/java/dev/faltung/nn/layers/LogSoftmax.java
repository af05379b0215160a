package dev.faltung.nn.layers;

import dev.faltung.autodiff.Tensor;

/** Log-softmax along {@code axis} (default 1), computed stably. */
public final class LogSoftmax extends Activation {

    private final int axis;

    public LogSoftmax() {
        this(1);
    }

    public LogSoftmax(int axis) {
        this.axis = axis;
    }

    @Override
    protected String describe() {
        return "axis=" + axis;
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.logSoftmax(axis);
    }
}
