package dev.faltung.nn.layers;

import java.util.Arrays;

/** {@link BatchNorm} for {@code [N, C]} or {@code [N, C, L]} inputs (statistics per channel C). */
public final class BatchNorm1d extends BatchNorm {

    /** eps 1e-5, momentum 0.1, affine: PyTorch's defaults. */
    public BatchNorm1d(int features) {
        this(features, 1e-5, 0.1, true);
    }

    public BatchNorm1d(int features, double eps, double momentum, boolean affine) {
        super(features, eps, momentum, affine);
    }

    @Override
    void checkRank(int[] s) {
        if (s.length != 2 && s.length != 3) {
            throw new IllegalArgumentException("BatchNorm1d: expected [N, C] or [N, C, L], got " + Arrays.toString(s));
        }
    }
}
