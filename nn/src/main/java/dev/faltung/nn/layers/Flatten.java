package dev.faltung.nn.layers;

import dev.faltung.autodiff.Tensor;

/** {@code [N, d1, d2, ...] -> [N, d1·d2·...]}: a view, no copy. */
public final class Flatten extends Layer {

    @Override
    public Tensor forward(Tensor x) {
        return x.flatten(1);
    }

    @Override
    public int[] outputShape(int[] s) {
        if (s.length < 2) {
            throw new IllegalArgumentException("Flatten: input needs a batch dimension and at least one more, got "
                    + java.util.Arrays.toString(s));
        }
        int n = 1;
        for (int i = 1; i < s.length; i++) {
            n *= s[i];
        }
        return new int[] {s[0], n};
    }
}
