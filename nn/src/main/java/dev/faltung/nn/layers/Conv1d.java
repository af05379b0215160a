package dev.faltung.nn.layers;

import dev.faltung.autodiff.ConvSpec;
import dev.faltung.autodiff.Convolution;
import dev.faltung.autodiff.Tensor;
import dev.faltung.kernel.DType;
import dev.faltung.kernel.conv.ConvGeometry;
import dev.faltung.kernel.conv.Padding;
import dev.faltung.nn.init.Init;
import dev.faltung.nn.Seeds;
import java.util.Arrays;

/**
 * 1-D convolution {@code [N, in, L] -> [N, out, L']} with weight {@code [out, in/groups, k]};
 * the spec's width entries (stride, dilation, left/right padding) apply. Initialised as
 * PyTorch's Conv1d: U(±1/√(in/groups·k)).
 */
public final class Conv1d extends Layer {

    private final int in;
    private final int out;
    private final int kernel;
    private final ConvSpec spec;

    public Conv1d(int in, int out, int kernel, long seed) {
        this(in, out, kernel, ConvSpec.DEFAULT, true, seed);
    }

    public Conv1d(int in, int out, int kernel, ConvSpec spec, boolean bias, long seed) {
        if (in <= 0 || out <= 0 || kernel <= 0 || in % spec.groups() != 0 || out % spec.groups() != 0) {
            throw new IllegalArgumentException("Conv1d: channels " + in + "->" + out + " and kernel " + kernel
                    + " must be positive and channels divisible by groups=" + spec.groups());
        }
        this.in = in;
        this.out = out;
        this.kernel = kernel;
        this.spec = spec;
        int[] ws = {out, in / spec.groups(), kernel};
        addParameter("weight", Init.defaultWeight(Seeds.derive(seed, 0), DType.FLOAT32, ws));
        if (bias) {
            addParameter("bias", Init.defaultBias(Seeds.derive(seed, 1), Init.fans(ws)[0], DType.FLOAT32, out));
        }
    }

    public Tensor weight() {
        return param("weight");
    }

    public Tensor bias() {
        return namedParameters().get("bias");
    }

    @Override
    public Tensor forward(Tensor x) {
        outputShape(x.shape());
        return Convolution.conv1d(x, weight(), bias(), spec);
    }

    @Override
    public int[] outputShape(int[] s) {
        requireShape(this, s, 3, in);
        Padding p = spec.padding() instanceof Padding.Explicit e ? Padding.of(0, 0, e.left(), e.right()) : spec.padding();
        try {
            int[] o = ConvGeometry.of(s[0], s[1], 1, s[2], out, 1, kernel, 1, spec.strideW(), p, 1,
                    spec.dilationW(), spec.groups()).outputShape();
            return new int[] {o[0], o[1], o[3]};
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(this + " on input " + Arrays.toString(s) + ": " + e.getMessage(), e);
        }
    }

    @Override
    protected String describe() {
        return in + ", " + out + ", kernel=" + kernel + (spec.strideW() != 1 ? ", stride=" + spec.strideW() : "")
                + ", padding=" + spec.padding() + (bias() == null ? ", bias=false" : "");
    }
}
