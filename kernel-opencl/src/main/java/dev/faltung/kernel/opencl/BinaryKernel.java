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

    @Override
    public void run() {
        int i = getGlobalId();
        if (i < size) {
            int rem = i;
            int ai = 0;
            int bi = 0;
            for (int d = rank - 1; d >= 0; d--) {
                int extent = shape[d];
                int coord = rem % extent;
                rem = rem / extent;
                ai += coord * aStride[d];
                bi += coord * bStride[d];
            }
            out[i] = apply(a[ai], b[bi]);
        }
    }

    // Independent ifs rather than an else-if chain: Aparapi 3.0.2 cannot decompile a long chain
    // ("child list broken") and would fall back to Java threads.
    private float apply(float u, float v) {
        float r = 0f;
        if (op == ADD) {
            r = u + v;
        }
        if (op == SUB) {
            r = u - v;
        }
        if (op == MUL) {
            r = u * v;
        }
        if (op == DIV) {
            r = u / v;
        }
        if (op == POW) {
            r = pow(u, v);
        }
        if (op == MAX) {
            r = u;
            if (v != v || v > u) {
                r = v;
            }
        }
        if (op == MIN) {
            r = u;
            if (v != v || v < u) {
                r = v;
            }
        }
        if (op == GREATER) {
            if (u > v) {
                r = 1f;
            }
        }
        if (op == EQUAL) {
            if (u == v) {
                r = 1f;
            }
        }
        return r;
    }
}
