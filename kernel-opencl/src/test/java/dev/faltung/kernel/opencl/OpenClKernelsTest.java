package dev.faltung.kernel.opencl;

import static dev.faltung.kernel.opencl.OpenClTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.faltung.kernel.BinaryOp;
import dev.faltung.kernel.Buffer;
import dev.faltung.kernel.DType;
import dev.faltung.kernel.Kernels;
import dev.faltung.kernel.ReduceOp;
import dev.faltung.kernel.UnaryOp;
import dev.faltung.kernel.conv.ConvAlgorithm;
import dev.faltung.kernel.conv.ConvGeometry;
import dev.faltung.kernel.conv.Padding;
import dev.faltung.kernel.pool.PoolGeometry;
import dev.faltung.kernel.random.CounterRandom;
import dev.faltung.kernel.reference.ReferenceKernels;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every float32 device kernel against the reference backend run in float64 on the same
 * (float-representable) inputs, at sizes that break work-group padding: 1, 7, 33, 1001.
 * Tolerances are per family: element-wise functions rel 2e-6 (a few float ulps of the device's
 * exp/log/tanh/pow), sums rel 1e-5 of the magnitude summed, exact for data movement.
 */
class OpenClKernelsTest {

    private static final Kernels REF = new ReferenceKernels();
    private static final int[] SIZES = {1, 7, 33, 1001};

    private static Buffer f64(float[] v) {
        return Buffer.of(widen(v));
    }

    /** Inputs valid for {@code op}: positive for log/sqrt/pow, away from 0 for reciprocal. */
    private static float[] inputFor(UnaryOp op, Random rnd, int n) {
        return switch (op) {
            case LOG, SQRT, POW -> randomFloats(rnd, n, 0.01, 10);
            case RECIPROCAL -> {
                float[] v = randomFloats(rnd, n, 0.1, 4);
                for (int i = 0; i < n; i += 2) v[i] = -v[i];
                yield v;
            }
            case EXP, SIGMOID, SOFTPLUS, TANH, ELU -> randomFloats(rnd, n, -20, 20);
            default -> randomFloats(rnd, n, -5, 5);
        };
    }

    @ParameterizedTest
    @EnumSource(UnaryOp.class)
    void unaryMatchesReference(UnaryOp op) {
        OpenClKernels k = device();
        Random rnd = new Random(op.ordinal());
        double alpha = op == UnaryOp.POW ? 1.7 : 0.3;
        for (int n : SIZES) {
            float[] x = inputFor(op, rnd, n);
            Buffer want = Buffer.allocate(DType.FLOAT64, n);
            REF.unary(op, alpha, f64(x), want);
            float[] got = new float[n];
            k.unary(op, alpha, Buffer.of(x), Buffer.of(got));
            assertClose("unary " + op, new int[] {n}, want.toDoubles(), got, 2e-6, 1e-7);
            // in place: x and out are the same buffer
            Buffer inPlace = Buffer.of(x.clone());
            k.unary(op, alpha, inPlace, inPlace);
            assertClose("unary in place " + op, new int[] {n}, want.toDoubles(), ((Buffer.F32) inPlace).data(), 2e-6, 1e-7);
        }
    }

    @Test
    void maxAndMinPropagateNaNLikeJava() {
        OpenClKernels k = device();
        float[] x = {1f, Float.NaN, -3f, 2f, Float.NaN, 0f, 5f};
        float[] got = new float[x.length];
        k.unary(UnaryOp.MAX_SCALAR, 0.5, Buffer.of(x), Buffer.of(got));
        assertArrayEquals(new float[] {1f, Float.NaN, 0.5f, 2f, Float.NaN, 0.5f, 5f}, got);
        float[] b = {0f, 0f, Float.NaN, 0f, 0f, 0f, 0f};
        k.binary(BinaryOp.MIN, Buffer.of(x), new int[] {7}, Buffer.of(b), new int[] {7}, Buffer.of(got), new int[] {7});
        assertArrayEquals(new float[] {0f, Float.NaN, Float.NaN, 0f, Float.NaN, 0f, 0f}, got);
    }

    static Stream<Arguments> broadcastPairs() {
        return Stream.of(
                Arguments.of(new int[] {1}, new int[] {1}),
                Arguments.of(new int[] {7}, new int[] {1}),
                Arguments.of(new int[] {}, new int[] {33}),
                Arguments.of(new int[] {1001}, new int[] {1001}),
                Arguments.of(new int[] {33, 1}, new int[] {1, 7}),
                Arguments.of(new int[] {2, 1, 5}, new int[] {3, 1}),
                Arguments.of(new int[] {7, 1, 1}, new int[] {1, 11, 13}));
    }

    @ParameterizedTest
    @MethodSource("broadcastPairs")
    void binaryBroadcastsEveryOpLikeReference(int[] aShape, int[] bShape) {
        OpenClKernels k = device();
        int rank = Math.max(aShape.length, bShape.length);
        int[] outShape = new int[rank];
        for (int i = 0; i < rank; i++) {
            int ad = i - (rank - aShape.length);
            int bd = i - (rank - bShape.length);
            outShape[i] = Math.max(ad >= 0 ? aShape[ad] : 1, bd >= 0 ? bShape[bd] : 1);
        }
        Random rnd = new Random(Arrays.hashCode(aShape) * 31 + Arrays.hashCode(bShape));
        for (BinaryOp op : BinaryOp.values()) {
            boolean positive = op == BinaryOp.POW || op == BinaryOp.DIV;
            float[] a = randomFloats(rnd, product(aShape), positive ? 0.1 : -3, 3);
            float[] b = randomFloats(rnd, product(bShape), positive ? 0.1 : -3, 3);
            if (op == BinaryOp.EQUAL) {
                for (int i = 0; i < Math.min(a.length, b.length); i += 2) b[i] = a[i];
            }
            Buffer want = Buffer.allocate(DType.FLOAT64, product(outShape));
            REF.binary(op, f64(a), aShape, f64(b), bShape, want, outShape);
            float[] got = new float[product(outShape)];
            k.binary(op, Buffer.of(a), aShape, Buffer.of(b), bShape, Buffer.of(got), outShape);
            assertClose("binary " + op + " " + Arrays.toString(aShape) + "," + Arrays.toString(bShape),
                    outShape, want.toDoubles(), got, 2e-6, 1e-7);
        }
    }

    static Stream<Arguments> reductions() {
        return Stream.of(
                Arguments.of(new int[] {1}, new int[] {0}),
                Arguments.of(new int[] {1001}, new int[] {0}),
                Arguments.of(new int[] {7, 33}, new int[] {0}),
                Arguments.of(new int[] {7, 33}, new int[] {1}),
                Arguments.of(new int[] {7, 33}, new int[] {0, 1}),
                Arguments.of(new int[] {3, 5, 7}, new int[] {0, 2}),
                Arguments.of(new int[] {3, 5, 7}, new int[] {1}));
    }

    @ParameterizedTest
    @MethodSource("reductions")
    void reduceMatchesReference(int[] shape, int[] axes) {
        OpenClKernels k = device();
        Random rnd = new Random(Arrays.hashCode(shape) + Arrays.hashCode(axes));
        float[] x = randomFloats(rnd, product(shape), -2, 2);
        int[] outShape = shape.clone();
        for (int a : axes) outShape[a] = 1;
        for (ReduceOp op : ReduceOp.values()) {
            Buffer want = Buffer.allocate(DType.FLOAT64, product(outShape));
            REF.reduce(op, f64(x), shape, axes, want);
            float[] got = new float[product(outShape)];
            k.reduce(op, Buffer.of(x), shape, axes, Buffer.of(got));
            // Kahan-compensated float sums: a few roundings of the sum of magnitudes (at most 2·count).
            assertClose("reduce " + op + " axes " + Arrays.toString(axes), shape, want.toDoubles(), got, 1e-6, 1e-5);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 33, 1001})
    void argmaxFindsTheFirstMaximum(int dim) {
        OpenClKernels k = device();
        Random rnd = new Random(dim);
        int outer = 3, inner = 5;
        float[] x = randomFloats(rnd, outer * dim * inner, -1, 1);
        x[dim / 2 * inner] = 7f; // a tie: the first one wins
        x[(dim - 1) * inner] = 7f;
        int[] want = new int[outer * inner];
        int[] got = new int[outer * inner];
        REF.argmax(f64(x), outer, dim, inner, want);
        k.argmax(Buffer.of(x), outer, dim, inner, got);
        assertArrayEquals(want, got, "argmax dim " + dim);
    }

    @Test
    void copyTransposesAndSlicesExactly() {
        OpenClKernels k = device();
        float[] src = randomFloats(new Random(1), 7 * 33, -1, 1);
        // transpose [7,33] -> [33,7] written at offset 4 of a larger buffer
        float[] dst = new float[4 + 33 * 7 + 3];
        Arrays.fill(dst, 9f);
        double[] want = widen(dst);
        REF.copy(f64(src), 0, new int[] {1, 33}, Buffer.of(want), 4, new int[] {7, 1}, new int[] {33, 7});
        k.copy(Buffer.of(src), 0, new int[] {1, 33}, Buffer.of(dst), 4, new int[] {7, 1}, new int[] {33, 7});
        assertClose("copy transpose", new int[] {33, 7}, want, dst, 0, 0);
        float[] filled = new float[1001];
        Arrays.fill(filled, 2f);
        k.fill(Buffer.of(filled), 3, 997, -1.25);
        for (int i = 0; i < filled.length; i++) {
            assertEquals(i < 3 || i >= 1000 ? 2f : -1.25f, filled[i], "fill index " + i);
        }
    }

    static Stream<ConvGeometry> geometries() {
        return Stream.of(
                ConvGeometry.of(1, 1, 1, 1, 1, 1, 1, 1, 1, Padding.VALID, 1, 1, 1),
                ConvGeometry.of(2, 3, 7, 9, 4, 3, 3, 1, 1, Padding.SAME, 1, 1, 1),
                ConvGeometry.of(2, 4, 9, 8, 6, 3, 2, 2, 3, Padding.of(1, 2, 0, 1), 2, 1, 2),
                ConvGeometry.of(1, 2, 11, 13, 2, 5, 5, 2, 2, Padding.of(2, 2), 1, 1, 2));
    }

    @ParameterizedTest
    @MethodSource("geometries")
    void im2colAndCol2imMatchReference(ConvGeometry g) {
        OpenClKernels k = device();
        Random rnd = new Random(g.hashCode());
        float[] x = randomFloats(rnd, g.inputSize(), -1, 1);
        int rows = g.c() * g.r() * g.s();
        int cols = g.outH() * g.outW();
        for (int image = 0; image < g.n(); image++) {
            Buffer want = Buffer.allocate(DType.FLOAT64, rows * cols);
            REF.im2col(g, f64(x), image, want);
            float[] got = new float[rows * cols];
            k.im2col(g, Buffer.of(x), image, Buffer.of(got));
            assertClose("im2col image " + image, new int[] {rows, cols}, want.toDoubles(), got, 0, 0);

            float[] c = randomFloats(rnd, rows * cols, -1, 1);
            float[] dx = randomFloats(rnd, g.inputSize(), -1, 1);
            double[] dxWant = widen(dx);
            REF.col2im(g, f64(c), Buffer.of(dxWant), image);
            k.col2im(g, Buffer.of(c), Buffer.of(dx), image);
            assertClose("col2im image " + image, g.inputShape(), dxWant, dx, 1e-6, 1e-6);
        }
    }

    @ParameterizedTest
    @MethodSource("geometries")
    void directConvolutionAndItsAdjointsMatchTheLoopNest(ConvGeometry g) {
        OpenClKernels k = device();
        Random rnd = new Random(g.hashCode() + 1);
        float[] x = randomFloats(rnd, g.inputSize(), -1, 1);
        float[] w = randomFloats(rnd, g.weightSize(), -1, 1);
        float[] bias = randomFloats(rnd, g.k(), -1, 1);
        float[] dy = randomFloats(rnd, g.outputSize(), -1, 1);
        // Sums of up to C·R·S (or N·outH·outW) products of magnitude <= 1.
        double tol = 1e-6 * Math.max(g.cPerGroup() * g.r() * g.s(), g.n() * g.outH() * g.outW());

        double[] y = new double[g.outputSize()];
        double[] dx = new double[g.inputSize()];
        double[] dw = new double[g.weightSize()];
        double[] db = new double[g.k()];
        convLoops(g, widen(x), widen(w), widen(bias), widen(dy), y, dx, dw, db);
        float[] yGot = new float[g.outputSize()];
        k.convForward(ConvAlgorithm.DIRECT, g, Buffer.of(x), Buffer.of(w), Buffer.of(bias), Buffer.of(yGot));
        assertClose("conv forward " + g, g.outputShape(), y, yGot, 0, tol);

        float[] dxGot = new float[g.inputSize()];
        k.convBackwardData(ConvAlgorithm.DIRECT, g, Buffer.of(dy), Buffer.of(w), Buffer.of(dxGot));
        assertClose("conv backward data " + g, g.inputShape(), dx, dxGot, 0, tol);

        float[] dwGot = new float[g.weightSize()];
        float[] dbGot = new float[g.k()];
        k.convBackwardFilter(ConvAlgorithm.DIRECT, g, Buffer.of(x), Buffer.of(dy), Buffer.of(dwGot), Buffer.of(dbGot));
        assertClose("conv backward filter " + g, g.weightShape(), dw, dwGot, 0, tol);
        assertClose("conv backward bias " + g, new int[] {g.k()}, db, dbGot, 0, tol);
    }

    @ParameterizedTest
    @MethodSource("geometries")
    void im2colConvolutionMatchesTheLoopNestInEveryDirection(ConvGeometry g) {
        OpenClKernels k = device();
        Random rnd = new Random(g.hashCode() + 2);
        float[] x = randomFloats(rnd, g.inputSize(), -1, 1);
        float[] w = randomFloats(rnd, g.weightSize(), -1, 1);
        float[] bias = randomFloats(rnd, g.k(), -1, 1);
        float[] dy = randomFloats(rnd, g.outputSize(), -1, 1);
        double tol = 1e-6 * Math.max(g.cPerGroup() * g.r() * g.s(), g.n() * g.outH() * g.outW());
        double[] y = new double[g.outputSize()];
        double[] dx = new double[g.inputSize()];
        double[] dw = new double[g.weightSize()];
        double[] db = new double[g.k()];
        convLoops(g, widen(x), widen(w), widen(bias), widen(dy), y, dx, dw, db);

        float[] yGot = new float[g.outputSize()];
        k.convForward(ConvAlgorithm.IM2COL, g, Buffer.of(x), Buffer.of(w), Buffer.of(bias), Buffer.of(yGot));
        assertClose("conv forward (im2col) " + g, g.outputShape(), y, yGot, 0, tol);
        float[] dxGot = new float[g.inputSize()];
        k.convBackwardData(ConvAlgorithm.IM2COL, g, Buffer.of(dy), Buffer.of(w), Buffer.of(dxGot));
        assertClose("conv backward data (im2col) " + g, g.inputShape(), dx, dxGot, 0, tol);
        float[] dwGot = new float[g.weightSize()];
        float[] dbGot = new float[g.k()];
        k.convBackwardFilter(ConvAlgorithm.IM2COL, g, Buffer.of(x), Buffer.of(dy), Buffer.of(dwGot), Buffer.of(dbGot));
        assertClose("conv backward filter (im2col) " + g, g.weightShape(), dw, dwGot, 0, tol);
        assertClose("conv backward bias (im2col) " + g, new int[] {g.k()}, db, dbGot, 0, tol);
    }

    /**
     * The definition, in double: {@code y = x ⋆ w + bias}, and, for upstream gradient {@code dy},
     * {@code dx}, {@code dw}, {@code db} accumulated from every (output, tap) pair that reads the input.
     */
    static void convLoops(ConvGeometry g, double[] x, double[] w, double[] bias, double[] dy,
                          double[] y, double[] dx, double[] dw, double[] db) {
        int cg = g.cPerGroup(), kg = g.kPerGroup(), oh = g.outH(), ow = g.outW();
        for (int n = 0; n < g.n(); n++) {
            for (int k = 0; k < g.k(); k++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        int yo = ((n * g.k() + k) * oh + oy) * ow + ox;
                        double acc = bias[k];
                        db[k] += dy[yo];
                        for (int ci = 0; ci < cg; ci++) {
                            int c = k / kg * cg + ci;
                            for (int r = 0; r < g.r(); r++) {
                                int iy = oy * g.strideH() - g.padTop() + r * g.dilationH();
                                for (int s = 0; s < g.s(); s++) {
                                    int ix = ox * g.strideW() - g.padLeft() + s * g.dilationW();
                                    if (iy < 0 || iy >= g.h() || ix < 0 || ix >= g.w()) continue;
                                    int xi = ((n * g.c() + c) * g.h() + iy) * g.w() + ix;
                                    int wi = ((k * cg + ci) * g.r() + r) * g.s() + s;
                                    acc += x[xi] * w[wi];
                                    dx[xi] += dy[yo] * w[wi];
                                    dw[wi] += dy[yo] * x[xi];
                                }
                            }
                        }
                        y[yo] = acc;
                    }
                }
            }
        }
    }

    static Stream<PoolGeometry> pools() {
        return Stream.of(
                new PoolGeometry(1, 1, 1, 1, 1, 1, 1, 1, 0, 0, false, true),
                new PoolGeometry(2, 3, 7, 7, 2, 2, 2, 2, 0, 0, false, true),
                new PoolGeometry(2, 3, 7, 9, 3, 3, 2, 2, 1, 1, true, false),
                new PoolGeometry(1, 2, 33, 31, 3, 2, 2, 1, 1, 1, true, true),
                new PoolGeometry(1, 1, 8, 8, 4, 4, 3, 3, 2, 2, true, false));
    }

    @ParameterizedTest
    @MethodSource("pools")
    void poolingForwardAndBackwardMatchReference(PoolGeometry g) {
        OpenClKernels k = device();
        Random rnd = new Random(g.hashCode());
        float[] x = randomFloats(rnd, g.inputSize(), -1, 1);
        float[] dy = randomFloats(rnd, g.outputSize(), -1, 1);

        double[] y = new double[g.outputSize()];
        int[] arg = new int[g.outputSize()];
        REF.maxPoolForward(g, f64(x), Buffer.of(y), arg);
        float[] yGot = new float[g.outputSize()];
        int[] argGot = new int[g.outputSize()];
        k.maxPoolForward(g, Buffer.of(x), Buffer.of(yGot), argGot);
        assertClose("max pool forward", g.outputShape(), y, yGot, 0, 0);
        assertArrayEquals(arg, argGot, "max pool argmax");

        double[] dx = new double[g.inputSize()];
        REF.maxPoolBackward(g, f64(dy), arg, Buffer.of(dx));
        float[] dxGot = new float[g.inputSize()];
        k.maxPoolBackward(g, Buffer.of(dy), argGot, Buffer.of(dxGot));
        assertClose("max pool backward", new int[] {g.n(), g.c(), g.h(), g.w()}, dx, dxGot, 1e-6, 1e-6);

        REF.avgPoolForward(g, f64(x), Buffer.of(y));
        k.avgPoolForward(g, Buffer.of(x), Buffer.of(yGot));
        assertClose("avg pool forward", g.outputShape(), y, yGot, 1e-6, 1e-6);

        REF.avgPoolBackward(g, f64(dy), Buffer.of(dx));
        k.avgPoolBackward(g, Buffer.of(dy), Buffer.of(dxGot));
        assertClose("avg pool backward", new int[] {g.n(), g.c(), g.h(), g.w()}, dx, dxGot, 1e-6, 1e-6);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 33, 1001})
    void softmaxAndItsGradientMatchReference(int dim) {
        OpenClKernels k = device();
        Random rnd = new Random(dim);
        int outer = 3, inner = 2, n = outer * dim * inner;
        float[] x = randomFloats(rnd, n, -8, 8);
        float[] dy = randomFloats(rnd, n, -1, 1);
        for (boolean log : new boolean[] {false, true}) {
            double[] y = new double[n];
            REF.softmax(f64(x), outer, dim, inner, log, Buffer.of(y));
            float[] yGot = new float[n];
            k.softmax(Buffer.of(x), outer, dim, inner, log, Buffer.of(yGot));
            assertClose((log ? "log-" : "") + "softmax", new int[] {outer, dim, inner}, y, yGot, 1e-5, 1e-6);

            float[] yf = new float[n];
            for (int i = 0; i < n; i++) yf[i] = (float) y[i];
            double[] dx = new double[n];
            REF.softmaxBackward(f64(yf), f64(dy), outer, dim, inner, log, Buffer.of(dx));
            float[] dxGot = new float[n];
            k.softmaxBackward(Buffer.of(yf), Buffer.of(dy), outer, dim, inner, log, Buffer.of(dxGot));
            assertClose((log ? "log-" : "") + "softmax backward", new int[] {outer, dim, inner}, dx, dxGot,
                    1e-5, 1e-5 * Math.sqrt(dim));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 33, 1001})
    void momentsMatchReference(int inner) {
        OpenClKernels k = device();
        Random rnd = new Random(inner);
        int outer = 3, channels = 5;
        float[] x = randomFloats(rnd, outer * channels * inner, 2, 4); // a large mean stresses the variance
        double[] mean = new double[channels];
        double[] var = new double[channels];
        REF.moments(f64(x), outer, channels, inner, Buffer.of(mean), Buffer.of(var));
        float[] m = new float[channels];
        float[] v = new float[channels];
        k.moments(Buffer.of(x), outer, channels, inner, Buffer.of(m), Buffer.of(v));
        assertClose("moments mean", new int[] {outer, channels, inner}, mean, m, 1e-6, 1e-6);
        assertClose("moments var", new int[] {outer, channels, inner}, var, v, 1e-5, 1e-6);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 33, 1001})
    void randomDrawsTheHostCountersBitForBit(int n) {
        OpenClKernels k = device();
        long seed = -42L * n;
        long offset = 1L << 33; // counters beyond int range
        float[] u = new float[n];
        k.uniform(seed, offset, -2.0, 3.0, Buffer.of(u));
        float[] keep = new float[n];
        k.bernoulli(seed, offset, 0.3, Buffer.of(keep));
        for (int i = 0; i < n; i++) {
            double want = -2.0 + 5.0 * CounterRandom.uniform(seed, offset + i);
            // The double affine map may be FMA-contracted on the device: at most one float ulp apart.
            assertEquals((float) want, u[i], Math.ulp((float) want), "uniform index " + i);
            assertEquals(CounterRandom.uniform(seed, offset + i) < 0.3 ? 1f : 0f, keep[i], "bernoulli index " + i);
        }
    }

    @Test
    void bernoulliThresholdIsExactAtTheEdges() {
        assertEquals(0L, OpenClKernels.bernoulliThreshold(0.0));
        assertEquals(0L, OpenClKernels.bernoulliThreshold(Double.NaN));
        assertEquals(1L << 53, OpenClKernels.bernoulliThreshold(1.0));
        assertEquals(1L << 52, OpenClKernels.bernoulliThreshold(0.5)); // m < 2^52 ⟺ m·2^-53 < 0.5
        assertEquals(1L, OpenClKernels.bernoulliThreshold(0x1p-60)); // only m = 0 is below
    }
}
