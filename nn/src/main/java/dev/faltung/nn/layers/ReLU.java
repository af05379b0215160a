package dev.faltung.nn.layers;

import dev.faltung.autodiff.Tensor;

/** Rectified linear unit {@code max(x, 0)}. */
public final class ReLU extends Activation {

    @Override
    public Tensor forward(Tensor x) {
        return x.relu();
    }
}
