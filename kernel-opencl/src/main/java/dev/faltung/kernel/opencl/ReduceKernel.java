package dev.faltung.kernel.opencl;

import com.aparapi.Kernel;

/**
 * Reduction over a set of axes, one work-item per output element. The input's axes are split
 * into kept and reduced ones (shapes and strides passed flat); each item walks its reduced
 * positions in row-major order, i.e. in increasing linear index of {@code x}, as the SPI fixes.
 * Sums are Kahan-compensated in float, so their error stays near one rounding instead of
 * growing with the count.
 */
final class ReduceKernel extends Kernel {

    static final int SUM = 0, MAX = 1, MIN = 2;

    float[] x = new float[1];
    float[] out = new float[1];
    int[] keptShape = new int[1];
    int[] keptStride = new int[1];
    int[] redShape = new int[1];
    int[] redStride = new int[1];
    int keptRank;
    int redRank;
    int outSize;
    int redCount;
    int op;

    @Override
    public void run() {
        int o = getGlobalId();
        if (o < outSize) {
            int rem = o;
            int base = 0;
            for (int d = keptRank - 1; d >= 0; d--) {
                base += (rem % keptShape[d]) * keptStride[d];
                rem = rem / keptShape[d];
            }
            float acc = x[base + offset(0)];
            float comp = 0f;
            for (int r = 1; r < redCount; r++) {
                float v = x[base + offset(r)];
                if (op == SUM) {
                    float yk = v - comp;
                    float t = acc + yk;
                    comp = (t - acc) - yk;
                    acc = t;
                } else if (op == MAX) {
                    if (acc == acc && (v != v || v > acc)) {
                        acc = v;
                    }
                } else if (acc == acc && (v != v || v < acc)) {
                    acc = v;
                }
            }
            out[o] = acc;
        }
    }

    private int offset(int r) {
        int rem = r;
        int off = 0;
        for (int d = redRank - 1; d >= 0; d--) {
            off += (rem % redShape[d]) * redStride[d];
            rem = rem / redShape[d];
        }
        return off;
    }
}
