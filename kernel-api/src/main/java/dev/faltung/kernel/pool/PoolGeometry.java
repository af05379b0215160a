package dev.faltung.kernel.pool;

/**
 * A 2-D pooling window over input {@code [n, c, h, w]}, following
 * {@code torch.nn.functional.max_pool2d}/{@code avg_pool2d}: symmetric padding of at most half
 * the window, and in ceil mode a last window is kept only if it starts inside the input or the
 * left padding; it may hang past the padded input, even when the window is longer than the
 * padded input (see {@link #outSize}). {@code countIncludePad} matters for average pooling
 * only: padded taps count in the divisor, but never the part of a ceil-mode window that hangs
 * past the padding.
 */
public record PoolGeometry(int n, int c, int h, int w, int kernelH, int kernelW,
                           int strideH, int strideW, int padH, int padW,
                           boolean ceilMode, boolean countIncludePad) {

    public PoolGeometry {
        if (n <= 0 || c <= 0 || h <= 0 || w <= 0) {
            throw new IllegalArgumentException("pool: input shape must be positive, got [" + n + ", " + c
                    + ", " + h + ", " + w + "]");
        }
        if (kernelH <= 0 || kernelW <= 0) {
            throw new IllegalArgumentException("pool: kernel must be positive, got " + kernelH + "x" + kernelW);
        }
        if (strideH <= 0 || strideW <= 0) {
            throw new IllegalArgumentException("pool: stride must be positive, got " + strideH + "," + strideW);
        }
        if (padH < 0 || padW < 0 || 2 * padH > kernelH || 2 * padW > kernelW) {
            throw new IllegalArgumentException("pool: padding " + padH + "," + padW
                    + " must be non-negative and at most half the kernel " + kernelH + "x" + kernelW);
        }
        if (outSize(h, kernelH, strideH, padH, ceilMode) <= 0 || outSize(w, kernelW, strideW, padW, ceilMode) <= 0) {
            throw new IllegalArgumentException("pool: kernel " + kernelH + "x" + kernelW
                    + " is larger than the padded input " + (h + 2 * padH) + "x" + (w + 2 * padW)
                    + (ceilMode ? " by more than the stride less 1" : ""));
        }
    }

    /**
     * PyTorch's {@code pooling_output_shape}: {@code floor((in + 2·pad - k [+ stride-1 in ceil
     * mode]) / stride) + 1}. In ceil mode the window may be longer than the padded input by up
     * to {@code stride-1} (an input of 1 with a 3-wide window and stride 3 gives one output),
     * which torch computes over the part that lies inside; only a negative numerator means no
     * window at all.
     */
    static int outSize(int in, int k, int stride, int pad, boolean ceil) {
        int numerator = in + 2 * pad - k + (ceil ? stride - 1 : 0);
        if (numerator < 0) {
            return 0;
        }
        int out = numerator / stride + 1;
        if (ceil && (out - 1) * stride >= in + pad) {
            out--; // the last window would start in the right padding
        }
        return out;
    }

    public int outH() {
        return outSize(h, kernelH, strideH, padH, ceilMode);
    }

    public int outW() {
        return outSize(w, kernelW, strideW, padW, ceilMode);
    }

    public int[] outputShape() {
        return new int[] {n, c, outH(), outW()};
    }

    public int inputSize() {
        return n * c * h * w;
    }

    public int outputSize() {
        return n * c * outH() * outW();
    }
}
