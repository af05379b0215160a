package dev.faltung.nn.layers;

import dev.faltung.autodiff.Tensor;

/** A parameter-free element-wise (or per-row) function whose output has the input's shape. */
public abstract sealed class Activation extends Layer
        permits ReLU, LeakyReLU, ELU, Tanh, Sigmoid, Softmax, LogSoftmax {

    @Override
    public int[] outputShape(int[] s) {
        return s.clone();
    }

    @Override
    public abstract Tensor forward(Tensor x);
}
