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

    @Override
    public void run() {
        int i = getGlobalId();
        if (i < size) {
            out[i] = apply(x[i]);
        }
    }

    // Independent ifs rather than an else-if chain: Aparapi 3.0.2 cannot decompile a long chain
    // ("child list broken") and would fall back to Java threads.
    private float apply(float v) {
        float r = v;
        if (op == NEG) {
            r = -v;
        }
        if (op == ABS) {
            r = abs(v);
        }
        if (op == EXP) {
            r = exp(v);
        }
        if (op == LOG) {
            r = log(v);
        }
        if (op == SQRT) {
            r = sqrt(v);
        }
        if (op == SQUARE) {
            r = v * v;
        }
        if (op == RECIPROCAL) {
            r = 1f / v;
        }
        if (op == TANH) {
            r = tanh(v);
        }
        if (op == SIGMOID) {
            if (v >= 0f) {
                r = 1f / (1f + exp(-v));
            } else {
                float e = exp(v);
                r = e / (1f + e);
            }
        }
        if (op == RELU) {
            if (v <= 0f) {
                r = 0f;
            }
        }
        if (op == LEAKY_RELU) {
            if (v <= 0f) {
                r = alpha * v;
            }
        }
        if (op == ELU) {
            if (v <= 0f) {
                r = alpha * expm1(v);
            }
        }
        if (op == SOFTPLUS) {
            // ln(1+e^x) = max(x,0) + ln(1+e^-|x|): no overflow for large |x|
            float pos = 0f;
            if (v > 0f) {
                pos = v;
            }
            r = pos + log1p(exp(-abs(v)));
        }
        if (op == POW) {
            r = pow(v, alpha);
        }
        if (op == SCALE) {
            r = alpha * v;
        }
        if (op == ADD_SCALAR) {
            r = v + alpha;
        }
        if (op == MAX_SCALAR) {
            if (alpha != alpha || alpha > v) {
                r = alpha;
            }
        }
        if (op == MIN_SCALAR) {
            if (alpha != alpha || alpha < v) {
                r = alpha;
            }
        }
        if (op == GREATER_SCALAR) {
            r = 0f;
            if (v > alpha) {
                r = 1f;
            }
        }
        if (op == SIGN) {
            if (v > 0f) {
                r = 1f;
            } else if (v < 0f) {
                r = -1f;
            }
        }
        return r;
    }
}
