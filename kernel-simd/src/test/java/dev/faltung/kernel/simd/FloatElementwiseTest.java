package dev.faltung.kernel.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.faltung.kernel.BinaryOp;
import dev.faltung.kernel.Buffer;
import dev.faltung.kernel.UnaryOp;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Every float32 unary and binary op agrees with the float64 scalar oracle on sizes that break
 * SIMD loops (0, 1, a vector minus one, a vector, a vector plus one, several vectors plus a
 * tail) and on every broadcasting pattern. Tolerances: exact for arithmetic, 4 float ulps
 * (rtol 5e-7) for exp/log/tanh/pow-based ops; scalar arguments are chosen float-representable.
 */
class FloatElementwiseTest {

    private static final SimdKernels KERNELS = new SimdKernels(1);
    private static final int[] SIZES = {0, 1, 7, 15, 16, 17, 33, 100};

    /** Inputs in each op's domain; specials (0, ±inf, NaN) appended where the op defines them. */
    private static float[] inputs(UnaryOp op, Random rnd, int n) {
        boolean positive = op == UnaryOp.LOG || op == UnaryOp.SQRT || op == UnaryOp.POW;
        float[] x = Check.randomFloats(rnd, n, positive ? 0.01 : -30, positive ? 50 : 30);
        if (op == UnaryOp.RECIPROCAL) {
            for (int i = 0; i < n; i++) {
                x[i] = x[i] == 0 ? 1 : x[i];
            }
        }
        return x;
    }

    private static double rtol(UnaryOp op) {
        return switch (op) {
            case EXP, LOG, TANH, SIGMOID, ELU, SOFTPLUS, POW -> 5e-7;
            default -> 0;
        };
    }

    @Test
    void unaryOpsMatchTheOracleAtEverySize() {
        Random rnd = new Random(1);
        for (UnaryOp op : UnaryOp.values()) {
            double alpha = op == UnaryOp.POW ? 1.5 : op == UnaryOp.GREATER_SCALAR ? 0.25 : 0.75;
            for (int n : SIZES) {
                float[] x = inputs(op, rnd, n);
                float[] out = new float[n];
                KERNELS.unary(op, alpha, Buffer.of(x), Buffer.of(out));
                Buffer want = Buffer.allocate(dev.faltung.kernel.DType.FLOAT64, n);
                Oracle.REFERENCE.unary(op, alpha, Oracle.widen(x), want);
                // A tiny absolute tolerance: values like sigmoid(-30) are compared relatively.
                Check.close("unary " + op + " alpha=" + alpha + " shape [" + n + "]", Oracle.doubles(want), out,
                        rtol(op), 1e-37);
            }
        }
    }

    @Test
    void unaryMayWriteInPlace() {
        float[] x = Check.randomFloats(new Random(2), 37, -3, 3);
        double[] want = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            want[i] = -x[i];
        }
        KERNELS.unary(UnaryOp.NEG, 0, Buffer.of(x), Buffer.of(x));
        Check.close("unary NEG in place [37]", want, x, 0, 0);
    }

    @Test
    void nanAndSignedZeroFollowTheReference() {
        float[] x = {Float.NaN, -0f, 0f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, -2f, 3f};
        for (UnaryOp op : new UnaryOp[] {UnaryOp.RELU, UnaryOp.SIGN, UnaryOp.MAX_SCALAR, UnaryOp.MIN_SCALAR,
                UnaryOp.ABS, UnaryOp.GREATER_SCALAR, UnaryOp.LEAKY_RELU}) {
            float[] out = new float[x.length];
            KERNELS.unary(op, 0.5, Buffer.of(x), Buffer.of(out));
            Buffer want = Buffer.allocate(dev.faltung.kernel.DType.FLOAT64, x.length);
            Oracle.REFERENCE.unary(op, 0.5, Oracle.widen(x), want);
            for (int i = 0; i < x.length; i++) {
                assertEquals(Float.floatToIntBits((float) want.get(i)), Float.floatToIntBits(out[i]),
                        "unary " + op + " of " + x[i] + ": expected " + want.get(i) + ", got " + out[i]);
            }
        }
    }

    @Test
    void greaterScalarIsExactForAlphaBetweenFloats() {
        float[] x = {0.1f, Math.nextDown(0.1f), Math.nextUp(0.1f)};
        float[] out = new float[3];
        KERNELS.unary(UnaryOp.GREATER_SCALAR, 0.1, Buffer.of(x), Buffer.of(out));
        // 0.1f is 0.100000001490116..., above the double 0.1.
        Check.close("unary GREATER_SCALAR alpha=0.1", new double[] {1, 0, 1}, out, 0, 0);
    }

    private static float[] operand(BinaryOp op, Random rnd, int n, boolean right) {
        if (op == BinaryOp.POW && !right) {
            return Check.randomFloats(rnd, n, 0.1, 4);
        }
        if (op == BinaryOp.DIV && right) {
            float[] f = Check.randomFloats(rnd, n, 0.5, 2);
            for (int i = 0; i < n; i += 2) {
                f[i] = -f[i];
            }
            return f;
        }
        float[] f = Check.randomFloats(rnd, n, -3, 3);
        if (op == BinaryOp.EQUAL) {
            for (int i = 0; i < n; i++) {
                f[i] = Math.round(f[i]); // ties must occur
            }
        }
        return f;
    }

    @Test
    void binaryOpsMatchTheOracleForEveryBroadcastPattern() {
        int[][][] cases = {
            {{17}, {17}, {17}}, {{0}, {0}, {0}}, {{1}, {1}, {1}}, {{33}, {1}, {33}}, {{1}, {33}, {33}},
            {{}, {7}, {7}}, {{4, 17}, {17}, {4, 17}}, {{4, 17}, {4, 1}, {4, 17}}, {{4, 1}, {1, 17}, {4, 17}},
            {{2, 3, 15}, {3, 1}, {2, 3, 15}}, {{2, 1, 5, 16}, {3, 1, 1}, {2, 3, 5, 16}},
            {{2, 3, 4, 5}, {2, 3, 4, 5}, {2, 3, 4, 5}}, {{5, 1, 100}, {1, 7, 100}, {5, 7, 100}},
            {{3, 1}, {3, 1}, {3, 1}}, {{1, 16}, {16, 1}, {16, 16}},
        };
        Random rnd = new Random(3);
        for (BinaryOp op : BinaryOp.values()) {
            for (int[][] c : cases) {
                float[] a = operand(op, rnd, Shapes.size(c[0]), false);
                float[] b = operand(op, rnd, Shapes.size(c[1]), true);
                float[] out = new float[Shapes.size(c[2])];
                KERNELS.binary(op, Buffer.of(a), c[0], Buffer.of(b), c[1], Buffer.of(out), c[2]);
                Buffer want = Buffer.allocate(dev.faltung.kernel.DType.FLOAT64, out.length);
                Oracle.REFERENCE.binary(op, Oracle.widen(a), c[0], Oracle.widen(b), c[1], want, c[2]);
                Check.close("binary " + op + " " + Arrays.toString(c[0]) + " with " + Arrays.toString(c[1]),
                        Oracle.doubles(want), out, op == BinaryOp.POW ? 5e-7 : 0, 0);
            }
        }
    }

    @Test
    void largeUnaryAndSameShapeBinaryGiveTheSameBitsOnSeveralThreads() {
        SimdKernels three = new SimdKernels(3);
        int n = 300_001; // several chunks per thread and a vector tail
        Random rnd = new Random(9);
        float[] a = Check.randomFloats(rnd, n, -3, 3), b = Check.randomFloats(rnd, n, -3, 3);
        for (UnaryOp op : new UnaryOp[] {UnaryOp.RELU, UnaryOp.EXP, UnaryOp.TANH}) {
            float[] one = new float[n], several = new float[n];
            KERNELS.unary(op, 0, Buffer.of(a), Buffer.of(one));
            three.unary(op, 0, Buffer.of(a), Buffer.of(several));
            Check.identical("unary " + op + " on three threads", one, several);
        }
        int[] shape = {7, n / 7 + 1};
        float[] a2 = Arrays.copyOf(a, 7 * shape[1]), b2 = Arrays.copyOf(b, 7 * shape[1]);
        for (BinaryOp op : new BinaryOp[] {BinaryOp.ADD, BinaryOp.MUL, BinaryOp.DIV}) {
            float[] one = new float[a2.length], several = new float[a2.length];
            KERNELS.binary(op, Buffer.of(a2), shape, Buffer.of(b2), shape, Buffer.of(one), shape);
            three.binary(op, Buffer.of(a2), shape, Buffer.of(b2), shape, Buffer.of(several), shape);
            Check.identical("binary " + op + " on three threads", one, several);
            double[] want = new double[one.length];
            for (int i = 0; i < want.length; i++) {
                want[i] = op == BinaryOp.ADD ? (double) a2[i] + b2[i]
                        : op == BinaryOp.MUL ? (double) a2[i] * b2[i] : (double) a2[i] / b2[i];
            }
            Check.close("binary " + op + " of one shape", want, several, 0, 0);
        }
    }

    @Test
    void binaryNanPropagatesThroughMaxAndMin() {
        float[] a = {Float.NaN, 1, 2};
        float[] b = {0, Float.NaN, 1};
        for (BinaryOp op : new BinaryOp[] {BinaryOp.MAX, BinaryOp.MIN}) {
            float[] out = new float[3];
            KERNELS.binary(op, Buffer.of(a), new int[] {3}, Buffer.of(b), new int[] {3}, Buffer.of(out), new int[] {3});
            Check.close("binary " + op + " with NaN", new double[] {Double.NaN, Double.NaN, op == BinaryOp.MAX ? 2 : 1},
                    out, 0, 0);
        }
    }
}
