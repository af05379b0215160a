package dev.faltung.autodiff;

import dev.faltung.kernel.Kernels;
import dev.faltung.kernel.conv.ConvGeometry;
import dev.faltung.kernel.conv.Padding;
import java.util.Arrays;

/**
 * Differentiable convolutions in deep-learning convention (cross-correlation), with the
 * semantics of {@code torch.nn.functional.conv1d/conv2d/conv_transpose2d}. The gradients are
 * convolutions too: backward-data and backward-filter kernels of the same algorithm.
 */
public final class Convolution {

    private Convolution() {
    }

    /**
     * {@code x [N,C,H,W]} ⋆ {@code w [K,C/groups,R,S]} + {@code bias [K]} (or null) →
     * {@code [N,K,outH,outW]}.
     */
    public static Tensor conv2d(Tensor x, Tensor w, Tensor bias, ConvSpec spec) {
        int[] xs = x.shape(), ws = w.shape();
        if (xs.length != 4 || ws.length != 4) {
            throw new IllegalArgumentException("conv2d: input must be [N,C,H,W] and weight [K,C/groups,R,S], got "
                    + Shapes.str(xs) + " and " + Shapes.str(ws));
        }
        x.requireSameDType("conv2d", w);
        if (xs[1] != ws[1] * spec.groups()) {
            throw new IllegalArgumentException("conv2d: input " + Shapes.str(xs) + " has " + xs[1]
                    + " channels but weight " + Shapes.str(ws) + " with groups=" + spec.groups() + " expects "
                    + ws[1] * spec.groups());
        }
        checkBias("conv2d", bias, ws[0], x);
        ConvGeometry g = ConvGeometry.of(xs[0], xs[1], xs[2], xs[3], ws[0], ws[2], ws[3],
                spec.strideH(), spec.strideW(), spec.padding(), spec.dilationH(), spec.dilationW(), spec.groups());
        return convolve("conv2d", g, spec, x, w, bias);
    }

    /**
     * 1-D convolution: {@code x [N,C,L]} ⋆ {@code w [K,C/groups,S]} → {@code [N,K,outL]}. The
     * spec's width entries apply; explicit padding {@code Padding.of(0, p)} pads p on both ends.
     */
    public static Tensor conv1d(Tensor x, Tensor w, Tensor bias, ConvSpec spec) {
        int[] xs = x.shape(), ws = w.shape();
        if (xs.length != 3 || ws.length != 3) {
            throw new IllegalArgumentException("conv1d: input must be [N,C,L] and weight [K,C/groups,S], got "
                    + Shapes.str(xs) + " and " + Shapes.str(ws));
        }
        Padding p = spec.padding() instanceof Padding.Explicit e ? Padding.of(0, 0, e.left(), e.right()) : spec.padding();
        ConvSpec s2 = new ConvSpec(1, spec.strideW(), p, 1, spec.dilationW(), spec.groups(), spec.algorithm());
        Tensor y = conv2d(x.reshape(xs[0], xs[1], 1, xs[2]), w.reshape(ws[0], ws[1], 1, ws[2]), bias, s2);
        int[] ys = y.shape();
        return y.reshape(ys[0], ys[1], ys[3]);
    }

    /**
     * Transposed convolution as {@code torch.nn.functional.conv_transpose2d}: {@code x [N,Cin,H,W]},
     * {@code w [Cin, Cout/groups, R, S]}, output
     * {@code (H-1)·stride - 2·pad + dilation·(R-1) + outputPadding + 1} per axis. It is the
     * gradient-with-respect-to-input of the convolution that maps the output back to {@code x}.
     */
    public static Tensor convTranspose2d(Tensor x, Tensor w, Tensor bias, int[] stride, int[] padding,
                                         int[] outputPadding, int[] dilation, int groups,
                                         dev.faltung.kernel.conv.ConvAlgorithm algorithm) {
        int[] xs = x.shape(), ws = w.shape();
        if (xs.length != 4 || ws.length != 4) {
            throw new IllegalArgumentException("convTranspose2d: input must be [N,Cin,H,W] and weight "
                    + "[Cin,Cout/groups,R,S], got " + Shapes.str(xs) + " and " + Shapes.str(ws));
        }
        x.requireSameDType("convTranspose2d", w);
        if (groups <= 0 || xs[1] != ws[0] || xs[1] % groups != 0) {
            throw new IllegalArgumentException("convTranspose2d: input " + Shapes.str(xs) + " has " + xs[1]
                    + " channels; weight " + Shapes.str(ws) + " needs " + ws[0] + " and groups=" + groups
                    + " must divide it");
        }
        for (int i = 0; i < 2; i++) {
            if (stride[i] <= 0 || dilation[i] <= 0 || padding[i] < 0 || outputPadding[i] < 0) {
                throw new IllegalArgumentException("convTranspose2d: stride " + Arrays.toString(stride) + " and dilation "
                        + Arrays.toString(dilation) + " must be positive, padding " + Arrays.toString(padding)
                        + " and output padding " + Arrays.toString(outputPadding) + " non-negative");
            }
            if (outputPadding[i] >= Math.max(stride[i], dilation[i])) {
                throw new IllegalArgumentException("convTranspose2d: output padding " + Arrays.toString(outputPadding)
                        + " must be smaller than the stride " + Arrays.toString(stride) + " or the dilation "
                        + Arrays.toString(dilation));
            }
        }
        int cout = ws[1] * groups;
        checkBias("convTranspose2d", bias, cout, x);
        int outH = (xs[2] - 1) * stride[0] - 2 * padding[0] + dilation[0] * (ws[2] - 1) + outputPadding[0] + 1;
        int outW = (xs[3] - 1) * stride[1] - 2 * padding[1] + dilation[1] * (ws[3] - 1) + outputPadding[1] + 1;
        if (outH <= 0 || outW <= 0) {
            throw new IllegalArgumentException("convTranspose2d: output size " + outH + "x" + outW
                    + " is not positive for input " + Shapes.str(xs) + ", weight " + Shapes.str(ws));
        }
        // The output is the input gradient of the convolution G that maps it back to x. Output
        // padding beyond the padding adds rows no tap reaches: G covers the reachable part
        // (bottom padding max(p - op, 0) keeps G's output size equal to x's), and those rows are
        // zeros appended afterwards.
        int extraH = Math.max(outputPadding[0] - padding[0], 0);
        int extraW = Math.max(outputPadding[1] - padding[1], 0);
        if (outH - extraH <= 0 || outW - extraW <= 0) {
            // Every output row (or column) is output padding that no tap reaches, as when an input
            // of one row with padding 1 and output padding 2 < stride 3 gives one output row:
            // torch's output is the bias alone, and x and w get zero gradients. Output padding needs
            // a stride or dilation above 1, which winograd refuses whether or not it has work to do.
            if (algorithm == dev.faltung.kernel.conv.ConvAlgorithm.WINOGRAD) {
                throw new UnsupportedOperationException("convTranspose2d with winograd: winograd needs stride 1 "
                        + "and dilation 1, got stride " + Arrays.toString(stride) + " and dilation "
                        + Arrays.toString(dilation));
            }
            Tensor y = Tensor.record("convTranspose2d", Tensor.empty(x.dtype(), new int[] {xs[0], cout, outH, outW}),
                    gy -> new Tensor[] {Tensor.empty(x.dtype(), xs), Tensor.empty(w.dtype(), ws)}, x, w);
            return bias == null ? y : y.add(bias.reshape(cout, 1, 1));
        }
        ConvGeometry g = new ConvGeometry(xs[0], cout, outH - extraH, outW - extraW, xs[1], ws[2], ws[3],
                stride[0], stride[1], padding[0], Math.max(padding[0] - outputPadding[0], 0),
                padding[1], Math.max(padding[1] - outputPadding[1], 0), dilation[0], dilation[1], groups);
        Tensor y = Tensor.empty(x.dtype(), g.inputShape());
        Compute.kernels().convBackwardData(algorithm, g, x.buffer(), w.buffer(), y.buffer());
        y = Tensor.record("convTranspose2d", y, gy -> {
            Kernels k = Compute.kernels();
            Tensor gx = Tensor.empty(x.dtype(), xs);
            Tensor gw = Tensor.empty(w.dtype(), ws);
            k.convForward(algorithm, g, gy.buffer(), w.buffer(), null, gx.buffer());
            k.convBackwardFilter(algorithm, g, gy.buffer(), x.buffer(), gw.buffer(), null);
            return new Tensor[] {gx, gw};
        }, x, w);
        if (extraH > 0 || extraW > 0) {
            y = y.pad(new int[] {0, 0, 0, 0}, new int[] {0, 0, extraH, extraW}, 0.0);
        }
        return bias == null ? y : y.add(bias.reshape(cout, 1, 1));
    }

    private static Tensor convolve(String op, ConvGeometry g, ConvSpec spec, Tensor x, Tensor w, Tensor bias) {
        Tensor y = Tensor.empty(x.dtype(), g.outputShape());
        Compute.kernels().convForward(spec.algorithm(), g, x.buffer(), w.buffer(),
                bias == null ? null : bias.buffer(), y.buffer());
        return Tensor.record(op, y, gy -> {
            Kernels k = Compute.kernels();
            Tensor gx = null, gw = null, gb = null;
            if (x.requiresGrad()) {
                gx = Tensor.empty(x.dtype(), g.inputShape());
                k.convBackwardData(spec.algorithm(), g, gy.buffer(), w.buffer(), gx.buffer());
            }
            if (w.requiresGrad() || (bias != null && bias.requiresGrad())) {
                gw = Tensor.empty(w.dtype(), g.weightShape());
                gb = bias == null ? null : Tensor.empty(bias.dtype(), new int[] {g.k()});
                k.convBackwardFilter(spec.algorithm(), g, x.buffer(), gy.buffer(), gw.buffer(),
                        gb == null ? null : gb.buffer());
            }
            return new Tensor[] {gx, gw, gb};
        }, x, w, bias);
    }

    private static void checkBias(String op, Tensor bias, int channels, Tensor x) {
        if (bias == null) {
            return;
        }
        x.requireSameDType(op, bias);
        if (bias.rank() != 1 || bias.size(0) != channels) {
            throw new IllegalArgumentException(op + ": bias must be [" + channels + "], got " + Shapes.str(bias.shape()));
        }
    }
}
