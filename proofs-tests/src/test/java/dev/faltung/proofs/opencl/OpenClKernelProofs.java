package dev.faltung.proofs.opencl;

import static dev.faltung.proofs.opencl.Within.U;
import static dev.faltung.proofs.opencl.Within.abs;
import static dev.faltung.proofs.opencl.Within.maxAbs;
import static dev.faltung.proofs.opencl.Within.widen;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.faltung.kernel.BinaryOp;
import dev.faltung.kernel.Buffer;
import dev.faltung.kernel.DType;
import dev.faltung.kernel.KernelFamily;
import dev.faltung.kernel.Kernels;
import dev.faltung.kernel.ReduceOp;
import dev.faltung.kernel.UnaryOp;
import dev.faltung.kernel.conv.ConvAlgorithm;
import dev.faltung.kernel.conv.ConvGeometry;
import dev.faltung.kernel.conv.Padding;
import dev.faltung.kernel.pool.PoolGeometry;
import dev.faltung.kernel.reference.ReferenceKernels;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every OpenCL kernel family against the reference backend on random inputs. Each example is
 * drawn from one seed ({@link Draw}): odd sizes (1, 7, 33, 65, a thousand and more), shapes of
 * rank 0 to 4, broadcast pairs, strided and offset views, transposed and batched GEMMs,
 * convolutions with strides, pads, dilations and groups (depthwise included), pooling with pads
 * and ceil mode. The device runs every float32 call (threshold 0); the reference runs the same
 * float numbers in float64, so the difference is the device's float32 error alone.
 *
 * <p>Tolerances, with {@code u = 2⁻²⁴}:
 * <ul>
 *   <li>data movement (copy, fill, im2col, max/min, argmax, max pooling, Bernoulli and normal
 *       draws): none, the same numbers;</li>
 *   <li>element-wise functions: {@code 2e-6·|y| + 1e-7}, some ulps of the device's
 *       exp/log/tanh/pow (OpenCL allows up to 16 ulps for pow);</li>
 *   <li>sums of {@code m} products (GEMM, convolutions, col2im, pooling gradients, reductions):
 *       {@code (m + 2)·u·Σ|terms|}, the float recursive-summation bound, with {@code Σ|terms|}
 *       computed by running the reference on the magnitudes; FMA contraction stays inside it;</li>
 *   <li>softmax: relative {@code (dim + 2·span + 10)·u} where {@code span} bounds {@code |x - max|}
 *       (the exponent's rounding is amplified by it); log-softmax and gradients: the same
 *       factor on the magnitudes involved;</li>
 *   <li>moments: {@code (n + 4)·u·(max|x| + |mean|)²} for the variance, {@code (n + 2)·u·max|x|}
 *       for the mean; uniform draws: one float ulp (the device may contract {@code lo + span·u}).</li>
 * </ul>
 */
class OpenClKernelProofs {

    private static final Kernels REF = new ReferenceKernels();

    /** A property of one family, checked on the example drawn from {@code seed}. */
    @FunctionalInterface
    interface Property {
        void check(Kernels device, long seed);
    }

    record Spec(Property property, int examples) {
    }

    /** One entry per family; {@link #everyKernelFamilyHasAProperty} fails when one is missing. */
    static final Map<KernelFamily, Spec> SPECS = new EnumMap<>(KernelFamily.class);

    static {
        SPECS.put(KernelFamily.ELEMENTWISE, new Spec(OpenClKernelProofs::elementwise, 300));
        SPECS.put(KernelFamily.REDUCE, new Spec(OpenClKernelProofs::reduce, 200));
        SPECS.put(KernelFamily.COPY, new Spec(OpenClKernelProofs::copy, 200));
        SPECS.put(KernelFamily.GEMM, new Spec(OpenClKernelProofs::gemm, 150));
        SPECS.put(KernelFamily.IM2COL, new Spec(OpenClKernelProofs::im2col, 100));
        SPECS.put(KernelFamily.CONV, new Spec(OpenClKernelProofs::conv, 150));
        SPECS.put(KernelFamily.POOL, new Spec(OpenClKernelProofs::pool, 150));
        SPECS.put(KernelFamily.SOFTMAX, new Spec(OpenClKernelProofs::softmax, 150));
        SPECS.put(KernelFamily.MOMENTS, new Spec(OpenClKernelProofs::moments, 100));
        SPECS.put(KernelFamily.RANDOM, new Spec(OpenClKernelProofs::random, 100));
    }

    @Test
    void everyKernelFamilyHasAProperty() {
        for (KernelFamily f : KernelFamily.values()) {
            if (!SPECS.containsKey(f)) {
                throw new AssertionError("kernel family " + f + " has no OpenCL property in " + getClass().getSimpleName());
            }
        }
    }

    @TestFactory
    Stream<DynamicTest> everyFamilyAgreesWithTheReference() {
        return properties(1);
    }

    /** Ten times the examples, for the long run ({@code ./run-tests -Plong}). */
    @Tag("long")
    @TestFactory
    Stream<DynamicTest> everyFamilyAgreesWithTheReferenceOnTenTimesTheExamples() {
        return properties(10);
    }

    private static Stream<DynamicTest> properties(int scale) {
        // No shrinking: a smaller seed is an unrelated example, and the message names the seed.
        return SPECS.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey().name().toLowerCase(), () -> {
            Kernels device = DeviceUnderTest.kernels();
            qt().withExamples(scale * e.getValue().examples()).withShrinkCycles(0).forAll(longs().all())
                    .checkAssert(seed -> e.getValue().property().check(device, seed));
        }));
    }

    private static Buffer f64(float[] v) {
        return Buffer.of(widen(v));
    }

    private static String at(long seed) {
        return " (seed " + seed + ")";
    }

    // ---- element-wise -------------------------------------------------------------------

    static void elementwise(Kernels cl, long seed) {
        Draw d = new Draw(seed);
        if (d.r.nextBoolean()) {
            UnaryOp op = d.pick(UnaryOp.values());
            int n = d.size();
            // alpha is float-representable: the device receives it as a float.
            double alpha = (float) switch (op) {
                case POW -> d.pick(new Double[] {0.5, 1.7, 2.0, -1.3});
                case LEAKY_RELU, ELU, SCALE -> d.pick(new Double[] {0.01, 0.3, 1.0});
                default -> d.r.nextDouble(-2, 2);
            };
            float[] x = switch (op) {
                case LOG, SQRT, POW -> d.floats(n, 0.01, 10);
                case RECIPROCAL -> {
                    float[] v = d.floats(n, 0.1, 4);
                    for (int i = 0; i < n; i += 2) v[i] = -v[i];
                    yield v;
                }
                case EXP, SIGMOID, SOFTPLUS, TANH, ELU -> d.floats(n, -20, 20);
                default -> d.floats(n, -5, 5);
            };
            Buffer want = Buffer.allocate(DType.FLOAT64, n);
            REF.unary(op, alpha, f64(x), want);
            boolean inPlace = d.chance(3);
            float[] got = inPlace ? x.clone() : new float[n];
            cl.unary(op, alpha, Buffer.of(inPlace ? got : x), Buffer.of(got));
            Within.relative("unary " + op + (inPlace ? " in place" : "") + " alpha " + alpha + at(seed),
                    new int[] {n}, want.toDoubles(), got, 2e-6, 1e-7);
        } else {
            BinaryOp op = d.pick(BinaryOp.values());
            int[] out = d.shape(0, 4);
            int[] as = d.broadcastOperand(out), bs = d.broadcastOperand(out);
            out = broadcast(as, bs); // the operands may not need all of out's axes
            boolean positive = op == BinaryOp.POW || op == BinaryOp.DIV;
            float[] a = d.floats(Draw.product(as), positive ? 0.1 : -3, 3);
            float[] b = d.floats(Draw.product(bs), positive ? 0.1 : -3, 3);
            if (op == BinaryOp.EQUAL || op == BinaryOp.GREATER || op == BinaryOp.MAX) {
                a = d.integers(a.length, -2, 2); // ties on purpose
                b = d.integers(b.length, -2, 2);
            }
            Buffer want = Buffer.allocate(DType.FLOAT64, Draw.product(out));
            REF.binary(op, f64(a), as, f64(b), bs, want, out);
            float[] got = new float[Draw.product(out)];
            cl.binary(op, Buffer.of(a), as, Buffer.of(b), bs, Buffer.of(got), out);
            Within.relative("binary " + op + " " + Arrays.toString(as) + " with " + Arrays.toString(bs) + at(seed),
                    out, want.toDoubles(), got, 2e-6, 1e-7);
        }
    }

    private static int[] broadcast(int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int ad = i - (rank - a.length), bd = i - (rank - b.length);
            out[i] = Math.max(ad >= 0 ? a[ad] : 1, bd >= 0 ? b[bd] : 1);
        }
        return out;
    }

    // ---- reductions ---------------------------------------------------------------------

    static void reduce(Kernels cl, long seed) {
        Draw d = new Draw(seed);
        if (d.chance(3)) {
            int outer = d.dim(), dim = d.size() % 200 + 1, inner = d.dim();
            float[] x = d.chance(2) ? d.integers(outer * dim * inner, -3, 3) : d.floats(outer * dim * inner, -1, 1);
            int[] want = new int[outer * inner], got = new int[outer * inner];
            REF.argmax(f64(x), outer, dim, inner, want);
            cl.argmax(Buffer.of(x), outer, dim, inner, got);
            assertEquals(Arrays.toString(want), Arrays.toString(got), "opencl argmax [" + outer + ", " + dim + ", "
                    + inner + "] (first maximum on ties)" + at(seed));
            return;
        }
        int[] shape = d.shape(1, 4);
        if (d.chance(4)) {
            shape = new int[] {d.size()};
        }
        int[] axes = java.util.stream.IntStream.range(0, shape.length).filter(i -> d.r.nextBoolean()).toArray();
        if (axes.length == 0) {
            axes = new int[] {d.r.nextInt(shape.length)};
        }
        ReduceOp op = d.pick(ReduceOp.values());
        float[] x = d.floats(Draw.product(shape), -2, 2);
        int[] outShape = shape.clone();
        int count = 1;
        for (int a : axes) {
            outShape[a] = 1;
            count *= shape[a];
        }
        Buffer want = Buffer.allocate(DType.FLOAT64, Draw.product(outShape));
        REF.reduce(op, f64(x), shape, axes, want);
        float[] got = new float[want.size()];
        cl.reduce(op, Buffer.of(x), shape, axes, Buffer.of(got));
        String what = "reduce " + op + " of " + Arrays.toString(shape) + " over " + Arrays.toString(axes) + at(seed);
        if (op == ReduceOp.SUM) {
            Buffer magnitude = Buffer.allocate(DType.FLOAT64, want.size());
            REF.reduce(ReduceOp.SUM, Buffer.of(abs(widen(x))), shape, axes, magnitude);
            Within.check(what, outShape, want.toDoubles(), got, Within.scaled(magnitude.toDoubles(), (count + 2) * U));
        } else {
            Within.exact(what, outShape, want.toDoubles(), got);
        }
    }

    // ---- copies -------------------------------------------------------------------------

    static void copy(Kernels cl, long seed) {
        Draw d = new Draw(seed);
        if (d.chance(4)) {
            int n = d.size();
            int offset = d.between(0, n - 1), length = d.between(0, n - offset);
            float[] buf = d.floats(n, -1, 1);
            double value = d.r.nextDouble(-3, 3);
            double[] want = widen(buf);
            REF.fill(Buffer.of(want), offset, length, value);
            cl.fill(Buffer.of(buf), offset, length, value);
            Within.exact("fill [" + offset + ", " + (offset + length) + ") of " + n + at(seed), new int[] {n},
                    roundedToFloat(want), buf);
            return;
        }
        // A permuted (transposed) view of a larger source, written into an offset destination.
        int[] shape = d.shape(0, 4);
        int rank = shape.length;
        int[] perm = permutation(d, rank);
        int[] srcStrides = new int[rank];
        int stride = 1;
        for (int i = rank - 1; i >= 0; i--) {
            srcStrides[perm[i]] = stride;
            stride *= shape[perm[i]];
        }
        int count = Draw.product(shape);
        int srcOffset = d.between(0, 5), dstOffset = d.between(0, 5);
        int[] dstStrides = new int[rank];
        stride = 1;
        for (int i = rank - 1; i >= 0; i--) {
            dstStrides[i] = stride;
            stride *= shape[i];
        }
        float[] src = d.floats(srcOffset + count + d.between(0, 3), -1, 1);
        float[] dst = d.floats(dstOffset + count + d.between(0, 3), 5, 6); // untouched parts stay 5..6
        double[] want = widen(dst);
        REF.copy(f64(src), srcOffset, srcStrides, Buffer.of(want), dstOffset, dstStrides, shape);
        cl.copy(Buffer.of(src), srcOffset, srcStrides, Buffer.of(dst), dstOffset, dstStrides, shape);
        Within.exact("copy " + Arrays.toString(shape) + " source strides " + Arrays.toString(srcStrides) + " offsets "
                + srcOffset + "->" + dstOffset + at(seed), shape, want, dst);
    }

    private static int[] permutation(Draw d, int n) {
        int[] p = java.util.stream.IntStream.range(0, n).toArray();
        for (int i = n - 1; i > 0; i--) {
            int j = d.r.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    private static double[] roundedToFloat(double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) v[i];
        }
        return out;
    }

    // ---- matrix multiplication ----------------------------------------------------------

    static void gemm(Kernels cl, long seed) {
        Draw d = new Draw(seed);
        int m = gemmSize(d), n = gemmSize(d), k = gemmSize(d);
        boolean ta = d.r.nextBoolean(), tb = d.r.nextBoolean();
        int batch = d.chance(3) ? d.between(2, 3) : 1;
        int lda = (ta ? m : k) + d.between(0, 3), ldb = (tb ? k : n) + d.between(0, 3), ldc = n + d.between(0, 3);
        int offA = d.between(0, 4), offB = d.between(0, 4), offC = d.between(0, 4);
        int strideA = (ta ? k : m) * lda + d.between(0, 2), strideB = (tb ? n : k) * ldb + d.between(0, 2);
        int strideC = m * ldc + d.between(0, 2);
        double alpha = d.pick(new Double[] {1.0, -0.5, 2.25});
        double beta = d.pick(new Double[] {0.0, 0.0, 1.0, 0.5});
        float[] a = d.floats(offA + batch * strideA, -1, 1);
        float[] b = d.floats(offB + batch * strideB, -1, 1);
        float[] c = d.floats(offC + batch * strideC, -1, 1);
        if (beta == 0.0) {
            Arrays.fill(c, Float.NaN); // not read when beta is 0, so no NaN may come through...
            for (int i = 0; i < c.length; i += 3) c[i] = 7f; // ...and untouched elements stay what they were
        }
        double[] want = widen(c);
        double[] bound = new double[c.length]; // |alpha|·Σ|a||b| + |beta·c| at every written element
        for (int i = 0; i < batch; i++) {
            REF.gemm(ta, tb, m, n, k, alpha, f64(a), offA + i * strideA, lda, f64(b), offB + i * strideB, ldb,
                    beta, Buffer.of(want), offC + i * strideC, ldc);
            double[] cAbs = beta == 0.0 ? new double[c.length] : abs(widen(c));
            REF.gemm(ta, tb, m, n, k, Math.abs(alpha), Buffer.of(abs(widen(a))), offA + i * strideA, lda,
                    Buffer.of(abs(widen(b))), offB + i * strideB, ldb, Math.abs(beta), Buffer.of(cAbs),
                    offC + i * strideC, ldc);
            for (int row = 0; row < m; row++) {
                for (int col = 0; col < n; col++) {
                    int at = offC + i * strideC + row * ldc + col;
                    bound[at] = cAbs[at];
                }
            }
        }
        float[] got = c.clone();
        String what = "gemm" + (batch > 1 ? " batch " + batch : "") + " " + m + "x" + n + "x" + k
                + (ta ? " Aᵀ" : "") + (tb ? " Bᵀ" : "") + " lda " + lda + " ldb " + ldb + " ldc " + ldc
                + " alpha " + alpha + " beta " + beta + at(seed);
        if (batch == 1) {
            cl.gemm(ta, tb, m, n, k, alpha, Buffer.of(a), offA, lda, Buffer.of(b), offB, ldb, beta, Buffer.of(got), offC, ldc);
        } else {
            cl.gemmBatched(batch, ta, tb, m, n, k, alpha, Buffer.of(a), offA, lda, strideA, Buffer.of(b), offB, ldb, strideB,
                    beta, Buffer.of(got), offC, ldc, strideC);
        }
        Within.check(what, new int[] {batch, m, n}, want, got, Within.scaled(bound, (k + 2) * U));
    }

    private static int gemmSize(Draw d) {
        return d.chance(3) ? d.pick(new Integer[] {1, 7, 33, 64, 65}) : d.between(1, 70);
    }

    // ---- convolution --------------------------------------------------------------------

    /** A random convolution: groups (depthwise too), stride, dilation, named or explicit padding. */
    static ConvGeometry convGeometry(Draw d) {
        int groups = d.chance(3) ? d.between(2, 3) : 1;
        int c = groups * d.between(1, 3);
        int k = d.chance(4) ? c : groups * d.between(1, 3);
        int kh = d.between(1, 5), kw = d.between(1, 5);
        int sh = d.between(1, 3), sw = d.between(1, 3);
        int dh = d.chance(3) ? 2 : 1, dw = d.chance(3) ? 2 : 1;
        int h = dh * (kh - 1) + 1 + d.between(0, 10), w = dw * (kw - 1) + 1 + d.between(0, 10);
        Padding padding = switch (d.r.nextInt(4)) {
            case 0 -> Padding.VALID;
            case 1 -> Padding.SAME;
            case 2 -> Padding.FULL;
            default -> Padding.of(d.between(0, 3), d.between(0, 3), d.between(0, 3), d.between(0, 3));
        };
        return ConvGeometry.of(d.between(1, 3), c, h, w, k, kh, kw, sh, sw, padding, dh, dw, groups);
    }

    static void im2col(Kernels cl, long seed) {
        Draw d = new Draw(seed);
        ConvGeometry g = convGeometry(d);
        int image = d.r.nextInt(g.n());
        int rows = g.c() * g.r() * g.s(), cols = g.outH() * g.outW();
        float[] x = d.floats(g.inputSize(), -1, 1);
        String geometry = Arrays.toString(g.inputShape()) + " w" + Arrays.toString(g.weightShape()) + " stride "
                + g.strideH() + "x" + g.strideW() + " dilation " + g.dilationH() + "x" + g.dilationW() + " image " + image;
        Buffer want = Buffer.allocate(DType.FLOAT64, rows * cols);
        REF.im2col(g, f64(x), image, want);
        float[] got = new float[rows * cols];
        cl.im2col(g, Buffer.of(x), image, Buffer.of(got));
        Within.exact("im2col " + geometry + at(seed), new int[] {rows, cols}, want.toDoubles(), got);

        float[] lowered = d.floats(rows * cols, -1, 1);
        float[] dx = d.floats(g.inputSize(), -1, 1);
        double[] dxWant = widen(dx), bound = abs(widen(dx));
        REF.col2im(g, f64(lowered), Buffer.of(dxWant), image);
        REF.col2im(g, Buffer.of(abs(widen(lowered))), Buffer.of(bound), image);
        cl.col2im(g, Buffer.of(lowered), Buffer.of(dx), image);
        Within.check("col2im (accumulating) " + geometry + at(seed), g.inputShape(), dxWant, dx,
                Within.scaled(bound, (g.r() * g.s() + 2) * U));
    }

    static void conv(Kernels cl, long seed) {
        Draw d = new Draw(seed);
        ConvGeometry g = convGeometry(d);
        ConvAlgorithm algorithm = d.pick(new ConvAlgorithm[] {ConvAlgorithm.DIRECT, ConvAlgorithm.IM2COL, ConvAlgorithm.AUTO});
        boolean withBias = d.r.nextBoolean();
        float[] x = d.floats(g.inputSize(), -1, 1), w = d.floats(g.weightSize(), -1, 1);
        float[] bias = d.floats(g.k(), -1, 1), dy = d.floats(g.outputSize(), -1, 1);
        String what = algorithm.label() + " x" + Arrays.toString(g.inputShape()) + " w" + Arrays.toString(g.weightShape())
                + " stride " + g.strideH() + "x" + g.strideW() + " pad " + g.padTop() + "," + g.padBottom() + ","
                + g.padLeft() + "," + g.padRight() + " dilation " + g.dilationH() + "x" + g.dilationW() + " groups "
                + g.groups() + (withBias ? " with bias" : "") + at(seed);

        Buffer y = Buffer.allocate(DType.FLOAT64, g.outputSize()), yBound = Buffer.allocate(DType.FLOAT64, g.outputSize());
        REF.convForward(ConvAlgorithm.DIRECT, g, f64(x), f64(w), withBias ? f64(bias) : null, y);
        REF.convForward(ConvAlgorithm.DIRECT, g, Buffer.of(abs(widen(x))), Buffer.of(abs(widen(w))),
                withBias ? Buffer.of(abs(widen(bias))) : null, yBound);
        float[] yGot = new float[g.outputSize()];
        cl.convForward(algorithm, g, Buffer.of(x), Buffer.of(w), withBias ? Buffer.of(bias) : null, Buffer.of(yGot));
        int taps = g.cPerGroup() * g.r() * g.s();
        Within.check("conv forward " + what, g.outputShape(), y.toDoubles(), yGot,
                Within.scaled(yBound.toDoubles(), (taps + 3) * U));

        Buffer dx = Buffer.allocate(DType.FLOAT64, g.inputSize()), dxBound = Buffer.allocate(DType.FLOAT64, g.inputSize());
        REF.convBackwardData(ConvAlgorithm.DIRECT, g, f64(dy), f64(w), dx);
        REF.convBackwardData(ConvAlgorithm.DIRECT, g, Buffer.of(abs(widen(dy))), Buffer.of(abs(widen(w))), dxBound);
        float[] dxGot = new float[g.inputSize()];
        cl.convBackwardData(algorithm, g, Buffer.of(dy), Buffer.of(w), Buffer.of(dxGot));
        // im2col sums K/G products per tap, then up to R·S taps per pixel.
        int dataTerms = g.kPerGroup() * g.r() * g.s() + g.r() * g.s();
        Within.check("conv backward data " + what, g.inputShape(), dx.toDoubles(), dxGot,
                Within.scaled(dxBound.toDoubles(), (dataTerms + 2) * U));

        Buffer dw = Buffer.allocate(DType.FLOAT64, g.weightSize()), dwBound = Buffer.allocate(DType.FLOAT64, g.weightSize());
        Buffer db = Buffer.allocate(DType.FLOAT64, g.k()), dbBound = Buffer.allocate(DType.FLOAT64, g.k());
        REF.convBackwardFilter(ConvAlgorithm.DIRECT, g, f64(x), f64(dy), dw, db);
        REF.convBackwardFilter(ConvAlgorithm.DIRECT, g, Buffer.of(abs(widen(x))), Buffer.of(abs(widen(dy))), dwBound, dbBound);
        float[] dwGot = new float[g.weightSize()], dbGot = new float[g.k()];
        cl.convBackwardFilter(algorithm, g, Buffer.of(x), Buffer.of(dy), Buffer.of(dwGot), withBias ? Buffer.of(dbGot) : null);
        int filterTerms = g.n() * g.outH() * g.outW();
        Within.check("conv backward filter " + what, g.weightShape(), dw.toDoubles(), dwGot,
                Within.scaled(dwBound.toDoubles(), (filterTerms + 2) * U));
        if (withBias) {
            Within.check("conv bias gradient " + what, new int[] {g.k()}, db.toDoubles(), dbGot,
                    Within.scaled(dbBound.toDoubles(), (filterTerms + 2) * U));
        }
    }

    // ---- pooling ------------------------------------------------------------------------

    static void pool(Kernels cl, long seed) {
        Draw d = new Draw(seed);
        PoolGeometry g = poolGeometry(d);
        float[] x = d.floats(g.inputSize(), -1, 1), dy = d.floats(g.outputSize(), -1, 1);
        String what = "[" + g.n() + ", " + g.c() + ", " + g.h() + ", " + g.w() + "] window " + g.kernelH() + "x"
                + g.kernelW() + " stride " + g.strideH() + "x" + g.strideW() + " pad " + g.padH() + "," + g.padW()
                + (g.ceilMode() ? " ceil" : "") + (g.countIncludePad() ? " counting pads" : "") + at(seed);
        int window = g.kernelH() * g.kernelW();
        if (d.r.nextBoolean()) {
            Buffer y = Buffer.allocate(DType.FLOAT32, g.outputSize());
            int[] arg = new int[g.outputSize()], argGot = new int[g.outputSize()];
            REF.maxPoolForward(g, Buffer.of(x), y, arg);
            float[] yGot = new float[g.outputSize()];
            cl.maxPoolForward(g, Buffer.of(x), Buffer.of(yGot), argGot);
            Within.exact("max pool forward " + what, g.outputShape(), y.toDoubles(), yGot);
            assertEquals(Arrays.toString(arg), Arrays.toString(argGot), "opencl max pool argmax " + what);
            Buffer dx = Buffer.allocate(DType.FLOAT64, g.inputSize()), bound = Buffer.allocate(DType.FLOAT64, g.inputSize());
            REF.maxPoolBackward(g, f64(dy), arg, dx);
            REF.maxPoolBackward(g, Buffer.of(abs(widen(dy))), arg, bound);
            float[] dxGot = new float[g.inputSize()];
            cl.maxPoolBackward(g, Buffer.of(dy), arg, Buffer.of(dxGot));
            Within.check("max pool backward " + what, new int[] {g.inputSize()}, dx.toDoubles(), dxGot,
                    Within.scaled(bound.toDoubles(), (window + 2) * U));
        } else {
            Buffer y = Buffer.allocate(DType.FLOAT64, g.outputSize()), yBound = Buffer.allocate(DType.FLOAT64, g.outputSize());
            REF.avgPoolForward(g, f64(x), y);
            REF.avgPoolForward(g, Buffer.of(abs(widen(x))), yBound);
            float[] yGot = new float[g.outputSize()];
            cl.avgPoolForward(g, Buffer.of(x), Buffer.of(yGot));
            Within.check("avg pool forward " + what, g.outputShape(), y.toDoubles(), yGot,
                    Within.scaled(yBound.toDoubles(), (window + 3) * U));
            Buffer dx = Buffer.allocate(DType.FLOAT64, g.inputSize()), bound = Buffer.allocate(DType.FLOAT64, g.inputSize());
            REF.avgPoolBackward(g, f64(dy), dx);
            REF.avgPoolBackward(g, Buffer.of(abs(widen(dy))), bound);
            float[] dxGot = new float[g.inputSize()];
            cl.avgPoolBackward(g, Buffer.of(dy), Buffer.of(dxGot));
            Within.check("avg pool backward " + what, new int[] {g.inputSize()}, dx.toDoubles(), dxGot,
                    Within.scaled(bound.toDoubles(), (window + 3) * U));
        }
    }

    private static PoolGeometry poolGeometry(Draw d) {
        while (true) {
            int kh = d.between(1, 4), kw = d.between(1, 4);
            int h = d.between(1, 12), w = d.between(1, 12);
            try {
                return new PoolGeometry(d.between(1, 2), d.between(1, 3), h, w, kh, kw, d.between(1, 3), d.between(1, 3),
                        d.between(0, kh / 2), d.between(0, kw / 2), d.r.nextBoolean(), d.r.nextBoolean());
            } catch (IllegalArgumentException windowLargerThanInput) {
                // draw again
            }
        }
    }

    // ---- softmax and moments ------------------------------------------------------------

    static void softmax(Kernels cl, long seed) {
        Draw d = new Draw(seed);
        int outer = d.dim(), dim = d.chance(2) ? d.pick(new Integer[] {1, 7, 33, 65}) : d.between(1, 200), inner = d.dim();
        boolean log = d.r.nextBoolean();
        double spread = d.pick(new Double[] {1.0, 5.0, 10.0});
        int n = outer * dim * inner;
        int[] shape = {outer, dim, inner};
        float[] x = d.floats(n, -spread, spread);
        String what = (log ? "log-softmax" : "softmax") + " [" + outer + ", " + dim + ", " + inner + "] of ±" + spread + at(seed);
        Buffer y = Buffer.allocate(DType.FLOAT64, n);
        REF.softmax(f64(x), outer, dim, inner, log, y);
        float[] yGot = new float[n];
        cl.softmax(Buffer.of(x), outer, dim, inner, log, Buffer.of(yGot));
        double factor = (dim + 4 * spread + 10) * U;
        double[] tol = new double[n];
        for (int i = 0; i < n; i++) {
            tol[i] = log ? factor * (2 * spread + Math.log(dim) + 1) : factor * Math.abs(y.get(i));
        }
        Within.check(what, shape, y.toDoubles(), yGot, tol);

        // The gradient at the device's own output, compared with the reference's at the same numbers.
        float[] dy = d.floats(n, -1, 1);
        Buffer dx = Buffer.allocate(DType.FLOAT64, n);
        REF.softmaxBackward(f64(yGot), f64(dy), outer, dim, inner, log, dx);
        float[] dxGot = new float[n];
        cl.softmaxBackward(Buffer.of(yGot), Buffer.of(dy), outer, dim, inner, log, Buffer.of(dxGot));
        double sumDy = dim * maxAbs(dy); // bounds Σ|dy| along a row
        for (int i = 0; i < n; i++) {
            double yi = log ? Math.exp(yGot[i]) : Math.abs(yGot[i]);
            tol[i] = (dim + 8) * U * (Math.abs(dy[i]) + yi * 2 * sumDy);
        }
        Within.check(what + " backward", shape, dx.toDoubles(), dxGot, tol);
    }

    static void moments(Kernels cl, long seed) {
        Draw d = new Draw(seed);
        int outer = d.between(1, 4), channels = d.pick(new Integer[] {1, 3, 7, 33, 65}), inner = d.pick(new Integer[] {1, 5, 49, 100});
        float[] x = d.floats(outer * channels * inner, -2, 3);
        Buffer mean = Buffer.allocate(DType.FLOAT64, channels), var = Buffer.allocate(DType.FLOAT64, channels);
        REF.moments(f64(x), outer, channels, inner, mean, var);
        float[] meanGot = new float[channels], varGot = new float[channels];
        cl.moments(Buffer.of(x), outer, channels, inner, Buffer.of(meanGot), Buffer.of(varGot));
        int count = outer * inner;
        double mx = maxAbs(x);
        String what = "moments [" + outer + ", " + channels + ", " + inner + "]" + at(seed);
        double[] meanTol = new double[channels], varTol = new double[channels];
        for (int c = 0; c < channels; c++) {
            meanTol[c] = (count + 2) * U * mx;
            varTol[c] = (count + 4) * U * Math.pow(mx + Math.abs(mean.get(c)), 2);
        }
        Within.check(what + " mean", new int[] {channels}, mean.toDoubles(), meanGot, meanTol);
        Within.check(what + " variance", new int[] {channels}, var.toDoubles(), varGot, varTol);
    }

    // ---- seeded random numbers ----------------------------------------------------------

    static void random(Kernels cl, long seed) {
        Draw d = new Draw(seed);
        int n = d.size();
        long stream = d.r.nextLong(), offset = d.r.nextLong(1L << 40);
        String where = " n " + n + " stream " + stream + " offset " + offset + at(seed);
        switch (d.r.nextInt(3)) {
            case 0 -> {
                double lo = d.r.nextDouble(-3, 1), hi = lo + d.r.nextDouble(0.1, 5);
                Buffer want = Buffer.allocate(DType.FLOAT32, n);
                REF.uniform(stream, offset, lo, hi, want);
                float[] got = new float[n];
                cl.uniform(stream, offset, lo, hi, Buffer.of(got));
                double[] tol = new double[n];
                for (int i = 0; i < n; i++) tol[i] = Math.ulp((float) want.get(i));
                Within.check("uniform [" + lo + ", " + hi + ")" + where, new int[] {n}, want.toDoubles(), got, tol);
            }
            case 1 -> {
                double p = d.pick(new Double[] {0.0, 1.0, 0.5, d.r.nextDouble()});
                Buffer want = Buffer.allocate(DType.FLOAT32, n);
                REF.bernoulli(stream, offset, p, want);
                float[] got = new float[n];
                cl.bernoulli(stream, offset, p, Buffer.of(got));
                Within.exact("bernoulli p " + p + where, new int[] {n}, want.toDoubles(), got);
            }
            default -> {
                Buffer want = Buffer.allocate(DType.FLOAT32, n);
                REF.normal(stream, offset, 0.5, 2.0, want);
                float[] got = new float[n];
                cl.normal(stream, offset, 0.5, 2.0, Buffer.of(got));
                Within.exact("normal" + where, new int[] {n}, want.toDoubles(), got);
            }
        }
    }
}
