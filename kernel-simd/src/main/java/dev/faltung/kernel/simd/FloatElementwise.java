package dev.faltung.kernel.simd;

import dev.faltung.kernel.BinaryOp;
import dev.faltung.kernel.UnaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * float32 element-wise kernels on vectors. Each op is one vector expression applied to whole
 * vectors and, through a lane mask, to the tail, so every element goes through the same code.
 * Accuracy: +, -, ×, ÷, sqrt, max, min and comparisons are exact (the float result equals the
 * reference's double result rounded); exp, log, tanh, pow, expm1 and log1p follow the
 * {@code Math} accuracy (1 ulp, as {@link VectorOperators} specifies), so sigmoid, softplus and
 * elu are within a few float ulps. Scalar arguments are rounded to float, except that the
 * comparison {@code x > alpha} is exact for any double alpha.
 */
final class FloatElementwise {

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private FloatElementwise() {
    }

    static void unary(UnaryOp op, double alpha, float[] x, float[] out, int n) {
        float a = (float) alpha;
        // x > alpha  <=>  x >= the least float above alpha (NaN compares false either way).
        float above = op == UnaryOp.GREATER_SCALAR ? leastFloatAbove(alpha) : 0f;
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            apply(op, FloatVector.fromArray(S, x, i), a, above).intoArray(out, i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            apply(op, FloatVector.fromArray(S, x, i, m), a, above).intoArray(out, i, m);
        }
    }

    static float leastFloatAbove(double alpha) {
        if (Double.isNaN(alpha)) {
            return Float.NaN;
        }
        float f = (float) alpha;
        return f > alpha ? f : Math.nextUp(f);
    }

    private static FloatVector apply(UnaryOp op, FloatVector v, float alpha, float above) {
        return switch (op) {
            case NEG -> v.neg();
            case ABS -> v.abs();
            case EXP -> v.lanewise(VectorOperators.EXP);
            case LOG -> v.lanewise(VectorOperators.LOG);
            case SQRT -> v.sqrt();
            case SQUARE -> v.mul(v);
            case RECIPROCAL -> FloatVector.broadcast(S, 1f).div(v);
            case TANH -> v.lanewise(VectorOperators.TANH);
            case SIGMOID -> sigmoid(v);
            case RELU -> v.max(0f);
            case LEAKY_RELU -> v.mul(alpha).blend(v, v.compare(VectorOperators.GT, 0f));
            case ELU -> v.lanewise(VectorOperators.EXPM1).mul(alpha).blend(v, v.compare(VectorOperators.GT, 0f));
            case SOFTPLUS -> softplus(v);
            case POW -> v.lanewise(VectorOperators.POW, alpha);
            case SCALE -> v.mul(alpha);
            case ADD_SCALAR -> v.add(alpha);
            case MAX_SCALAR -> v.max(alpha);
            case MIN_SCALAR -> v.min(alpha);
            case GREATER_SCALAR -> indicator(v.compare(VectorOperators.GE, above));
            case SIGN -> sign(v);
        };
    }

    /** 1/(1+e^-|x|) for x ≥ 0, e^-|x|/(1+e^-|x|) otherwise: e^-|x| ≤ 1 never overflows. */
    private static FloatVector sigmoid(FloatVector v) {
        FloatVector e = v.abs().neg().lanewise(VectorOperators.EXP);
        FloatVector s = FloatVector.broadcast(S, 1f).div(e.add(1f));
        return e.mul(s).blend(s, v.compare(VectorOperators.GE, 0f));
    }

    /** max(x,0) + ln(1 + e^-|x|). */
    private static FloatVector softplus(FloatVector v) {
        return v.max(0f).add(v.abs().neg().lanewise(VectorOperators.EXP).lanewise(VectorOperators.LOG1P));
    }

    /** Math.signum: ±1, keeping ±0 and NaN. */
    private static FloatVector sign(FloatVector v) {
        return v.blend(1f, v.compare(VectorOperators.GT, 0f)).blend(-1f, v.compare(VectorOperators.LT, 0f));
    }

    private static FloatVector indicator(VectorMask<Float> m) {
        return FloatVector.zero(S).blend(1f, m);
    }

    static FloatVector apply(BinaryOp op, FloatVector a, FloatVector b) {
        return switch (op) {
            case ADD -> a.add(b);
            case SUB -> a.sub(b);
            case MUL -> a.mul(b);
            case DIV -> a.div(b);
            case POW -> a.lanewise(VectorOperators.POW, b);
            case MAX -> a.max(b);
            case MIN -> a.min(b);
            case GREATER -> indicator(a.compare(VectorOperators.GT, b));
            case EQUAL -> indicator(a.compare(VectorOperators.EQ, b));
        };
    }

    /**
     * {@code out = op(a, b)} with NumPy broadcasting. The shapes are reduced to a loop nest
     * whose innermost, longest-possible run is vectorised as vector∘vector, vector∘scalar,
     * scalar∘vector or one scalar filled.
     */
    static void binary(BinaryOp op, float[] a, int[] aShape, float[] b, int[] bShape, float[] out, int[] outShape) {
        int rank = outShape.length;
        int[] sa = Shapes.broadcastStrides(aShape, outShape, "binary " + op + " a");
        int[] sb = Shapes.broadcastStrides(bShape, outShape, "binary " + op + " b");
        // Merge adjacent dimensions that both operands walk through with matching strides.
        int[] ext = new int[rank];
        int[] stA = new int[rank];
        int[] stB = new int[rank];
        int dims = 0;
        for (int d = 0; d < rank; d++) {
            if (outShape[d] == 1) {
                continue;
            }
            if (dims > 0 && stA[dims - 1] == sa[d] * outShape[d] && stB[dims - 1] == sb[d] * outShape[d]) {
                ext[dims - 1] *= outShape[d];
                stA[dims - 1] = sa[d];
                stB[dims - 1] = sb[d];
            } else {
                ext[dims] = outShape[d];
                stA[dims] = sa[d];
                stB[dims] = sb[d];
                dims++;
            }
        }
        if (dims == 0) {
            out[0] = scalar(op, a[0], b[0]);
            return;
        }
        int n = ext[dims - 1];
        int ia = stA[dims - 1];
        int ib = stB[dims - 1];
        int rows = 1;
        for (int d = 0; d < dims - 1; d++) {
            rows *= ext[d];
        }
        int[] idx = new int[Math.max(dims - 1, 1)];
        int offA = 0;
        int offB = 0;
        for (int row = 0, o = 0; row < rows; row++, o += n) {
            run(op, a, offA, ia, b, offB, ib, out, o, n);
            // Odometer over the outer dimensions, updating the operand offsets incrementally.
            for (int d = dims - 2; d >= 0; d--) {
                offA += stA[d];
                offB += stB[d];
                if (++idx[d] < ext[d]) {
                    break;
                }
                idx[d] = 0;
                offA -= stA[d] * ext[d];
                offB -= stB[d] * ext[d];
            }
        }
    }

    /** One innermost run of {@code n} outputs; {@code ia}, {@code ib} are 1 (walk) or 0 (broadcast). */
    private static void run(BinaryOp op, float[] a, int offA, int ia, float[] b, int offB, int ib,
                            float[] out, int o, int n) {
        if (ia == 0 && ib == 0) {
            java.util.Arrays.fill(out, o, o + n, scalar(op, a[offA], b[offB]));
            return;
        }
        int bound = S.loopBound(n);
        int i = 0;
        if (ia == 1 && ib == 1) {
            for (; i < bound; i += L) {
                apply(op, FloatVector.fromArray(S, a, offA + i), FloatVector.fromArray(S, b, offB + i)).intoArray(out, o + i);
            }
            if (i < n) {
                VectorMask<Float> m = S.indexInRange(i, n);
                apply(op, FloatVector.fromArray(S, a, offA + i, m), FloatVector.fromArray(S, b, offB + i, m)).intoArray(out, o + i, m);
            }
        } else if (ia == 1) {
            FloatVector vb = FloatVector.broadcast(S, b[offB]);
            for (; i < bound; i += L) {
                apply(op, FloatVector.fromArray(S, a, offA + i), vb).intoArray(out, o + i);
            }
            if (i < n) {
                VectorMask<Float> m = S.indexInRange(i, n);
                apply(op, FloatVector.fromArray(S, a, offA + i, m), vb).intoArray(out, o + i, m);
            }
        } else {
            FloatVector va = FloatVector.broadcast(S, a[offA]);
            for (; i < bound; i += L) {
                apply(op, va, FloatVector.fromArray(S, b, offB + i)).intoArray(out, o + i);
            }
            if (i < n) {
                VectorMask<Float> m = S.indexInRange(i, n);
                apply(op, va, FloatVector.fromArray(S, b, offB + i, m)).intoArray(out, o + i, m);
            }
        }
    }

    static float scalar(BinaryOp op, float a, float b) {
        FloatVector r = apply(op, FloatVector.broadcast(S, a), FloatVector.broadcast(S, b));
        return r.lane(0);
    }
}
