package dev.faltung.nn.layers;

import dev.faltung.autodiff.ConvSpec;
import dev.faltung.autodiff.Convolution;
import dev.faltung.autodiff.Tensor;
import dev.faltung.kernel.DType;
import dev.faltung.kernel.conv.ConvGeometry;
import dev.faltung.nn.init.Init;
import dev.faltung.nn.Seeds;
import java.util.Arrays;

/**
 * 2-D convolution {@code [N, in, H, W] -> [N, out, H', W']} with weight
 * {@code [out, in/groups, kh, kw]} and optional bias {@code [out]}; strides, padding, dilation,
 * groups and algorithm come from a {@link ConvSpec} (algorithm AUTO by default). Initialised as
 * PyTorch's Conv2d: U(±1/√fan_in) with {@code fan_in = in/groups·kh·kw}.
 */
public final class Conv2d extends Layer {

    private final int in;
    private final int out;
    private final int kh;
    private final int kw;
    private final ConvSpec spec;

    /** A square {@code kernel}, stride 1, no padding, with bias. */
    public Conv2d(int in, int out, int kernel, long seed) {
        this(in, out, kernel, kernel, ConvSpec.DEFAULT, true, seed);
    }

    /** A square {@code kernel} with the given spec. */
    public Conv2d(int in, int out, int kernel, ConvSpec spec, boolean bias, long seed) {
        this(in, out, kernel, kernel, spec, bias, seed);
    }

    public Conv2d(int in, int out, int kh, int kw, ConvSpec spec, boolean bias, long seed) {
        if (in <= 0 || out <= 0 || kh <= 0 || kw <= 0 || in % spec.groups() != 0 || out % spec.groups() != 0) {
            throw new IllegalArgumentException("Conv2d: channels " + in + "->" + out + " and kernel " + kh + "x" + kw
                    + " must be positive and channels divisible by groups=" + spec.groups());
        }
        this.in = in;
        this.out = out;
        this.kh = kh;
        this.kw = kw;
        this.spec = spec;
        int[] ws = {out, in / spec.groups(), kh, kw};
        addParameter("weight", Init.defaultWeight(Seeds.derive(seed, 0), DType.FLOAT32, ws));
        if (bias) {
            addParameter("bias", Init.defaultBias(Seeds.derive(seed, 1), Init.fans(ws)[0], DType.FLOAT32, out));
        }
    }

    public Tensor weight() {
        return param("weight");
    }

    /** The bias, or null for a layer built without one. */
    public Tensor bias() {
        return namedParameters().get("bias");
    }

    public ConvSpec spec() {
        return spec;
    }

    @Override
    public Tensor forward(Tensor x) {
        outputShape(x.shape());
        return Convolution.conv2d(x, weight(), bias(), spec);
    }

    @Override
    public int[] outputShape(int[] s) {
        requireShape(this, s, 4, in);
        try {
            return ConvGeometry.of(s[0], s[1], s[2], s[3], out, kh, kw, spec.strideH(), spec.strideW(),
                    spec.padding(), spec.dilationH(), spec.dilationW(), spec.groups()).outputShape();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(this + " on input " + Arrays.toString(s) + ": " + e.getMessage(), e);
        }
    }

    @Override
    protected String describe() {
        return in + ", " + out + ", kernel=" + kh + "x" + kw
                + (spec.strideH() != 1 || spec.strideW() != 1 ? ", stride=" + spec.strideH() + "x" + spec.strideW() : "")
                + ", padding=" + spec.padding()
                + (spec.dilationH() != 1 || spec.dilationW() != 1 ? ", dilation=" + spec.dilationH() + "x" + spec.dilationW() : "")
                + (spec.groups() != 1 ? ", groups=" + spec.groups() : "")
                + (bias() == null ? ", bias=false" : "");
    }
}
