package dev.faltung.nn.layers;

import dev.faltung.autodiff.Tensor;
import dev.faltung.kernel.DType;
import dev.faltung.nn.init.Init;
import dev.faltung.nn.Seeds;

/**
 * Fully connected layer {@code y = x·Wᵀ + b}: input {@code [..., in]}, weight {@code [out, in]}
 * (PyTorch's Linear layout), bias {@code [out]}. Initialised as PyTorch's Linear: weight and bias
 * U(±1/√in).
 */
public final class Dense extends Layer {

    private final int in;
    private final int out;

    public Dense(int in, int out, long seed) {
        this(in, out, true, seed);
    }

    public Dense(int in, int out, boolean bias, long seed) {
        if (in <= 0 || out <= 0) {
            throw new IllegalArgumentException("Dense: sizes must be positive, got in=" + in + " out=" + out);
        }
        this.in = in;
        this.out = out;
        addParameter("weight", Init.defaultWeight(Seeds.derive(seed, 0), DType.FLOAT32, out, in));
        if (bias) {
            addParameter("bias", Init.defaultBias(Seeds.derive(seed, 1), in, DType.FLOAT32, out));
        }
    }

    public Tensor weight() {
        return param("weight");
    }

    /** The bias, or null for a layer built without one. */
    public Tensor bias() {
        return namedParameters().get("bias");
    }

    @Override
    public Tensor forward(Tensor x) {
        outputShape(x.shape());
        return x.linear(weight(), bias());
    }

    @Override
    public int[] outputShape(int[] s) {
        if (s.length < 2 || s[s.length - 1] != in) {
            throw new IllegalArgumentException("Dense(" + in + ", " + out + "): expected input [..., " + in + "], got "
                    + java.util.Arrays.toString(s));
        }
        int[] o = s.clone();
        o[o.length - 1] = out;
        return o;
    }

    @Override
    protected String describe() {
        return in + ", " + out + (bias() == null ? ", bias=false" : "");
    }
}
