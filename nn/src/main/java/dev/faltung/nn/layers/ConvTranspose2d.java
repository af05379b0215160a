package dev.faltung.nn.layers;

import dev.faltung.autodiff.Convolution;
import dev.faltung.autodiff.Tensor;
import dev.faltung.kernel.DType;
import dev.faltung.kernel.conv.ConvAlgorithm;
import dev.faltung.nn.init.Init;
import dev.faltung.nn.Seeds;
import java.util.Arrays;

/**
 * Transposed 2-D convolution as {@code torch.nn.ConvTranspose2d} (one group, no dilation):
 * weight {@code [in, out, k, k]}, output size {@code (H-1)·stride - 2·padding + k + outputPadding}.
 * Initialised as PyTorch does, with its fans of the transposed weight ({@code fan_in = out·k²}).
 */
public final class ConvTranspose2d extends Layer {

    private final int in;
    private final int out;
    private final int kernel;
    private final int stride;
    private final int padding;
    private final int outputPadding;

    public ConvTranspose2d(int in, int out, int kernel, int stride, int padding, int outputPadding, boolean bias,
                           long seed) {
        if (in <= 0 || out <= 0 || kernel <= 0 || stride <= 0 || padding < 0 || outputPadding < 0
                || outputPadding >= stride) {
            throw new IllegalArgumentException("ConvTranspose2d: need positive channels " + in + "->" + out
                    + ", kernel " + kernel + " and stride " + stride + ", padding " + padding
                    + " >= 0 and 0 <= outputPadding " + outputPadding + " < stride");
        }
        this.in = in;
        this.out = out;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.outputPadding = outputPadding;
        int[] ws = {in, out, kernel, kernel};
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
        return Convolution.convTranspose2d(x, weight(), bias(), new int[] {stride, stride},
                new int[] {padding, padding}, new int[] {outputPadding, outputPadding}, new int[] {1, 1}, 1,
                ConvAlgorithm.AUTO);
    }

    @Override
    public int[] outputShape(int[] s) {
        requireShape(this, s, 4, in);
        int oh = (s[2] - 1) * stride - 2 * padding + kernel + outputPadding;
        int ow = (s[3] - 1) * stride - 2 * padding + kernel + outputPadding;
        if (oh <= 0 || ow <= 0) {
            throw new IllegalArgumentException(this + ": output " + oh + "x" + ow + " is empty for input "
                    + Arrays.toString(s));
        }
        return new int[] {s[0], out, oh, ow};
    }

    @Override
    protected String describe() {
        return in + ", " + out + ", kernel=" + kernel + ", stride=" + stride + ", padding=" + padding
                + (outputPadding != 0 ? ", outputPadding=" + outputPadding : "") + (bias() == null ? ", bias=false" : "");
    }
}
