package dev.faltung.nn.layers;

import java.util.Arrays;

/** {@link BatchNorm} for images {@code [N, C, H, W]} (statistics per channel over N, H, W). */
public final class BatchNorm2d extends BatchNorm {

    /** eps 1e-5, momentum 0.1, affine: PyTorch's defaults. */
    public BatchNorm2d(int channels) {
        this(channels, 1e-5, 0.1, true);
    }

    public BatchNorm2d(int channels, double eps, double momentum, boolean affine) {
        super(channels, eps, momentum, affine);
    }

    @Override
    void checkRank(int[] s) {
        if (s.length != 4) {
            throw new IllegalArgumentException("BatchNorm2d: expected [N, C, H, W], got " + Arrays.toString(s));
        }
    }
}
