package dev.faltung.kernel.simd;

import dev.faltung.kernel.BinaryOp;
import dev.faltung.kernel.Buffer;
import dev.faltung.kernel.DType;
import dev.faltung.kernel.ElementwiseProgram;
import dev.faltung.kernel.KernelFamily;
import dev.faltung.kernel.Kernels;
import dev.faltung.kernel.ReduceOp;
import dev.faltung.kernel.UnaryOp;
import dev.faltung.kernel.conv.ConvAlgorithm;
import dev.faltung.kernel.conv.ConvGeometry;
import dev.faltung.kernel.conv.ConvDirection;
import dev.faltung.kernel.conv.ConvPlanner;
import dev.faltung.kernel.conv.Convolutions;
import dev.faltung.kernel.pool.PoolGeometry;
import dev.faltung.kernel.random.CounterRandom;
import dev.faltung.kernel.reference.ReferenceKernels;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;

/**
 * The Vector API kernels. float32 runs on vectors throughout; float64 runs here for GEMM,
 * copies, fills, random numbers and convolutions, and is delegated to {@link ReferenceKernels}
 * for everything else ({@link #nativeFloat64} says which). Thread-safe; GEMM uses the shared
 * worker pool of the given size, and its results do not depend on that size.
 */
public final class SimdKernels implements Kernels {

    private static final ReferenceKernels REFERENCE = new ReferenceKernels();

    private final WorkerPool pool;
    private final FloatGemm floatGemm;
    private final DoubleGemm doubleGemm;
    private final FloatConvolutions convolutions;
    private final FloatPrograms programs;

    /** Kernels whose GEMM uses {@code threads} threads (the calling thread included). */
    public SimdKernels(int threads) {
        this.pool = WorkerPool.of(threads);
        this.floatGemm = new FloatGemm(pool);
        this.doubleGemm = new DoubleGemm(pool);
        this.convolutions = new FloatConvolutions(pool, floatGemm);
        this.programs = new FloatPrograms(pool);
    }

    /** Whether {@code family} is computed here in float64 rather than by the reference backend. */
    static boolean nativeFloat64(KernelFamily family) {
        return switch (family) {
            case GEMM, COPY, RANDOM, CONV -> true;
            case ELEMENTWISE, REDUCE, IM2COL, POOL, SOFTMAX, MOMENTS -> false;
        };
    }

    /** Vector species, lanes and threads, for {@code faltung info}. */
    Map<String, String> details() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("float species", FloatVector.SPECIES_PREFERRED.toString());
        d.put("float lanes", Integer.toString(FloatVector.SPECIES_PREFERRED.length()));
        d.put("double lanes", Integer.toString(DoubleVector.SPECIES_PREFERRED.length()));
        d.put("threads", pool.threads() + " (system property " + WorkerPool.THREADS_PROPERTY + ")");
        d.put("gemm float32 micro-tile", FloatGemm.MR + "x" + FloatGemm.NR + ", KC=" + FloatGemm.KC
                + " MC=" + FloatGemm.MC + " NC=" + FloatGemm.NC);
        d.put("gemm float64 micro-tile", DoubleGemm.MR + "x" + DoubleGemm.NR);
        d.put("float64 delegated to reference", "elementwise, reduce, im2col, pool, softmax, moments, channelSums, channelAffine");
        return d;
    }

    int threads() {
        return pool.threads();
    }

    private static float[] f32(Buffer b) {
        return ((Buffer.F32) b).data();
    }

    private static boolean isF32(String op, Buffer first, Buffer... rest) {
        boolean f = first instanceof Buffer.F32;
        for (Buffer b : rest) {
            if (b != null && (b instanceof Buffer.F32) != f) {
                throw new IllegalArgumentException(op + ": buffers must share a dtype, got " + first.dtype()
                        + " and " + b.dtype());
            }
        }
        return f;
    }

    // ---- element-wise -------------------------------------------------------------------

    @Override
    public void unary(UnaryOp op, double alpha, Buffer x, Buffer out) {
        if (!isF32("unary " + op, x, out)) {
            REFERENCE.unary(op, alpha, x, out);
            return;
        }
        if (x.size() != out.size()) {
            throw new IllegalArgumentException("unary " + op + ": input has " + x.size()
                    + " elements but output has " + out.size());
        }
        float[] xs = f32(x), os = f32(out);
        int n = x.size();
        inChunks(n, (from, len) -> FloatElementwise.unary(op, alpha, xs, from, os, from, len));
    }

    @Override
    public void elementwise(ElementwiseProgram program, Buffer[] inputs, Buffer[] outputs) {
        program.check(inputs, outputs);
        Buffer first = outputs.length > 0 ? outputs[0] : null;
        if (!(first instanceof Buffer.F32)) {
            Kernels.super.elementwise(program, inputs, outputs);
            return;
        }
        float[][] in = new float[inputs.length][];
        for (int i = 0; i < in.length; i++) {
            in[i] = f32(inputs[i]);
        }
        float[][] out = new float[outputs.length][];
        for (int j = 0; j < out.length; j++) {
            out[j] = f32(outputs[j]);
        }
        programs.run(program, in, out, first.size());
    }

    @Override
    public void binary(BinaryOp op, Buffer a, int[] aShape, Buffer b, int[] bShape, Buffer out, int[] outShape) {
        if (!isF32("binary " + op, a, b, out)) {
            REFERENCE.binary(op, a, aShape, b, bShape, out, outShape);
            return;
        }
        float[] as = f32(a), bs = f32(b), os = f32(out);
        if (Arrays.equals(aShape, outShape) && Arrays.equals(bShape, outShape)) {
            inChunks(Shapes.size(outShape), (from, len) -> FloatElementwise.binary(op, as, from, bs, from, os, from, len));
            return;
        }
        FloatElementwise.binary(op, as, aShape, bs, bShape, os, outShape);
    }

    // ---- reductions ---------------------------------------------------------------------

    @Override
    public void reduce(ReduceOp op, Buffer x, int[] shape, int[] axes, Buffer out) {
        if (!isF32("reduce " + op, x, out)) {
            REFERENCE.reduce(op, x, shape, axes, out);
            return;
        }
        FloatReductions.reduce(op, f32(x), shape, axes, f32(out));
    }

    @Override
    public void argmax(Buffer x, int outer, int dim, int inner, int[] out) {
        if (!(x instanceof Buffer.F32 f)) {
            REFERENCE.argmax(x, outer, dim, inner, out);
            return;
        }
        FloatReductions.argmax(f.data(), outer, dim, inner, out);
    }

    // ---- copies -------------------------------------------------------------------------

    @Override
    public void copy(Buffer src, int srcOffset, int[] srcStrides, Buffer dst, int dstOffset, int[] dstStrides, int[] shape) {
        Copies.copy(src, srcOffset, srcStrides, dst, dstOffset, dstStrides, shape);
    }

    @Override
    public void fill(Buffer dst, int offset, int length, double value) {
        Copies.fill(dst, offset, length, value);
    }

    // ---- matrix multiplication ----------------------------------------------------------

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha,
                     Buffer a, int offA, int lda, Buffer b, int offB, int ldb,
                     double beta, Buffer c, int offC, int ldc) {
        if (isF32("gemm", a, b, c)) {
            floatGemm.gemm(transA, transB, m, n, k, (float) alpha, f32(a), offA, lda, f32(b), offB, ldb,
                    (float) beta, f32(c), offC, ldc, true);
        } else {
            doubleGemm.gemm(transA, transB, m, n, k, alpha, ((Buffer.F64) a).data(), offA, lda,
                    ((Buffer.F64) b).data(), offB, ldb, beta, ((Buffer.F64) c).data(), offC, ldc, true);
        }
    }

    /**
     * Runs whole GEMMs in parallel when there are at least as many as threads; each one then
     * runs on one thread, which computes exactly what the multi-threaded GEMM would.
     */
    @Override
    public void gemmBatched(int batch, boolean transA, boolean transB, int m, int n, int k, double alpha,
                            Buffer a, int offA, int lda, int strideA,
                            Buffer b, int offB, int ldb, int strideB,
                            double beta, Buffer c, int offC, int ldc, int strideC) {
        boolean f32 = isF32("gemmBatched", a, b, c);
        if (batch < pool.threads()) {
            for (int i = 0; i < batch; i++) {
                gemm(transA, transB, m, n, k, alpha, a, offA + i * strideA, lda,
                        b, offB + i * strideB, ldb, beta, c, offC + i * strideC, ldc);
            }
            return;
        }
        int tasks = pool.threads();
        pool.run(tasks, t -> {
            for (int i = t; i < batch; i += tasks) {
                if (f32) {
                    floatGemm.gemm(transA, transB, m, n, k, (float) alpha, f32(a), offA + i * strideA, lda,
                            f32(b), offB + i * strideB, ldb, (float) beta, f32(c), offC + i * strideC, ldc, false);
                } else {
                    doubleGemm.gemm(transA, transB, m, n, k, alpha, ((Buffer.F64) a).data(), offA + i * strideA, lda,
                            ((Buffer.F64) b).data(), offB + i * strideB, ldb, beta, ((Buffer.F64) c).data(),
                            offC + i * strideC, ldc, false);
                }
            }
        });
    }

    // ---- convolution --------------------------------------------------------------------

    @Override
    public void im2col(ConvGeometry g, Buffer x, int image, Buffer cols) {
        if (!isF32("im2col", x, cols)) {
            REFERENCE.im2col(g, x, image, cols);
            return;
        }
        FloatImages.im2col(g, f32(x), image, f32(cols));
    }

    @Override
    public void col2im(ConvGeometry g, Buffer cols, Buffer dx, int image) {
        if (!isF32("col2im", cols, dx)) {
            REFERENCE.col2im(g, cols, dx, image);
            return;
        }
        FloatImages.col2im(g, f32(cols), f32(dx), image);
    }

    /**
     * float32 convolutions run this backend's own implementations ({@link FloatConvolutions});
     * float64, and algorithms without a float32 implementation here, run the shared ones in
     * {@link Convolutions} on this backend's GEMM and im2col.
     */
    @Override
    public void convForward(ConvAlgorithm algorithm, ConvGeometry g, Buffer x, Buffer w, Buffer bias, Buffer y) {
        if (!(x instanceof Buffer.F32)) {
            Convolutions.forward(this, algorithm, g, x, w, bias, y);
            return;
        }
        Convolutions.checkForward(g, x, w, bias, y);
        ConvAlgorithm a = resolve(algorithm, g, ConvDirection.FORWARD);
        if (!convolutions.forward(a, g, f32(x), f32(w), bias == null ? null : f32(bias), f32(y))) {
            Convolutions.forward(this, a, g, x, w, bias, y);
        }
    }

    @Override
    public void convBackwardData(ConvAlgorithm algorithm, ConvGeometry g, Buffer dy, Buffer w, Buffer dx) {
        if (!(dy instanceof Buffer.F32)) {
            Convolutions.backwardData(this, algorithm, g, dy, w, dx);
            return;
        }
        Convolutions.checkBackwardData(g, dy, w, dx);
        ConvAlgorithm a = resolve(algorithm, g, ConvDirection.BACKWARD_DATA);
        if (!convolutions.backwardData(a, g, f32(dy), f32(w), f32(dx))) {
            Convolutions.backwardData(this, a, g, dy, w, dx);
        }
    }

    @Override
    public void convBackwardFilter(ConvAlgorithm algorithm, ConvGeometry g, Buffer x, Buffer dy, Buffer dw, Buffer dbias) {
        if (!(x instanceof Buffer.F32)) {
            Convolutions.backwardFilter(this, algorithm, g, x, dy, dw, dbias);
            return;
        }
        Convolutions.checkBackwardFilter(g, x, dy, dw, dbias);
        ConvAlgorithm a = resolve(algorithm, g, ConvDirection.BACKWARD_FILTER);
        if (!convolutions.backwardFilter(a, g, f32(x), f32(dy), f32(dw), dbias == null ? null : f32(dbias))) {
            Convolutions.backwardFilter(this, a, g, x, dy, dw, dbias);
        }
    }

    private ConvAlgorithm resolve(ConvAlgorithm algorithm, ConvGeometry g, ConvDirection direction) {
        return algorithm == ConvAlgorithm.AUTO
                ? ConvPlanner.shared().resolve(this, g, DType.FLOAT32, direction)
                : algorithm;
    }

    // ---- pooling ------------------------------------------------------------------------

    @Override
    public void maxPoolForward(PoolGeometry g, Buffer x, Buffer y, int[] argmax) {
        if (!isF32("maxPoolForward", x, y)) {
            REFERENCE.maxPoolForward(g, x, y, argmax);
            return;
        }
        FloatImages.maxPoolForward(pool, g, f32(x), f32(y), argmax);
    }

    @Override
    public void maxPoolBackward(PoolGeometry g, Buffer dy, int[] argmax, Buffer dx) {
        if (!isF32("maxPoolBackward", dy, dx)) {
            REFERENCE.maxPoolBackward(g, dy, argmax, dx);
            return;
        }
        FloatImages.maxPoolBackward(pool, g, f32(dy), argmax, f32(dx));
    }

    @Override
    public void avgPoolForward(PoolGeometry g, Buffer x, Buffer y) {
        if (!isF32("avgPoolForward", x, y)) {
            REFERENCE.avgPoolForward(g, x, y);
            return;
        }
        FloatImages.avgPoolForward(pool, g, f32(x), f32(y));
    }

    @Override
    public void avgPoolBackward(PoolGeometry g, Buffer dy, Buffer dx) {
        if (!isF32("avgPoolBackward", dy, dx)) {
            REFERENCE.avgPoolBackward(g, dy, dx);
            return;
        }
        FloatImages.avgPoolBackward(pool, g, f32(dy), f32(dx));
    }

    // ---- softmax and normalisation statistics -------------------------------------------

    @Override
    public void softmax(Buffer x, int outer, int dim, int inner, boolean log, Buffer y) {
        if (!isF32("softmax", x, y)) {
            REFERENCE.softmax(x, outer, dim, inner, log, y);
            return;
        }
        FloatReductions.softmax(f32(x), outer, dim, inner, log, f32(y));
    }

    @Override
    public void softmaxBackward(Buffer y, Buffer dy, int outer, int dim, int inner, boolean log, Buffer dx) {
        if (!isF32("softmaxBackward", y, dy, dx)) {
            REFERENCE.softmaxBackward(y, dy, outer, dim, inner, log, dx);
            return;
        }
        FloatReductions.softmaxBackward(f32(y), f32(dy), outer, dim, inner, log, f32(dx));
    }

    @Override
    public void moments(Buffer x, int outer, int channels, int inner, Buffer mean, Buffer var) {
        if (!isF32("moments", x, mean, var)) {
            REFERENCE.moments(x, outer, channels, inner, mean, var);
            return;
        }
        float[] xs = f32(x), m = f32(mean), v = f32(var);
        split(channels, (long) outer * channels * inner,
                (from, to) -> FloatReductions.moments(xs, outer, channels, inner, m, v, from, to));
    }

    @Override
    public void channelSums(Buffer x, Buffer y, int outer, int channels, int inner, Buffer sums, Buffer dots) {
        if (!isF32("channelSums", x, y, sums, dots)) {
            REFERENCE.channelSums(x, y, outer, channels, inner, sums, dots);
            return;
        }
        long n = requireView("channelSums", outer, channels, inner, x, y);
        requireChannels("channelSums", channels, sums, y == null ? null : dots);
        float[] xs = f32(x), ys = y == null ? null : f32(y), ss = f32(sums), ds = y == null ? null : f32(dots);
        split(channels, n, (from, to) -> FloatChannelwise.sums(xs, ys, outer, channels, inner, ss, ds, from, to));
    }

    @Override
    public void channelAffine(Buffer x, Buffer a, Buffer z, Buffer p, Buffer b, int outer, int channels, int inner,
                              Buffer out) {
        if (!isF32("channelAffine", x, a, z, p, b, out)) {
            REFERENCE.channelAffine(x, a, z, p, b, outer, channels, inner, out);
            return;
        }
        if ((z == null) != (p == null)) {
            throw new IllegalArgumentException("channelAffine: z and p must be both given or both null");
        }
        long n = requireView("channelAffine", outer, channels, inner, x, z, out);
        requireChannels("channelAffine", channels, a, p, b);
        float[] xs = f32(x), as = f32(a), zs = z == null ? null : f32(z), ps = p == null ? null : f32(p);
        float[] bs = b == null ? null : f32(b), os = f32(out);
        split(outer * channels, n, (from, to) -> FloatChannelwise.affine(xs, as, zs, ps, bs, channels, inner, os, from, to));
    }

    /** Elements below which a pass over memory stays on the calling thread: waking workers costs more. */
    private static final int PARALLEL_ELEMENTS = 1 << 16;

    /** A range {@code [from, to)} of rows, channels or chunks. */
    private interface Range {
        void run(int from, int to);
    }

    /** Runs {@code body} over {@code [0, items)} split in equal parts, one per thread when {@code elements} is large. */
    private void split(int items, long elements, Range body) {
        int tasks = elements < PARALLEL_ELEMENTS ? 1 : Math.min(pool.threads(), items);
        pool.run(tasks, t -> body.run((int) ((long) items * t / tasks), (int) ((long) items * (t + 1) / tasks)));
    }

    /**
     * Runs {@code body(from, length)} over {@code [0, n)} in chunks whose boundaries are multiples
     * of {@link FloatPrograms#CHUNK}, so every element goes through the same vector code as in one
     * serial pass (only the last chunk has a tail).
     */
    private void inChunks(int n, Range body) {
        int chunk = FloatPrograms.CHUNK, chunks = (n + chunk - 1) / chunk;
        split(chunks, n, (from, to) -> {
            int start = from * chunk;
            if (to > from) {
                body.run(start, Math.min(n, to * chunk) - start);
            }
        });
    }

    /** The element count of {@code [outer, channels, inner]}, after checking that each given buffer holds it. */
    private static long requireView(String op, int outer, int channels, int inner, Buffer... buffers) {
        long n = (long) outer * channels * inner;
        if (outer < 0 || channels < 0 || inner < 0 || n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(op + ": bad view [" + outer + ", " + channels + ", " + inner + "]");
        }
        for (Buffer buf : buffers) {
            if (buf != null && buf.size() < n) {
                throw new IllegalArgumentException(op + ": a buffer holds " + buf.size() + " elements but the view ["
                        + outer + ", " + channels + ", " + inner + "] needs " + n);
            }
        }
        return n;
    }

    private static void requireChannels(String op, int channels, Buffer... buffers) {
        for (Buffer buf : buffers) {
            if (buf != null && buf.size() < channels) {
                throw new IllegalArgumentException(op + ": a per-channel buffer holds " + buf.size()
                        + " elements, " + channels + " channels need as many");
            }
        }
    }

    // ---- seeded random numbers ----------------------------------------------------------
    // Computed in double exactly as the reference's formulas, then stored, so the numbers are
    // the reference's bit for bit in either dtype.

    @Override
    public void uniform(long seed, long offset, double lo, double hi, Buffer out) {
        double span = hi - lo;
        draw(out, i -> lo + span * CounterRandom.uniform(seed, offset + i));
    }

    @Override
    public void normal(long seed, long offset, double mean, double std, Buffer out) {
        draw(out, i -> mean + std * CounterRandom.normal(seed, offset + i));
    }

    /**
     * Fills {@code out[i] = value(i)} in parallel ranges. Every element is a pure function of its
     * index (a counter-based draw), so the result does not depend on the thread count; the
     * StrictMath-based normal draws make initialising a large model worth the threads.
     */
    private void draw(Buffer out, java.util.function.LongToDoubleFunction value) {
        int n = out.size();
        // One contiguous range per worker (the pool runs task 0 on the caller, the rest on its workers).
        int tasks = Math.max(1, Math.min(pool.threads(), n >> 15));
        long per = ((long) n + tasks - 1) / tasks;
        switch (out) {
            case Buffer.F32(float[] t) -> pool.run(tasks, task -> {
                for (int i = (int) (task * per), end = (int) Math.min(n, (task + 1) * per); i < end; i++) {
                    t[i] = (float) value.applyAsDouble(i);
                }
            });
            case Buffer.F64(double[] t) -> pool.run(tasks, task -> {
                for (int i = (int) (task * per), end = (int) Math.min(n, (task + 1) * per); i < end; i++) {
                    t[i] = value.applyAsDouble(i);
                }
            });
        }
    }

    @Override
    public void bernoulli(long seed, long offset, double p, Buffer out) {
        switch (out) {
            case Buffer.F32(float[] t) -> {
                for (int i = 0; i < t.length; i++) {
                    t[i] = CounterRandom.uniform(seed, offset + i) < p ? 1f : 0f;
                }
            }
            case Buffer.F64(double[] t) -> {
                for (int i = 0; i < t.length; i++) {
                    t[i] = CounterRandom.uniform(seed, offset + i) < p ? 1.0 : 0.0;
                }
            }
        }
    }
}
