package dev.faltung.nn.layers;

import dev.faltung.autodiff.Tensor;

/** Logistic sigmoid {@code 1/(1+e^{-x})}. */
public final class Sigmoid extends Activation {

    @Override
    public Tensor forward(Tensor x) {
        return x.sigmoid();
    }
}
