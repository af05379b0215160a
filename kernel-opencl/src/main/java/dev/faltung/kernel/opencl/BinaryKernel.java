package dev.faltung.kernel.opencl;

import com.aparapi.Kernel;

/**
 * {@code out = f(a, b)} with NumPy broadcasting by index math: each output index is split into
 * coordinates of {@code shape} (the output shape) and dotted with the strides of {@code a} and
 * {@code b}, which are 0 along broadcast axes.
 */
final class BinaryKernel extends Kernel {

    static final int ADD = 0, SUB = 1, MUL = 2, DIV = 3, POW = 4, MAX = 5, MIN = 6, GREATER = 7, EQUAL = 8;

    float[] a = new float[1];
    float[] b = new float[1];
    float[] out = new float[1];
    int[] shape = new int[1];
    int[] aStride = new int[1];
    int[] bStride = new int[1];
    int rank;
    int size;
    int op;
    /** 1 when a, b and out have the same shape: output i reads element i of both. */
    int dense;
    /** Outputs per work-item (1 on a GPU, a run of them on a CPU device). */
    int per = 1;

    /**
     * Item {@code g} does outputs {@code [g·per, g·per + per)}; each op has its own loop behind
     * one test of {@code op} (see {@link UnaryKernel#run()} for why).
     */
    @Override
    public void run() {
        int first = getGlobalId() * per;
        int end = min(size, first + per);
        if (op == ADD) {
            for (int i = first; i < end; i++) {
                out[i] = a[aAt(i)] + b[bAt(i)];
            }
        }
        if (op == SUB) {
            for (int i = first; i < end; i++) {
                out[i] = a[aAt(i)] - b[bAt(i)];
            }
        }
        if (op == MUL) {
            for (int i = first; i < end; i++) {
                out[i] = a[aAt(i)] * b[bAt(i)];
            }
        }
        if (op == DIV) {
            for (int i = first; i < end; i++) {
                out[i] = a[aAt(i)] / b[bAt(i)];
            }
        }
        if (op == POW) {
            for (int i = first; i < end; i++) {
                out[i] = pow(a[aAt(i)], b[bAt(i)]);
            }
        }
        if (op == MAX) {
            for (int i = first; i < end; i++) {
                float u = a[aAt(i)];
                float v = b[bAt(i)];
                float r = u;
                if (v != v || v > u) {
                    r = v;
                }
                out[i] = r;
            }
        }
        if (op == MIN) {
            for (int i = first; i < end; i++) {
                float u = a[aAt(i)];
                float v = b[bAt(i)];
                float r = u;
                if (v != v || v < u) {
                    r = v;
                }
                out[i] = r;
            }
        }
        if (op == GREATER) {
            for (int i = first; i < end; i++) {
                float r = 0f;
                if (a[aAt(i)] > b[bAt(i)]) {
                    r = 1f;
                }
                out[i] = r;
            }
        }
        if (op == EQUAL) {
            for (int i = first; i < end; i++) {
                float r = 0f;
                if (a[aAt(i)] == b[bAt(i)]) {
                    r = 1f;
                }
                out[i] = r;
            }
        }
    }

    /** The element of {@code a} that output {@code i} reads: {@code i} itself when nothing broadcasts. */
    private int aAt(int i) {
        int at = i;
        if (dense == 0) {
            at = 0;
            int rem = i;
            for (int d = rank - 1; d >= 0; d--) {
                at += rem % shape[d] * aStride[d];
                rem = rem / shape[d];
            }
        }
        return at;
    }

    private int bAt(int i) {
        int at = i;
        if (dense == 0) {
            at = 0;
            int rem = i;
            for (int d = rank - 1; d >= 0; d--) {
                at += rem % shape[d] * bStride[d];
                rem = rem / shape[d];
            }
        }
        return at;
    }
}
