package dev.faltung.nn.layers;

import dev.faltung.autodiff.Tensor;

/** Hyperbolic tangent. */
public final class Tanh extends Activation {

    @Override
    public Tensor forward(Tensor x) {
        return x.tanh();
    }
}
