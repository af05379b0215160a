package dev.faltung.autodiff;

import dev.faltung.kernel.pool.PoolGeometry;

/**
 * Differentiable 2-D max and average pooling over {@code [N,C,H,W]} with the semantics of
 * {@code torch.nn.functional.max_pool2d}/{@code avg_pool2d} (see {@link PoolGeometry}).
 */
public final class Pooling {

    private Pooling() {
    }

    /** Max pooling; the gradient goes to the first maximum of each window. */
    public static Tensor maxPool2d(Tensor x, int[] kernel, int[] stride, int[] padding, boolean ceilMode) {
        PoolGeometry g = geometry("maxPool2d", x, kernel, stride, padding, ceilMode, false);
        Tensor y = Tensor.empty(x.dtype(), g.outputShape());
        int[] argmax = TensorArena.indices(g.outputSize());
        Compute.kernels().maxPoolForward(g, x.buffer(), y.buffer(), argmax);
        return Tensor.record("maxPool2d", y, gy -> {
            Tensor gx = Tensor.empty(x.dtype(), x.shape());
            Compute.kernels().maxPoolBackward(g, gy.buffer(), argmax, gx.buffer());
            return new Tensor[] {gx};
        }, x);
    }

    /** Average pooling; {@code countIncludePad} counts padded taps in the divisor. */
    public static Tensor avgPool2d(Tensor x, int[] kernel, int[] stride, int[] padding, boolean ceilMode,
                                   boolean countIncludePad) {
        PoolGeometry g = geometry("avgPool2d", x, kernel, stride, padding, ceilMode, countIncludePad);
        Tensor y = Tensor.empty(x.dtype(), g.outputShape());
        Compute.kernels().avgPoolForward(g, x.buffer(), y.buffer());
        return Tensor.record("avgPool2d", y, gy -> {
            Tensor gx = Tensor.empty(x.dtype(), x.shape());
            Compute.kernels().avgPoolBackward(g, gy.buffer(), gx.buffer());
            return new Tensor[] {gx};
        }, x);
    }

    private static PoolGeometry geometry(String op, Tensor x, int[] kernel, int[] stride, int[] padding,
                                         boolean ceilMode, boolean countIncludePad) {
        int[] s = x.shape();
        if (s.length != 4) {
            throw new IllegalArgumentException(op + ": input must be [N,C,H,W], got " + Shapes.str(s));
        }
        if (kernel.length != 2 || stride.length != 2 || padding.length != 2) {
            throw new IllegalArgumentException(op + ": kernel, stride and padding need two entries each");
        }
        try {
            return new PoolGeometry(s[0], s[1], s[2], s[3], kernel[0], kernel[1], stride[0], stride[1],
                    padding[0], padding[1], ceilMode, countIncludePad);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(op + " on input " + Shapes.str(s) + ": " + e.getMessage(), e);
        }
    }
}
