package dev.faltung.nn.layers;

import dev.faltung.autodiff.Tensor;
import dev.faltung.kernel.DType;
import dev.faltung.nn.Seeds;
import dev.faltung.nn.init.Init;
import java.util.Arrays;

/**
 * A lookup table {@code weight [vocabulary, dim]}: integer indices of shape {@code S} map to
 * rows, giving {@code [S..., dim]}; the gradient accumulates into the looked-up rows.
 * Initialised N(0, 1) as PyTorch's Embedding.
 */
public final class Embedding extends Layer {

    private final int vocabulary;
    private final int dim;

    public Embedding(int vocabulary, int dim, long seed) {
        if (vocabulary <= 0 || dim <= 0) {
            throw new IllegalArgumentException("Embedding: vocabulary and dim must be positive, got " + vocabulary
                    + ", " + dim);
        }
        this.vocabulary = vocabulary;
        this.dim = dim;
        addParameter("weight", Init.normal(Seeds.derive(seed, 0), 1, DType.FLOAT32, vocabulary, dim));
    }

    public Tensor weight() {
        return param("weight");
    }

    public int dim() {
        return dim;
    }

    /** Rows for {@code indices} laid out as {@code shape} ({@code [shape..., dim]}). */
    public Tensor forward(int[] indices, int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        if (n != indices.length) {
            throw new IllegalArgumentException("Embedding: " + indices.length + " indices do not fill shape "
                    + Arrays.toString(shape));
        }
        int[] out = Arrays.copyOf(shape, shape.length + 1);
        out[shape.length] = dim;
        return weight().gatherRows(indices).reshape(out);
    }

    /** Looks up a tensor of whole-number indices (any float dtype). */
    @Override
    public Tensor forward(Tensor indices) {
        double[] v = indices.toDoubleArray();
        int[] idx = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            idx[i] = (int) v[i];
            if (idx[i] != v[i]) {
                throw new IllegalArgumentException("Embedding: index " + v[i] + " at position " + i + " is not a whole number");
            }
        }
        return forward(idx, indices.shape());
    }

    @Override
    public int[] outputShape(int[] s) {
        int[] out = Arrays.copyOf(s, s.length + 1);
        out[s.length] = dim;
        return out;
    }

    @Override
    protected String describe() {
        return vocabulary + ", " + dim;
    }
}
