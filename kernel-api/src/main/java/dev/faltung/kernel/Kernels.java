package dev.faltung.kernel;

import dev.faltung.kernel.conv.ConvAlgorithm;
import dev.faltung.kernel.conv.ConvGeometry;
import dev.faltung.kernel.pool.PoolGeometry;
import java.util.List;

/**
 * The kernel SPI: the primitives every backend implements. Destination-passing style, output
 * last; kernels never allocate their results. All buffers of one call share a dtype unless a
 * method says otherwise. Tensors are dense and row-major (NCHW for images); shapes are passed
 * as {@code int[]}. Arguments are validated one level up (autodiff), so kernels may assume
 * consistent sizes; they must still never read or write outside a buffer.
 */
public interface Kernels {

    // ---- element-wise -------------------------------------------------------------------

    /** {@code out[i] = op(x[i]; alpha)}; {@code x} and {@code out} have the same size and may alias. */
    void unary(UnaryOp op, double alpha, Buffer x, Buffer out);

    /**
     * {@code out = op(a, b)} with NumPy broadcasting. Shapes are right-aligned; {@code outShape}
     * is the broadcast shape of {@code aShape} and {@code bShape} (ranks may differ).
     */
    void binary(BinaryOp op, Buffer a, int[] aShape, Buffer b, int[] bShape, Buffer out, int[] outShape);

    /**
     * Runs {@code program} element-wise: {@code outputs[j][i]} receives value
     * {@code program.output(j)} computed from {@code inputs[*][i]}. All operands share dtype
     * and size; an output may also be an input (each element is read before it is written).
     * The results equal those of the program's steps run one by one through {@link #unary} and
     * {@link #binary}, which is what this default does, with a temporary buffer per step;
     * backends override it to make one pass without the temporaries.
     */
    default void elementwise(ElementwiseProgram program, Buffer[] inputs, Buffer[] outputs) {
        program.check(inputs, outputs);
        if (outputs.length == 0) {
            return;
        }
        DType dtype = outputs[0].dtype();
        int n = outputs[0].size();
        int[] shape = {n};
        List<ElementwiseProgram.Step> steps = program.steps();
        Buffer[] values = new Buffer[steps.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = switch (steps.get(i)) {
                case ElementwiseProgram.Input in -> inputs[in.input()];
                case ElementwiseProgram.Unary u -> {
                    Buffer out = Buffer.allocate(dtype, n);
                    unary(u.op(), u.alpha(), values[u.x()], out);
                    yield out;
                }
                case ElementwiseProgram.Binary b -> {
                    Buffer out = Buffer.allocate(dtype, n);
                    binary(b.op(), values[b.a()], shape, values[b.b()], shape, out, shape);
                    yield out;
                }
            };
        }
        // Copy out only after everything is computed: outputs may alias inputs.
        Buffer[] results = new Buffer[outputs.length];
        for (int j = 0; j < outputs.length; j++) {
            Buffer v = values[program.output(j)];
            boolean aliased = false;
            for (Buffer o : outputs) {
                aliased |= o == v;
            }
            results[j] = aliased ? v.copy() : v;
        }
        for (int j = 0; j < outputs.length; j++) {
            copy(results[j], 0, new int[] {1}, outputs[j], 0, new int[] {1}, shape);
        }
    }

    // ---- reductions ---------------------------------------------------------------------

    /**
     * Reduces {@code x} of {@code shape} over {@code axes} (sorted, distinct). {@code out} holds
     * the result in the kept-dims layout (reduced axes have extent 1). Summation order is fixed:
     * increasing linear index of {@code x}.
     */
    void reduce(ReduceOp op, Buffer x, int[] shape, int[] axes, Buffer out);

    /** For each {@code (o, i)}, the first index along {@code dim} holding the maximum of {@code x[o, :, i]}. */
    void argmax(Buffer x, int outer, int dim, int inner, int[] out);

    // ---- copies -------------------------------------------------------------------------

    /**
     * Strided copy: for every index {@code idx} of {@code shape},
     * {@code dst[dstOffset + idx·dstStrides] = src[srcOffset + idx·srcStrides]}. Converts dtype
     * if the buffers differ. Serves transpose, permute, slice, concat, pad and casts.
     */
    void copy(Buffer src, int srcOffset, int[] srcStrides, Buffer dst, int dstOffset, int[] dstStrides, int[] shape);

    /** {@code dst[offset .. offset+length) = value}. */
    void fill(Buffer dst, int offset, int length, double value);

    // ---- matrix multiplication ----------------------------------------------------------

    /**
     * Row-major GEMM: {@code C = alpha·op(A)·op(B) + beta·C}, {@code C} is {@code m×n},
     * {@code op(A)} is {@code m×k}, {@code op(B)} is {@code k×n}. {@code lda}, {@code ldb},
     * {@code ldc} are the row strides of the matrices as stored. When {@code beta == 0},
     * {@code C} is not read (so NaNs in it do not propagate), as in BLAS.
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha,
              Buffer a, int offA, int lda, Buffer b, int offB, int ldb,
              double beta, Buffer c, int offC, int ldc);

    /** {@code batch} independent GEMMs; matrix {@code i} starts at {@code off + i·stride}. */
    default void gemmBatched(int batch, boolean transA, boolean transB, int m, int n, int k, double alpha,
                             Buffer a, int offA, int lda, int strideA,
                             Buffer b, int offB, int ldb, int strideB,
                             double beta, Buffer c, int offC, int ldc, int strideC) {
        for (int i = 0; i < batch; i++) {
            gemm(transA, transB, m, n, k, alpha, a, offA + i * strideA, lda,
                 b, offB + i * strideB, ldb, beta, c, offC + i * strideC, ldc);
        }
    }

    // ---- convolution --------------------------------------------------------------------

    /**
     * Lowers image {@code image} of {@code x} ({@code [N,C,H,W]}) to {@code cols}, a
     * {@code [C·R·S, outH·outW]} matrix; out-of-image taps read 0.
     */
    void im2col(ConvGeometry g, Buffer x, int image, Buffer cols);

    /** The adjoint of {@link #im2col}: accumulates (adds) {@code cols} into image {@code image} of {@code dx}. */
    void col2im(ConvGeometry g, Buffer cols, Buffer dx, int image);

    /**
     * Cross-correlation {@code y = x ⋆ w + bias}: {@code x [N,C,H,W]}, {@code w [K,C/groups,R,S]},
     * {@code bias [K]} or null, {@code y [N,K,outH,outW]} (overwritten). {@link ConvAlgorithm#AUTO}
     * is resolved by {@link dev.faltung.kernel.conv.Convolutions}; a concrete algorithm that does
     * not apply to {@code g} throws {@link UnsupportedOperationException} saying why.
     */
    void convForward(ConvAlgorithm algorithm, ConvGeometry g, Buffer x, Buffer w, Buffer bias, Buffer y);

    /** Gradient with respect to the input: {@code dx [N,C,H,W]} (overwritten) from {@code dy}. */
    void convBackwardData(ConvAlgorithm algorithm, ConvGeometry g, Buffer dy, Buffer w, Buffer dx);

    /** Gradients with respect to weight ({@code dw}, overwritten) and bias ({@code dbias} or null). */
    void convBackwardFilter(ConvAlgorithm algorithm, ConvGeometry g, Buffer x, Buffer dy, Buffer dw, Buffer dbias);

    // ---- pooling ------------------------------------------------------------------------

    /** Max pooling; {@code argmax} (or null) receives, per output, the flat index into {@code x} of the maximum. */
    void maxPoolForward(PoolGeometry g, Buffer x, Buffer y, int[] argmax);

    /** Scatters {@code dy} to {@code dx} (overwritten) through {@code argmax}. */
    void maxPoolBackward(PoolGeometry g, Buffer dy, int[] argmax, Buffer dx);

    /** Average pooling; divisor per {@link PoolGeometry#countIncludePad()}. */
    void avgPoolForward(PoolGeometry g, Buffer x, Buffer y);

    /** Gradient of average pooling: {@code dx} overwritten. */
    void avgPoolBackward(PoolGeometry g, Buffer dy, Buffer dx);

    // ---- softmax and normalisation statistics -------------------------------------------

    /**
     * Softmax (or log-softmax when {@code log}) along the middle axis of a tensor viewed as
     * {@code [outer, dim, inner]}. Stable: subtracts the maximum first.
     */
    void softmax(Buffer x, int outer, int dim, int inner, boolean log, Buffer y);

    /** Gradient of {@link #softmax} given its output {@code y} and {@code dy}: {@code dx} overwritten. */
    void softmaxBackward(Buffer y, Buffer dy, int outer, int dim, int inner, boolean log, Buffer dx);

    /**
     * Per-channel mean and biased variance of {@code x} viewed as {@code [outer, channels, inner]}
     * (batch norm: N, C, H·W). Two passes, accumulated in double.
     */
    void moments(Buffer x, int outer, int channels, int inner, Buffer mean, Buffer var);

    /**
     * Per-channel sums over {@code [outer, channels, inner]}: {@code sums[c] = Σ x[·, c, ·]} and,
     * when {@code y} is given, {@code dots[c] = Σ x·y} over the same elements (batch norm's
     * backward needs both Σdy and Σdy·x). Results go to {@code sums} and {@code dots}, each
     * {@code [channels]}. This default composes {@link #reduce} and {@link #binary}; backends
     * override it with one pass, accumulated in double.
     */
    default void channelSums(Buffer x, Buffer y, int outer, int channels, int inner, Buffer sums, Buffer dots) {
        int[] view = {outer, channels, inner}, axes = {0, 2};
        reduce(ReduceOp.SUM, x, view, axes, sums);
        if (y != null) {
            Buffer product = Buffer.allocate(x.dtype(), outer * channels * inner);
            binary(BinaryOp.MUL, x, view, y, view, product, view);
            reduce(ReduceOp.SUM, product, view, axes, dots);
        }
    }

    /**
     * Per-channel affine map over {@code [outer, channels, inner]}:
     * {@code out = x·a[c] + z·p[c] + b[c]}, where {@code z} and {@code p} are both given or both
     * null and {@code b} may be null (no shift); {@code a}, {@code p} and {@code b} are
     * {@code [channels]}. Batch norm's forward ({@code x·a + b}) and its input gradient
     * ({@code dy·a + x·p + q}) are one call each. {@code out} must not alias an input. This
     * default composes {@link #binary} with temporaries; backends override it with one pass.
     */
    default void channelAffine(Buffer x, Buffer a, Buffer z, Buffer p, Buffer b, int outer, int channels, int inner,
                               Buffer out) {
        if ((z == null) != (p == null)) {
            throw new IllegalArgumentException("channelAffine: z and p must be both given or both null");
        }
        int[] view = {outer, channels, inner}, channel = {1, channels, 1};
        int n = outer * channels * inner;
        if (z == null && b == null) {
            binary(BinaryOp.MUL, x, view, a, channel, out, view);
            return;
        }
        Buffer sum = Buffer.allocate(x.dtype(), n);
        binary(BinaryOp.MUL, x, view, a, channel, sum, view);
        if (z != null) {
            Buffer zp = Buffer.allocate(x.dtype(), n);
            binary(BinaryOp.MUL, z, view, p, channel, zp, view);
            Buffer both = b == null ? out : Buffer.allocate(x.dtype(), n);
            binary(BinaryOp.ADD, sum, view, zp, view, both, view);
            sum = both;
        }
        if (b != null) {
            binary(BinaryOp.ADD, sum, view, b, channel, out, view);
        }
    }

    // ---- seeded random numbers ----------------------------------------------------------

    /**
     * {@code out[i] = lo + (hi-lo)·u(seed, offset+i)} with {@code u} from
     * {@link dev.faltung.kernel.random.CounterRandom}, so every backend draws the same numbers.
     */
    void uniform(long seed, long offset, double lo, double hi, Buffer out);

    /** {@code out[i] = mean + std·z(seed, offset+i)}, {@code z} standard normal from {@link dev.faltung.kernel.random.CounterRandom}. */
    void normal(long seed, long offset, double mean, double std, Buffer out);

    /** {@code out[i] = u(seed, offset+i) < p ? 1 : 0}: dropout keep-masks. */
    void bernoulli(long seed, long offset, double p, Buffer out);
}
