package dev.faltung.kernel.opencl;

import com.aparapi.Kernel;

/**
 * {@code out[i] = f(x[i]; alpha)} for every {@link dev.faltung.kernel.UnaryOp}, chosen by the
 * code {@code op} (the host maps the enum; run() may not touch other classes). One kernel for
 * all functions: one OpenCL build instead of twenty. NaN propagates through max/min/relu/sign
 * as in Java; OpenCL's fmax would drop it.
 */
final class UnaryKernel extends Kernel {

    static final int NEG = 0, ABS = 1, EXP = 2, LOG = 3, SQRT = 4, SQUARE = 5, RECIPROCAL = 6, TANH = 7,
            SIGMOID = 8, RELU = 9, LEAKY_RELU = 10, ELU = 11, SOFTPLUS = 12, POW = 13, SCALE = 14,
            ADD_SCALAR = 15, MAX_SCALAR = 16, MIN_SCALAR = 17, GREATER_SCALAR = 18, SIGN = 19;

    float[] x = new float[1];
    float[] out = new float[1];
    int size;
    int op;
    float alpha;
    /** Elements per work-item (1 on a GPU, a run of them on a CPU device). */
    int per = 1;

    /**
     * Item {@code g} does elements {@code [g·per, g·per + per)}. Each function has its own loop
     * behind one test of {@code op}: with the test inside a shared loop, PoCL's vectoriser
     * predicates every branch, evaluating all twenty functions (pow, tanh, exp...) for every
     * element (a scale then took 17 ms for 3.2 M floats instead of 1.2 ms).
     */
    @Override
    public void run() {
        int first = getGlobalId() * per;
        int end = min(size, first + per);
        if (op == NEG) {
            for (int i = first; i < end; i++) {
                float v = x[i];
                out[i] = -v;
            }
        }
        if (op == ABS) {
            for (int i = first; i < end; i++) {
                float v = x[i];
                out[i] = abs(v);
            }
        }
        if (op == EXP) {
            for (int i = first; i < end; i++) {
                float v = x[i];
                out[i] = exp(v);
            }
        }
        if (op == LOG) {
            for (int i = first; i < end; i++) {
                float v = x[i];
                out[i] = log(v);
            }
        }
        if (op == SQRT) {
            for (int i = first; i < end; i++) {
                float v = x[i];
                out[i] = sqrt(v);
            }
        }
        if (op == SQUARE) {
            for (int i = first; i < end; i++) {
                float v = x[i];
                out[i] = v * v;
            }
        }
        if (op == RECIPROCAL) {
            for (int i = first; i < end; i++) {
                float v = x[i];
                out[i] = 1f / v;
            }
        }
        if (op == TANH) {
            for (int i = first; i < end; i++) {
                float v = x[i];
                out[i] = tanh(v);
            }
        }
        if (op == SIGMOID) {
            for (int i = first; i < end; i++) {
                float v = x[i];
                float r = v;
                if (v >= 0f) {
                    r = 1f / (1f + exp(-v));
                } else {
                    float e = exp(v);
                    r = e / (1f + e);
                }
                out[i] = r;
            }
        }
        if (op == RELU) {
            for (int i = first; i < end; i++) {
                float v = x[i];
                float r = v;
                if (v <= 0f) {
                    r = 0f;
                }
                out[i] = r;
            }
        }
        if (op == LEAKY_RELU) {
            for (int i = first; i < end; i++) {
                float v = x[i];
                float r = v;
                if (v <= 0f) {
                    r = alpha * v;
                }
                out[i] = r;
            }
        }
        if (op == ELU) {
            for (int i = first; i < end; i++) {
                float v = x[i];
                float r = v;
                if (v <= 0f) {
                    r = alpha * expm1(v);
                }
                out[i] = r;
            }
        }
        if (op == SOFTPLUS) {
            for (int i = first; i < end; i++) {
                float v = x[i];
                float r = v;
                // ln(1+e^x) = max(x,0) + ln(1+e^-|x|): no overflow for large |x|
                float pos = 0f;
                if (v > 0f) {
                    pos = v;
                }
                r = pos + log1p(exp(-abs(v)));
                out[i] = r;
            }
        }
        if (op == POW) {
            for (int i = first; i < end; i++) {
                float v = x[i];
                out[i] = pow(v, alpha);
            }
        }
        if (op == SCALE) {
            for (int i = first; i < end; i++) {
                float v = x[i];
                out[i] = alpha * v;
            }
        }
        if (op == ADD_SCALAR) {
            for (int i = first; i < end; i++) {
                float v = x[i];
                out[i] = v + alpha;
            }
        }
        if (op == MAX_SCALAR) {
            for (int i = first; i < end; i++) {
                float v = x[i];
                float r = v;
                if (alpha != alpha || alpha > v) {
                    r = alpha;
                }
                out[i] = r;
            }
        }
        if (op == MIN_SCALAR) {
            for (int i = first; i < end; i++) {
                float v = x[i];
                float r = v;
                if (alpha != alpha || alpha < v) {
                    r = alpha;
                }
                out[i] = r;
            }
        }
        if (op == GREATER_SCALAR) {
            for (int i = first; i < end; i++) {
                float v = x[i];
                float r = 0f;
                if (v > alpha) {
                    r = 1f;
                }
                out[i] = r;
            }
        }
        if (op == SIGN) {
            for (int i = first; i < end; i++) {
                float v = x[i];
                float r = v;
                if (v > 0f) {
                    r = 1f;
                } else if (v < 0f) {
                    r = -1f;
                }
                out[i] = r;
            }
        }
    }
}
