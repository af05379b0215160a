package dev.faltung.cli.oracle;

import dev.faltung.autodiff.ConvSpec;
import dev.faltung.autodiff.Convolution;
import dev.faltung.autodiff.Tensor;
import dev.faltung.cli.UsageException;
import dev.faltung.kernel.conv.ConvAlgorithm;
import dev.faltung.kernel.conv.Padding;
import java.util.List;

/**
 * conv2d, conv1d and conv_transpose2d with the semantics of {@code torch.nn.functional}, and
 * correlate2d/convolve2d with those of {@code scipy.signal}.
 */
final class ConvolutionOps {

    private ConvolutionOps() {
    }

    private static final Flag ALGO = Flag.value("algo",
            "direct|im2col|fft|winograd|auto (default direct, the exact loop nest); winograd needs a 3x3 "
                    + "or 5x5 kernel, stride 1 and dilation 1");

    static List<OracleOp> ops() {
        return List.of(
                OracleOp.of("conv2d",
                        "--input X[N,C,H,W] --weight W[K,C/G,R,S] [--bias B[K]] [--stride SH,SW] [--padding P] "
                                + "[--dilation DH,DW] [--groups G] [--algo A]",
                        "2-D cross-correlation, torch.nn.functional.conv2d.",
                        List.of(Flag.file("weight", "filters [K, C/groups, R, S]"),
                                Flag.file("bias", "per output channel [K]"),
                                Flag.value("stride", "SH,SW or S (default 1)"),
                                Flag.value("padding", "valid | same | full | P | PH,PW | PT,PB,PL,PR (default 0). "
                                        + "same: output ceil(in/stride), total padding split with the smaller half "
                                        + "first (torch's rule at stride 1, TensorFlow's at any stride); "
                                        + "full: dilation*(k-1) on each side"),
                                Flag.value("dilation", "DH,DW or D (default 1)"),
                                Flag.value("groups", "G, dividing C and K (default 1; G = C is depthwise)"),
                                ALGO),
                        ConvolutionOps::conv2d),
                OracleOp.of("conv1d",
                        "--input X[N,C,L] --weight W[K,C/G,S] [--bias B[K]] [--stride S] [--padding P] "
                                + "[--dilation D] [--groups G] [--algo A]",
                        "1-D cross-correlation, torch.nn.functional.conv1d.",
                        List.of(Flag.file("weight", "filters [K, C/groups, S]"),
                                Flag.file("bias", "per output channel [K]"),
                                Flag.value("stride", "S (default 1)"),
                                Flag.value("padding", "valid | same | full | P | PL,PR (default 0)"),
                                Flag.value("dilation", "D (default 1)"),
                                Flag.value("groups", "G (default 1)"),
                                ALGO),
                        ConvolutionOps::conv1d),
                OracleOp.of("conv_transpose2d",
                        "--input X[N,Cin,H,W] --weight W[Cin,Cout/G,R,S] [--bias B[Cout]] [--stride SH,SW] "
                                + "[--padding PH,PW] [--output-padding OH,OW] [--dilation DH,DW] [--groups G] [--algo A]",
                        "Transposed convolution, torch.nn.functional.conv_transpose2d; output "
                                + "(H-1)*stride - 2*padding + dilation*(R-1) + output_padding + 1.",
                        List.of(Flag.file("weight", "filters [Cin, Cout/groups, R, S]"),
                                Flag.file("bias", "per output channel [Cout]"),
                                Flag.value("stride", "SH,SW or S (default 1)"),
                                Flag.value("padding", "PH,PW or P (default 0)"),
                                Flag.value("output-padding", "OH,OW or O, smaller than the stride (default 0)"),
                                Flag.value("dilation", "DH,DW or D (default 1)"),
                                Flag.value("groups", "G (default 1)"),
                                ALGO),
                        ConvolutionOps::convTranspose2d),
                OracleOp.of("correlate2d",
                        "--input A[H,W] --weight K[R,S] [--mode valid|same|full] [--algo A]",
                        "scipy.signal.correlate2d(A, K, mode) (zero fill): full is [H+R-1, W+S-1], same is "
                                + "[H, W] centred as scipy centres it, valid needs one array at least as large as "
                                + "the other in both dimensions.",
                        List.of(Flag.file("weight", "the second array K [R, S]"),
                                Flag.value("mode", "valid | same | full (default full, as scipy)"),
                                ALGO),
                        in -> signal(in, false)),
                OracleOp.of("convolve2d",
                        "--input A[H,W] --weight K[R,S] [--mode valid|same|full] [--algo A]",
                        "scipy.signal.convolve2d(A, K, mode) (zero fill): correlation with K flipped.",
                        List.of(Flag.file("weight", "the second array K [R, S]"),
                                Flag.value("mode", "valid | same | full (default full, as scipy)"),
                                ALGO),
                        in -> signal(in, true)));
    }

    private static ConvAlgorithm algorithm(OpInputs in) {
        return ConvAlgorithm.parse(in.word("algo", "direct"));
    }

    private static Forward conv2d(OpInputs in) {
        Tensor x = in.input();
        Tensor w = in.requiredWeight();
        Tensor b = in.bias();
        int[] stride = in.ints("stride", 2, new int[] {1, 1});
        int[] dilation = in.ints("dilation", 2, new int[] {1, 1});
        Padding padding = Padding.parse(in.word("padding", "0"));
        ConvSpec spec = new ConvSpec(stride[0], stride[1], padding, dilation[0], dilation[1],
                in.integer("groups", 1), algorithm(in));
        return Forward.of(Convolution.conv2d(x, w, b, spec));
    }

    private static Forward conv1d(OpInputs in) {
        Tensor x = in.input();
        Tensor w = in.requiredWeight();
        Tensor b = in.bias();
        int stride = in.ints("stride", 1, new int[] {1})[0];
        int dilation = in.ints("dilation", 1, new int[] {1})[0];
        String p = in.word("padding", "0").trim();
        Padding padding;
        if (p.contains(",")) {
            int[] lr = in.ints("padding", 2, null);
            padding = Padding.of(0, 0, lr[0], lr[1]);
        } else {
            padding = Padding.parse(p); // valid, same, full or one amount for both ends
        }
        ConvSpec spec = new ConvSpec(1, stride, padding, 1, dilation, in.integer("groups", 1), algorithm(in));
        return Forward.of(Convolution.conv1d(x, w, b, spec));
    }

    private static Forward convTranspose2d(OpInputs in) {
        Tensor x = in.input();
        Tensor w = in.requiredWeight();
        Tensor b = in.bias();
        return Forward.of(Convolution.convTranspose2d(x, w, b,
                in.ints("stride", 2, new int[] {1, 1}),
                in.ints("padding", 2, new int[] {0, 0}),
                in.ints("output-padding", 2, new int[] {0, 0}),
                in.ints("dilation", 2, new int[] {1, 1}),
                in.integer("groups", 1), algorithm(in)));
    }

    /**
     * scipy's correlate2d/convolve2d as one single-channel conv2d with explicit padding, so the
     * gradients come from the convolution's own backward kernels.
     *
     * <p>Per axis, with input length M and kernel length P, the full correlation has length
     * M+P-1 and element t = Σ_m a[m + t - (P-1)]·k[m]: a convolution padded by P-1 on both sides.
     * Each mode is a window of it starting at {@code start} of length L, which is the convolution
     * padded by {@code P-1-start} before and {@code start+L-M} after:
     * valid takes start = min(M,P)-1, L = |M-P|+1 (scipy swaps the arrays when K is the larger,
     * and the window of the full result is the same); same takes L = M and start = P/2 for
     * correlation, (P-1)/2 for convolution (scipy's centring). convolve2d is correlate2d with K
     * flipped in both dimensions.
     */
    private static Forward signal(OpInputs in, boolean convolve) {
        String op = convolve ? "convolve2d" : "correlate2d";
        Tensor a = in.input();
        in.requireRank("input", a, 2, "a 2-D array [H, W]");
        Tensor k = in.requiredWeight();
        in.requireRank("weight", k, 2, "a 2-D array [R, S]");
        String mode = in.word("mode", "full").trim().toLowerCase(java.util.Locale.ROOT);
        int m0 = a.size(0), m1 = a.size(1), p0 = k.size(0), p1 = k.size(1);
        if (mode.equals("valid") && !((m0 >= p0 && m1 >= p1) || (p0 >= m0 && p1 >= m1))) {
            throw new IllegalArgumentException(op + ": in valid mode one array must be at least as large as the "
                    + "other in every dimension, got --input " + OpInputs.shape(a) + " and --weight "
                    + OpInputs.shape(k));
        }
        int[] axis0 = window(mode, m0, p0, convolve);
        int[] axis1 = window(mode, m1, p1, convolve);
        Tensor kernel = convolve ? flip2d(k) : k;
        ConvSpec spec = ConvSpec.DEFAULT.withAlgorithm(algorithm(in))
                .withPadding(Padding.of(axis0[0], axis0[1], axis1[0], axis1[1]));
        Tensor y = Convolution.conv2d(a.reshape(1, 1, m0, m1), kernel.reshape(1, 1, p0, p1), null, spec);
        int[] ys = y.shape();
        return Forward.of(y.reshape(ys[2], ys[3]));
    }

    /** {padding before, padding after} of one axis for a scipy mode (see {@link #signal}). */
    private static int[] window(String mode, int m, int p, boolean convolve) {
        int start, length;
        switch (mode) {
            case "full" -> {
                start = 0;
                length = m + p - 1;
            }
            case "valid" -> {
                start = Math.min(m, p) - 1;
                length = Math.abs(m - p) + 1;
            }
            case "same" -> {
                start = convolve ? (p - 1) / 2 : p / 2;
                length = m;
            }
            default -> throw new UsageException("--mode must be valid, same or full, got '" + mode + "'");
        }
        return new int[] {p - 1 - start, start + length - m};
    }

    /** K reversed in both dimensions, differentiably (the gradient is flipped back). */
    private static Tensor flip2d(Tensor k) {
        int rows = k.size(0), cols = k.size(1);
        Tensor[] r = new Tensor[rows];
        for (int i = 0; i < rows; i++) {
            Tensor row = k.slice(0, rows - 1 - i, rows - i);
            Tensor[] c = new Tensor[cols];
            for (int j = 0; j < cols; j++) {
                c[j] = row.slice(1, cols - 1 - j, cols - j);
            }
            r[i] = Tensor.concat(1, c);
        }
        return Tensor.concat(0, r);
    }
}
