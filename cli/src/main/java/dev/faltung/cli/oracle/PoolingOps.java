package dev.faltung.cli.oracle;

import dev.faltung.autodiff.Pooling;
import dev.faltung.autodiff.Tensor;
import java.util.List;

/** max_pool2d, avg_pool2d and lp_pool2d over {@code [N,C,H,W]}, as {@code torch.nn.functional}. */
final class PoolingOps {

    private PoolingOps() {
    }

    private static final Flag KERNEL = Flag.value("kernel", "KH,KW or K (required)");
    private static final Flag STRIDE = Flag.value("stride", "SH,SW or S (default: the kernel size)");
    private static final Flag PADDING = Flag.value("padding", "PH,PW or P, at most half the kernel (default 0)");
    private static final Flag CEIL = Flag.bool("ceil-mode",
            "round the output size up; a last window must start inside the input or the left padding, "
                    + "and may reach past the padded input by less than the stride");

    static List<OracleOp> ops() {
        return List.of(
                OracleOp.of("max_pool2d",
                        "--input X[N,C,H,W] --kernel KH,KW [--stride SH,SW] [--padding PH,PW] [--ceil-mode]",
                        "torch.nn.functional.max_pool2d (padding is -infinity); the gradient goes to the first "
                                + "maximum of each window.",
                        List.of(KERNEL, STRIDE, PADDING, CEIL),
                        in -> {
                            int[][] g = geometry(in);
                            return Forward.of(Pooling.maxPool2d(in.input(), g[0], g[1], g[2], in.flag("ceil-mode")));
                        }),
                OracleOp.of("avg_pool2d",
                        "--input X[N,C,H,W] --kernel KH,KW [--stride SH,SW] [--padding PH,PW] [--ceil-mode] "
                                + "[--count-include-pad[=false]]",
                        "torch.nn.functional.avg_pool2d.",
                        List.of(KERNEL, STRIDE, PADDING, CEIL,
                                Flag.bool("count-include-pad", "count padded taps in the divisor; default true as "
                                        + "in torch, --count-include-pad=false to exclude them (the part of a "
                                        + "ceil-mode window past the padding never counts)")),
                        in -> {
                            int[][] g = geometry(in);
                            return Forward.of(Pooling.avgPool2d(in.input(), g[0], g[1], g[2], in.flag("ceil-mode"),
                                    in.flag("count-include-pad", true)));
                        }),
                OracleOp.of("lp_pool2d",
                        "--input X[N,C,H,W] --p P --kernel KH,KW [--stride SH,SW] [--ceil-mode]",
                        "torch.nn.functional.lp_pool2d: (sum over the window of x^p)^(1/p), computed as torch "
                                + "does, avg_pool2d(x^p)*KH*KW then ^(1/p); use positive inputs or an even p.",
                        List.of(Flag.value("p", "the norm degree P (required, non-zero)"), KERNEL, STRIDE, CEIL),
                        PoolingOps::lpPool2d));
    }

    /** {kernel, stride, padding} with torch's defaults. */
    private static int[][] geometry(OpInputs in) {
        in.args().require("kernel");
        int[] kernel = in.ints("kernel", 2, null);
        int[] stride = in.ints("stride", 2, kernel);
        int[] padding = in.ints("padding", 2, new int[] {0, 0});
        return new int[][] {kernel, stride, padding};
    }

    private static Forward lpPool2d(OpInputs in) {
        double p = in.requiredNumber("p");
        if (p == 0) {
            throw new IllegalArgumentException("lp_pool2d: --p must be non-zero, got " + p);
        }
        int[][] g = geometry(in);
        Tensor x = in.input();
        // torch: (sign(s)·relu(|s|)·KH·KW)^(1/p) with s = avg_pool2d(x^p). sign·relu·abs is the
        // identity in value and, away from s = 0, in gradient; at s = 0 (a window of zeros, as
        // after a ReLU) relu's derivative 0 stops the infinite one of ^(1/p), so torch's
        // gradient there is 0, where the bare power would give infinity times 0, NaN.
        Tensor sum = Pooling.avgPool2d(x.pow(p), g[0], g[1], new int[] {0, 0}, in.flag("ceil-mode"), true)
                .mul((double) g[0][0] * g[0][1]);
        Tensor zero = sum.detach().eq(Tensor.scalar(0.0, sum.dtype())); // 1 where a window sums to 0
        // Raise 1 instead of 0 there, so the power's derivative is finite, then mask value and
        // gradient with 1 - zero.
        return Forward.of(sum.add(zero).pow(1.0 / p).mul(zero.neg().add(1.0)));
    }
}
