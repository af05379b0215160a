package dev.faltung.kernel.opencl;

import dev.faltung.kernel.BinaryOp;
import dev.faltung.kernel.Buffer;
import dev.faltung.kernel.Kernels;
import dev.faltung.kernel.ReduceOp;
import dev.faltung.kernel.UnaryOp;
import dev.faltung.kernel.conv.ConvAlgorithm;
import dev.faltung.kernel.conv.ConvDirection;
import dev.faltung.kernel.conv.ConvGeometry;
import dev.faltung.kernel.conv.Convolutions;
import dev.faltung.kernel.pool.PoolGeometry;
import dev.faltung.kernel.random.CounterRandom;
import dev.faltung.kernel.reference.ReferenceKernels;
import java.util.Arrays;
import java.util.Map;

/**
 * {@link Kernels} on one OpenCL device. Routing, visible through
 * {@link OpenClBackend#supports} and {@link OpenClBackend#details}:
 * <ul>
 *   <li>float32 calls touching at least {@code minElements} elements (inputs plus outputs) run
 *       as Aparapi kernels on the device; smaller ones run on the reference backend, where
 *       transfers and launch latency would cost more than the arithmetic;</li>
 *   <li>float64 calls, dtype-converting copies and {@code normal} draws run on the reference
 *       backend (normal uses StrictMath, which the device cannot reproduce bit for bit).</li>
 * </ul>
 * Each kernel class has one instance, built (and its OpenCL compiled) on first use and reused;
 * Aparapi compiles a kernel class once per device and JVM ({@link Launcher#programBuilds()}).
 *
 * <p>Transfers are explicit and per call: buffers are heap arrays that the caller owns between
 * calls, so a call puts its inputs to the device and gets its outputs back, in one launch.
 * Within a call data stays on the device: an IM2COL convolution lowers, multiplies and adds the
 * bias in one multi-pass launch and its lowered matrix never leaves the device
 * ({@link LoweredConvolution}); pooling with its argmax, softmax and its gradient, moments and
 * direct convolution are one launch each. An output only goes to the device first when the
 * kernel leaves part of it untouched. Between calls nothing stays resident (see the module
 * README for why Aparapi and this SPI allow no more). Calls on one kernel class are serialised
 * on its instance; different classes may run concurrently. Device results differ from the
 * reference's double arithmetic by float rounding (and FMA contraction, which PoCL applies to
 * {@code a*b+c}); the tests state the tolerances.
 */
final class OpenClKernels implements Kernels {

    private static final float[] NO_FLOATS = new float[1];
    private static final int[] NO_INTS = new int[1];

    private final Launcher launcher;
    private final int minElements;
    private final Kernels host = new ReferenceKernels();

    private final GemmKernel gemm;
    private final UnaryKernel unary;
    private final BinaryKernel binary;
    private final ReduceKernel reduce;
    private final ArgmaxKernel argmax;
    private final CopyKernel copy;
    private final Im2colKernel im2col;
    private final ConvDirectKernel conv;
    private final PoolKernel pool;
    private final SoftmaxKernel softmax;
    private final MomentsKernel moments;
    private final RandomKernel random;
    private final LoweredConvolution lowered;
    private final DeviceConvChoice convChoice = new DeviceConvChoice();

    OpenClKernels(Launcher launcher, int minElements) {
        this.launcher = launcher;
        this.minElements = minElements;
        gemm = launcher.adopt(new GemmKernel());
        unary = launcher.adopt(new UnaryKernel());
        binary = launcher.adopt(new BinaryKernel());
        reduce = launcher.adopt(new ReduceKernel());
        argmax = launcher.adopt(new ArgmaxKernel());
        copy = launcher.adopt(new CopyKernel());
        im2col = launcher.adopt(new Im2colKernel());
        conv = launcher.adopt(new ConvDirectKernel());
        pool = launcher.adopt(new PoolKernel());
        softmax = launcher.adopt(new SoftmaxKernel());
        moments = launcher.adopt(new MomentsKernel());
        random = launcher.adopt(new RandomKernel());
        lowered = new LoweredConvolution(launcher);
    }

    Launcher launcher() {
        return launcher;
    }

    /** The AUTO convolution choices made so far. */
    Map<DeviceConvChoice.Key, ConvAlgorithm> convChoices() {
        return convChoice.choices();
    }

    /** Whether every buffer is float32. */
    private static boolean f32(Buffer... buffers) {
        for (Buffer b : buffers) {
            if (!(b instanceof Buffer.F32)) {
                return false;
            }
        }
        return true;
    }

    private static float[] data(Buffer b) {
        return ((Buffer.F32) b).data();
    }

    private boolean small(long elements) {
        return elements < minElements;
    }

    /** {@code candidate}, or a copy of it when it is the same array as {@code other}: Aparapi binds one device buffer per field. */
    private static float[] unaliased(float[] candidate, float[] other) {
        return candidate == other ? candidate.clone() : candidate;
    }

    // ---- element-wise -------------------------------------------------------------------

    @Override
    public void unary(UnaryOp op, double alpha, Buffer x, Buffer out) {
        int size = out.size();
        if (!f32(x, out) || small(2L * size)) {
            host.unary(op, alpha, x, out);
            return;
        }
        float[] o = data(out);
        float[] in = unaliased(data(x), o);
        synchronized (unary) {
            unary.x = in;
            unary.out = o;
            unary.size = size;
            unary.op = code(op);
            unary.alpha = (float) alpha;
            unary.per = launcher.perItem(size);
            launcher.upload(unary, in);
            launcher.run("unary " + op, unary, launcher.range1((size + unary.per - 1) / unary.per));
            launcher.download(unary, o);
        }
    }

    static int code(UnaryOp op) {
        return switch (op) {
            case NEG -> UnaryKernel.NEG;
            case ABS -> UnaryKernel.ABS;
            case EXP -> UnaryKernel.EXP;
            case LOG -> UnaryKernel.LOG;
            case SQRT -> UnaryKernel.SQRT;
            case SQUARE -> UnaryKernel.SQUARE;
            case RECIPROCAL -> UnaryKernel.RECIPROCAL;
            case TANH -> UnaryKernel.TANH;
            case SIGMOID -> UnaryKernel.SIGMOID;
            case RELU -> UnaryKernel.RELU;
            case LEAKY_RELU -> UnaryKernel.LEAKY_RELU;
            case ELU -> UnaryKernel.ELU;
            case SOFTPLUS -> UnaryKernel.SOFTPLUS;
            case POW -> UnaryKernel.POW;
            case SCALE -> UnaryKernel.SCALE;
            case ADD_SCALAR -> UnaryKernel.ADD_SCALAR;
            case MAX_SCALAR -> UnaryKernel.MAX_SCALAR;
            case MIN_SCALAR -> UnaryKernel.MIN_SCALAR;
            case GREATER_SCALAR -> UnaryKernel.GREATER_SCALAR;
            case SIGN -> UnaryKernel.SIGN;
        };
    }

    static int code(BinaryOp op) {
        return switch (op) {
            case ADD -> BinaryKernel.ADD;
            case SUB -> BinaryKernel.SUB;
            case MUL -> BinaryKernel.MUL;
            case DIV -> BinaryKernel.DIV;
            case POW -> BinaryKernel.POW;
            case MAX -> BinaryKernel.MAX;
            case MIN -> BinaryKernel.MIN;
            case GREATER -> BinaryKernel.GREATER;
            case EQUAL -> BinaryKernel.EQUAL;
        };
    }

    @Override
    public void binary(BinaryOp op, Buffer a, int[] aShape, Buffer b, int[] bShape, Buffer out, int[] outShape) {
        int size = out.size();
        if (!f32(a, b, out) || small((long) a.size() + b.size() + size)) {
            host.binary(op, a, aShape, b, bShape, out, outShape);
            return;
        }
        int rank = Math.max(1, outShape.length);
        int[] shape = new int[rank];
        java.util.Arrays.fill(shape, 1);
        System.arraycopy(outShape, 0, shape, rank - outShape.length, outShape.length);
        int[] as = broadcastStrides(aShape, rank, "a", aShape, bShape, outShape);
        int[] bs = broadcastStrides(bShape, rank, "b", aShape, bShape, outShape);
        float[] o = data(out);
        float[] av = unaliased(data(a), o);
        float[] bv = unaliased(unaliased(data(b), o), av);
        synchronized (binary) {
            binary.a = av;
            binary.b = bv;
            binary.out = o;
            binary.shape = shape;
            binary.aStride = as;
            binary.bStride = bs;
            binary.rank = rank;
            binary.size = size;
            binary.op = code(op);
            binary.dense = a.size() == size && b.size() == size ? 1 : 0; // equal counts: nothing broadcasts
            binary.per = launcher.perItem(size);
            launcher.upload(binary, av, bv);
            launcher.upload(binary, shape, as, bs);
            launcher.run("binary " + op, binary, launcher.range1((size + binary.per - 1) / binary.per));
            launcher.download(binary, o);
        }
    }

    /** Row-major strides of {@code shape} right-aligned to {@code rank}, 0 where it broadcasts. */
    private static int[] broadcastStrides(int[] shape, int rank, String name, int[] aShape, int[] bShape, int[] outShape) {
        if (shape.length > rank) {
            throw new IllegalArgumentException("opencl binary: " + name + " has rank " + shape.length
                    + " above the output's; shapes a=" + java.util.Arrays.toString(aShape) + " b="
                    + java.util.Arrays.toString(bShape) + " out=" + java.util.Arrays.toString(outShape));
        }
        int[] strides = new int[rank];
        int stride = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            strides[rank - shape.length + i] = shape[i] == 1 ? 0 : stride;
            stride *= shape[i];
        }
        return strides;
    }

    // ---- reductions ---------------------------------------------------------------------

    @Override
    public void reduce(ReduceOp op, Buffer x, int[] shape, int[] axes, Buffer out) {
        if (!f32(x, out) || small((long) x.size() + out.size()) || x.size() == 0) {
            host.reduce(op, x, shape, axes, out);
            return;
        }
        int rank = shape.length;
        boolean[] reduced = new boolean[rank];
        for (int axis : axes) {
            reduced[axis] = true;
        }
        int[] strides = new int[rank];
        int stride = 1;
        for (int d = rank - 1; d >= 0; d--) {
            strides[d] = stride;
            stride *= shape[d];
        }
        int keptRank = rank - axes.length;
        int[] keptShape = new int[Math.max(1, keptRank)];
        int[] keptStride = new int[Math.max(1, keptRank)];
        int[] redShape = new int[Math.max(1, axes.length)];
        int[] redStride = new int[Math.max(1, axes.length)];
        int ki = 0;
        int ri = 0;
        int redCount = 1;
        int outSize = 1;
        for (int d = 0; d < rank; d++) {
            if (reduced[d]) {
                redShape[ri] = shape[d];
                redStride[ri++] = strides[d];
                redCount *= shape[d];
            } else {
                keptShape[ki] = shape[d];
                keptStride[ki++] = strides[d];
                outSize *= shape[d];
            }
        }
        float[] o = data(out);
        float[] in = unaliased(data(x), o);
        synchronized (reduce) {
            reduce.x = in;
            reduce.out = o;
            reduce.keptShape = keptShape;
            reduce.keptStride = keptStride;
            reduce.redShape = redShape;
            reduce.redStride = redStride;
            reduce.keptRank = keptRank;
            reduce.redRank = axes.length;
            reduce.outSize = outSize;
            reduce.redCount = redCount;
            reduce.op = switch (op) {
                case SUM -> ReduceKernel.SUM;
                case MAX -> ReduceKernel.MAX;
                case MIN -> ReduceKernel.MIN;
            };
            launcher.upload(reduce, in);
            launcher.upload(reduce, keptShape, keptStride, redShape, redStride);
            if (outSize != o.length) {
                launcher.upload(reduce, o);
            }
            launcher.run("reduce " + op, reduce, launcher.range1(outSize));
            launcher.download(reduce, o);
        }
    }

    @Override
    public void argmax(Buffer x, int outer, int dim, int inner, int[] out) {
        if (!f32(x) || small((long) x.size() + out.length) || dim == 0) {
            host.argmax(x, outer, dim, inner, out);
            return;
        }
        float[] in = data(x);
        synchronized (argmax) {
            argmax.x = in;
            argmax.out = out;
            argmax.outer = outer;
            argmax.dim = dim;
            argmax.inner = inner;
            launcher.upload(argmax, in);
            if (outer * inner != out.length) {
                launcher.upload(argmax, out);
            }
            launcher.run("argmax", argmax, launcher.range1(outer * inner));
            launcher.download(argmax, out);
        }
    }

    // ---- copies -------------------------------------------------------------------------

    @Override
    public void copy(Buffer src, int srcOffset, int[] srcStrides, Buffer dst, int dstOffset, int[] dstStrides, int[] shape) {
        long count = 1;
        for (int e : shape) {
            count *= e;
        }
        if (!f32(src, dst) || small(2 * count) || count == 0) {
            host.copy(src, srcOffset, srcStrides, dst, dstOffset, dstStrides, shape);
            return;
        }
        int rank = Math.max(1, shape.length);
        int[] sh = shape.length == 0 ? new int[] {1} : shape.clone();
        int[] ss = shape.length == 0 ? new int[] {0} : srcStrides.clone();
        int[] ds = shape.length == 0 ? new int[] {0} : dstStrides.clone();
        float[] d = data(dst);
        float[] s = unaliased(data(src), d);
        synchronized (copy) {
            copy.src = s;
            copy.dst = d;
            copy.shape = sh;
            copy.srcStride = ss;
            copy.dstStride = ds;
            copy.rank = rank;
            copy.size = (int) count;
            copy.srcOffset = srcOffset;
            copy.dstOffset = dstOffset;
            copy.fill = 0;
            launcher.upload(copy, s);
            launcher.upload(copy, sh, ss, ds);
            if (count != d.length) {
                launcher.upload(copy, d);
            }
            launcher.run("copy", copy, launcher.range1((int) count));
            launcher.download(copy, d);
        }
    }

    @Override
    public void fill(Buffer dst, int offset, int length, double value) {
        if (!f32(dst) || small(length)) {
            host.fill(dst, offset, length, value);
            return;
        }
        float[] d = data(dst);
        synchronized (copy) {
            copy.src = NO_FLOATS;
            copy.dst = d;
            copy.shape = NO_INTS;
            copy.srcStride = NO_INTS;
            copy.dstStride = NO_INTS;
            copy.rank = 1;
            copy.size = length;
            copy.srcOffset = 0;
            copy.dstOffset = offset;
            copy.fill = 1;
            copy.value = (float) value;
            if (length != d.length) {
                launcher.upload(copy, d);
            }
            launcher.run("fill", copy, launcher.range1(length));
            launcher.download(copy, d);
        }
    }

    // ---- matrix multiplication ----------------------------------------------------------

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha,
                     Buffer a, int offA, int lda, Buffer b, int offB, int ldb,
                     double beta, Buffer c, int offC, int ldc) {
        gemmBatched(1, transA, transB, m, n, k, alpha, a, offA, lda, 0, b, offB, ldb, 0, beta, c, offC, ldc, 0);
    }

    @Override
    public void gemmBatched(int batch, boolean transA, boolean transB, int m, int n, int k, double alpha,
                            Buffer a, int offA, int lda, int strideA,
                            Buffer b, int offB, int ldb, int strideB,
                            double beta, Buffer c, int offC, int ldc, int strideC) {
        long touched = (long) batch * ((long) m * k + (long) k * n + (long) m * n);
        if (!f32(a, b, c) || small(touched) || m == 0 || n == 0 || batch == 0) {
            // The reference loops gemm per matrix, so batched work stays linear in what it touches.
            for (int i = 0; i < batch; i++) {
                host.gemm(transA, transB, m, n, k, alpha, a, offA + i * strideA, lda,
                        b, offB + i * strideB, ldb, beta, c, offC + i * strideC, ldc);
            }
            return;
        }
        float[] cv = data(c);
        float[] av = unaliased(data(a), cv);
        float[] bv = unaliased(unaliased(data(b), cv), av);
        synchronized (gemm) {
            gemm.a = av;
            gemm.b = bv;
            gemm.c = cv;
            gemm.m = m;
            gemm.n = n;
            gemm.k = k;
            gemm.offA = offA;
            gemm.lda = lda;
            gemm.strideA = strideA;
            gemm.transA = transA ? 1 : 0;
            gemm.offB = offB;
            gemm.ldb = ldb;
            gemm.strideB = strideB;
            gemm.transB = transB ? 1 : 0;
            gemm.offC = offC;
            gemm.ldc = ldc;
            gemm.strideC = strideC;
            gemm.alpha = (float) alpha;
            gemm.beta = (float) beta;
            gemm.readC = beta == 0.0 ? 0 : 1;
            launcher.upload(gemm, av, bv);
            // C goes to the device when it is read, or when the kernel leaves part of it untouched.
            boolean whole = offC == 0 && ldc == n && (batch == 1 || strideC == m * n) && (long) batch * m * n == cv.length;
            if (beta != 0.0 || !whole) {
                launcher.upload(gemm, cv);
            }
            launcher.run("gemm " + m + "x" + n + "x" + k, gemm, launcher.range3(n, Launcher.roundUp(m, GemmKernel.TILE) / GemmKernel.WORK, batch,
                    GemmKernel.TILE, GemmKernel.ROWS));
            launcher.download(gemm, cv);
        }
    }

    // ---- convolution --------------------------------------------------------------------

    @Override
    public void im2col(ConvGeometry g, Buffer x, int image, Buffer cols) {
        int count = g.c() * g.r() * g.s() * g.outH() * g.outW();
        if (!f32(x, cols) || small((long) g.c() * g.h() * g.w() + count)) {
            host.im2col(g, x, image, cols);
            return;
        }
        float[] colv = data(cols);
        float[] xv = unaliased(data(x), colv);
        synchronized (im2col) {
            setGeometry(g, image, 0);
            im2col.x = xv;
            im2col.cols = colv;
            launcher.upload(im2col, xv);
            if (count != colv.length) {
                launcher.upload(im2col, colv);
            }
            launcher.run("im2col", im2col, launcher.range1(count));
            launcher.download(im2col, colv);
        }
    }

    @Override
    public void col2im(ConvGeometry g, Buffer cols, Buffer dx, int image) {
        int pixels = g.c() * g.h() * g.w();
        if (!f32(cols, dx) || small((long) g.c() * g.r() * g.s() * g.outH() * g.outW() + pixels)) {
            host.col2im(g, cols, dx, image);
            return;
        }
        float[] dxv = data(dx);
        float[] colv = unaliased(data(cols), dxv);
        synchronized (im2col) {
            setGeometry(g, image, 1);
            im2col.x = dxv;
            im2col.cols = colv;
            launcher.upload(im2col, colv, dxv); // accumulates into dx
            launcher.run("col2im", im2col, launcher.range1(pixels));
            launcher.download(im2col, dxv);
        }
    }

    private void setGeometry(ConvGeometry g, int image, int adjoint) {
        im2col.base = image * g.c() * g.h() * g.w();
        im2col.c = g.c();
        im2col.h = g.h();
        im2col.w = g.w();
        im2col.r = g.r();
        im2col.s = g.s();
        im2col.outH = g.outH();
        im2col.outW = g.outW();
        im2col.strideH = g.strideH();
        im2col.strideW = g.strideW();
        im2col.padTop = g.padTop();
        im2col.padLeft = g.padLeft();
        im2col.dilationH = g.dilationH();
        im2col.dilationW = g.dilationW();
        im2col.adjoint = adjoint;
    }

    /**
     * The concrete algorithm for a float32 call: AUTO resolves among the device algorithms
     * ({@link DeviceConvChoice}); IM2COL must fit the device ({@link LoweredConvolution#whyNotApplicable}).
     */
    private ConvAlgorithm concrete(ConvAlgorithm algorithm, ConvGeometry g, ConvDirection direction) {
        if (algorithm == ConvAlgorithm.AUTO) {
            return convChoice.resolve(this, g, direction, a -> a != ConvAlgorithm.IM2COL
                    || lowered.whyNotApplicable(g).isEmpty());
        }
        if (algorithm == ConvAlgorithm.IM2COL) {
            lowered.whyNotApplicable(g).ifPresent(why -> {
                throw new UnsupportedOperationException("opencl conv " + direction.label() + " with im2col for x"
                        + Arrays.toString(g.inputShape()) + " w" + Arrays.toString(g.weightShape()) + ": " + why);
            });
        }
        return algorithm;
    }

    /** Whether {@code a} runs here as device kernels; FFT and WINOGRAD go through {@link Convolutions}, their transforms on the host. */
    private static boolean onDevice(ConvAlgorithm a) {
        return a == ConvAlgorithm.DIRECT || a == ConvAlgorithm.IM2COL;
    }

    /**
     * DIRECT runs {@link ConvDirectKernel}, IM2COL {@link LoweredConvolution} (one launch for the
     * whole layer); FFT and WINOGRAD run through {@link Convolutions} on this backend's GEMM.
     */
    @Override
    public void convForward(ConvAlgorithm algorithm, ConvGeometry g, Buffer x, Buffer w, Buffer bias, Buffer y) {
        if (!f32(x, w, y) || (bias != null && !f32(bias))) {
            host.convForward(algorithm, g, x, w, bias, y);
            return;
        }
        Convolutions.checkForward(g, x, w, bias, y);
        ConvAlgorithm a = concrete(algorithm, g, ConvDirection.FORWARD);
        if (!onDevice(a)) {
            Convolutions.forward(this, a, g, x, w, bias, y);
        } else if (small((long) g.inputSize() + g.weightSize() + g.outputSize())) {
            host.convForward(a, g, x, w, bias, y);
        } else {
            float[] yv = data(y);
            float[] xv = unaliased(data(x), yv);
            float[] wv = unaliased(data(w), yv);
            float[] bv = bias == null ? null : unaliased(data(bias), yv);
            if (a == ConvAlgorithm.IM2COL) {
                lowered.forward(g, xv, wv, bv, yv);
                return;
            }
            synchronized (conv) {
                setGeometry(g, ConvDirectKernel.FORWARD, bias != null);
                conv.x = xv;
                conv.w = wv;
                conv.bias = bv == null ? NO_FLOATS : bv;
                conv.y = yv;
                launcher.upload(conv, xv, wv, conv.bias);
                launcher.run("conv forward (direct)", conv, launcher.range1(g.outputSize()));
                launcher.download(conv, yv);
            }
        }
    }

    @Override
    public void convBackwardData(ConvAlgorithm algorithm, ConvGeometry g, Buffer dy, Buffer w, Buffer dx) {
        if (!f32(dy, w, dx)) {
            host.convBackwardData(algorithm, g, dy, w, dx);
            return;
        }
        Convolutions.checkBackwardData(g, dy, w, dx);
        ConvAlgorithm a = concrete(algorithm, g, ConvDirection.BACKWARD_DATA);
        if (!onDevice(a)) {
            Convolutions.backwardData(this, a, g, dy, w, dx);
        } else if (small((long) g.inputSize() + g.weightSize() + g.outputSize())) {
            host.convBackwardData(a, g, dy, w, dx);
        } else {
            float[] dxv = data(dx);
            float[] dyv = unaliased(data(dy), dxv);
            float[] wv = unaliased(data(w), dxv);
            if (a == ConvAlgorithm.IM2COL) {
                lowered.backwardData(g, dyv, unaliased(wv, dyv), dxv);
                return;
            }
            synchronized (conv) {
                setGeometry(g, ConvDirectKernel.DATA, false);
                conv.x = dxv;
                conv.w = wv;
                conv.bias = NO_FLOATS;
                conv.y = dyv;
                launcher.upload(conv, dyv, wv);
                launcher.run("conv backward data (direct)", conv, launcher.range1(g.inputSize()));
                launcher.download(conv, dxv);
            }
        }
    }

    @Override
    public void convBackwardFilter(ConvAlgorithm algorithm, ConvGeometry g, Buffer x, Buffer dy, Buffer dw, Buffer dbias) {
        if (!f32(x, dy, dw) || (dbias != null && !f32(dbias))) {
            host.convBackwardFilter(algorithm, g, x, dy, dw, dbias);
            return;
        }
        Convolutions.checkBackwardFilter(g, x, dy, dw, dbias);
        ConvAlgorithm a = concrete(algorithm, g, ConvDirection.BACKWARD_FILTER);
        if (!onDevice(a)) {
            Convolutions.backwardFilter(this, a, g, x, dy, dw, dbias);
        } else if (small((long) g.inputSize() + g.weightSize() + g.outputSize())) {
            host.convBackwardFilter(a, g, x, dy, dw, dbias);
        } else {
            float[] dwv = data(dw);
            float[] dbv = dbias == null ? NO_FLOATS : unaliased(data(dbias), dwv);
            float[] xv = unaliased(unaliased(data(x), dwv), dbv);
            float[] dyv = unaliased(unaliased(unaliased(data(dy), dwv), dbv), xv);
            if (a == ConvAlgorithm.IM2COL) {
                lowered.backwardFilter(g, xv, dyv, dwv, dbias == null ? null : dbv);
                copyBack(dbias, dbv);
                return;
            }
            synchronized (conv) {
                setGeometry(g, ConvDirectKernel.FILTER, dbias != null);
                conv.x = xv;
                conv.w = dwv;
                conv.bias = dbv;
                conv.y = dyv;
                launcher.upload(conv, xv, dyv);
                launcher.run("conv backward filter (direct)", conv, launcher.range1(g.weightSize() + g.k()));
                launcher.download(conv, dwv);
                if (dbias != null) {
                    launcher.download(conv, dbv);
                }
            }
            copyBack(dbias, dbv);
        }
    }

    /** When {@code written} is a private copy of {@code target}'s array (they aliased another argument), stores it. */
    private static void copyBack(Buffer target, float[] written) {
        if (target != null && data(target) != written) {
            System.arraycopy(written, 0, data(target), 0, written.length);
        }
    }

    private void setGeometry(ConvGeometry g, int mode, boolean hasBias) {
        conv.mode = mode;
        conv.hasBias = hasBias ? 1 : 0;
        conv.n = g.n();
        conv.c = g.c();
        conv.h = g.h();
        conv.wd = g.w();
        conv.k = g.k();
        conv.r = g.r();
        conv.s = g.s();
        conv.outH = g.outH();
        conv.outW = g.outW();
        conv.strideH = g.strideH();
        conv.strideW = g.strideW();
        conv.padTop = g.padTop();
        conv.padLeft = g.padLeft();
        conv.dilationH = g.dilationH();
        conv.dilationW = g.dilationW();
        conv.groups = g.groups();
    }

    // ---- pooling ------------------------------------------------------------------------

    @Override
    public void maxPoolForward(PoolGeometry g, Buffer x, Buffer y, int[] argmaxOut) {
        if (!f32(x, y) || small((long) g.inputSize() + g.outputSize())) {
            host.maxPoolForward(g, x, y, argmaxOut);
            return;
        }
        boolean wanted = argmaxOut != null;
        int[] arg = wanted && argmaxOut.length == g.outputSize() ? argmaxOut : new int[g.outputSize()];
        runPool(PoolKernel.MAX_FORWARD, g, unaliased(data(x), data(y)), data(y), arg, g.outputSize(), wanted);
        if (wanted && arg != argmaxOut) {
            System.arraycopy(arg, 0, argmaxOut, 0, Math.min(arg.length, argmaxOut.length));
        }
    }

    @Override
    public void maxPoolBackward(PoolGeometry g, Buffer dy, int[] argmaxIn, Buffer dx) {
        if (!f32(dy, dx) || small((long) g.inputSize() + g.outputSize())) {
            host.maxPoolBackward(g, dy, argmaxIn, dx);
            return;
        }
        runPool(PoolKernel.MAX_BACKWARD, g, unaliased(data(dy), data(dx)), data(dx), argmaxIn, g.inputSize(), false);
    }

    @Override
    public void avgPoolForward(PoolGeometry g, Buffer x, Buffer y) {
        if (!f32(x, y) || small((long) g.inputSize() + g.outputSize())) {
            host.avgPoolForward(g, x, y);
            return;
        }
        runPool(PoolKernel.AVG_FORWARD, g, unaliased(data(x), data(y)), data(y), NO_INTS, g.outputSize(), false);
    }

    @Override
    public void avgPoolBackward(PoolGeometry g, Buffer dy, Buffer dx) {
        if (!f32(dy, dx) || small((long) g.inputSize() + g.outputSize())) {
            host.avgPoolBackward(g, dy, dx);
            return;
        }
        runPool(PoolKernel.AVG_BACKWARD, g, unaliased(data(dy), data(dx)), data(dx), NO_INTS, g.inputSize(), false);
    }

    /** {@code argOut}: the argmax is a result to download; otherwise it is an input (max backward) or unused. */
    private void runPool(int mode, PoolGeometry g, float[] in, float[] out, int[] arg, int items, boolean argOut) {
        synchronized (pool) {
            pool.mode = mode;
            pool.in = in;
            pool.out = out;
            pool.argmax = arg;
            pool.planes = g.n() * g.c();
            pool.h = g.h();
            pool.w = g.w();
            pool.outH = g.outH();
            pool.outW = g.outW();
            pool.kernelH = g.kernelH();
            pool.kernelW = g.kernelW();
            pool.strideH = g.strideH();
            pool.strideW = g.strideW();
            pool.padH = g.padH();
            pool.padW = g.padW();
            pool.countIncludePad = g.countIncludePad() ? 1 : 0;
            launcher.upload(pool, in);
            if (mode == PoolKernel.MAX_BACKWARD) {
                launcher.upload(pool, arg);
            }
            if (items != out.length) {
                launcher.upload(pool, out);
            }
            launcher.run(poolName(mode), pool, launcher.range1(items));
            launcher.download(pool, out);
            if (argOut) {
                launcher.download(pool, arg);
            }
        }
    }

    private static String poolName(int mode) {
        return switch (mode) {
            case PoolKernel.MAX_FORWARD -> "max pool forward";
            case PoolKernel.AVG_FORWARD -> "avg pool forward";
            case PoolKernel.MAX_BACKWARD -> "max pool backward";
            default -> "avg pool backward";
        };
    }

    // ---- softmax and normalisation statistics -------------------------------------------

    @Override
    public void softmax(Buffer x, int outer, int dim, int inner, boolean log, Buffer y) {
        if (!f32(x, y) || small(2L * outer * dim * inner) || dim == 0) {
            host.softmax(x, outer, dim, inner, log, y);
            return;
        }
        runSoftmax(unaliased(data(x), data(y)), NO_FLOATS, data(y), outer, dim, inner, log, false);
    }

    @Override
    public void softmaxBackward(Buffer y, Buffer dy, int outer, int dim, int inner, boolean log, Buffer dx) {
        if (!f32(y, dy, dx) || small(3L * outer * dim * inner) || dim == 0) {
            host.softmaxBackward(y, dy, outer, dim, inner, log, dx);
            return;
        }
        float[] out = data(dx);
        float[] yv = unaliased(data(y), out);
        runSoftmax(yv, unaliased(unaliased(data(dy), out), yv), out, outer, dim, inner, log, true);
    }

    private void runSoftmax(float[] x, float[] dy, float[] out, int outer, int dim, int inner, boolean log, boolean backward) {
        synchronized (softmax) {
            softmax.x = x;
            softmax.dy = dy;
            softmax.out = out;
            softmax.outer = outer;
            softmax.dim = dim;
            softmax.inner = inner;
            softmax.logMode = log ? 1 : 0;
            softmax.backward = backward ? 1 : 0;
            if (backward) {
                launcher.upload(softmax, x, dy);
            } else {
                launcher.upload(softmax, x);
            }
            if ((long) outer * dim * inner != out.length) {
                launcher.upload(softmax, out);
            }
            launcher.run((log ? "log-softmax" : "softmax") + (backward ? " backward" : ""), softmax,
                    launcher.range1(outer * inner));
            launcher.download(softmax, out);
        }
    }

    @Override
    public void moments(Buffer x, int outer, int channels, int inner, Buffer mean, Buffer var) {
        if (!f32(x, mean, var) || small((long) x.size()) || (long) outer * inner == 0) {
            host.moments(x, outer, channels, inner, mean, var);
            return;
        }
        float[] mv = data(mean);
        float[] vv = unaliased(data(var), mv);
        float[] xv = unaliased(unaliased(data(x), mv), vv);
        synchronized (moments) {
            moments.x = xv;
            moments.mean = mv;
            moments.var = vv;
            moments.outer = outer;
            moments.channels = channels;
            moments.inner = inner;
            launcher.upload(moments, xv);
            if (channels != mv.length) {
                launcher.upload(moments, mv);
            }
            if (channels != vv.length) {
                launcher.upload(moments, vv);
            }
            launcher.run("moments", moments, launcher.range1(channels));
            launcher.download(moments, mv);
            launcher.download(moments, vv);
        }
        if (vv != data(var)) {
            System.arraycopy(vv, 0, data(var), 0, vv.length);
        }
    }

    // ---- seeded random numbers ----------------------------------------------------------

    @Override
    public void uniform(long seed, long offset, double lo, double hi, Buffer out) {
        if (!f32(out) || small(out.size())) {
            host.uniform(seed, offset, lo, hi, out);
            return;
        }
        runRandom("uniform", seed, offset, data(out), 0, 0L, lo, hi - lo);
    }

    /** On the host: Box–Muller through StrictMath, which the device cannot reproduce bit for bit. */
    @Override
    public void normal(long seed, long offset, double mean, double std, Buffer out) {
        host.normal(seed, offset, mean, std, out);
    }

    @Override
    public void bernoulli(long seed, long offset, double p, Buffer out) {
        if (!f32(out) || small(out.size())) {
            host.bernoulli(seed, offset, p, out);
            return;
        }
        runRandom("bernoulli", seed, offset, data(out), 1, bernoulliThreshold(p), 0.0, 0.0);
    }

    /**
     * The integer {@code t} with {@code u < p ⟺ m < t} for {@code u = m·2^-53},
     * {@code m ∈ [0, 2^53)}: {@code t = ⌈p·2^53⌉} clamped to that range (NaN draws no ones).
     */
    static long bernoulliThreshold(double p) {
        if (!(p > 0.0)) {
            return 0L;
        }
        if (p >= 1.0) {
            return 1L << 53;
        }
        return (long) Math.ceil(p * 0x1p53);
    }

    /** {@code mix(seed·φ + c)}: the per-stream term of {@link CounterRandom#bits}, computed once per call. */
    static long stream(long seed) {
        long z = seed * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private void runRandom(String op, long seed, long offset, float[] out, int bernoulli, long threshold,
                           double lo, double span) {
        synchronized (random) {
            random.out = out;
            random.size = out.length;
            random.stream = stream(seed);
            random.offset = offset;
            random.bernoulli = bernoulli;
            random.threshold = threshold;
            random.lo = lo;
            random.span = span;
            launcher.run(op, random, launcher.range1(out.length));
            launcher.download(random, out);
        }
    }
}
