package dev.faltung.kernel.reference;

import dev.faltung.kernel.BinaryOp;
import dev.faltung.kernel.Buffer;
import dev.faltung.kernel.Kernels;
import dev.faltung.kernel.ReduceOp;
import dev.faltung.kernel.UnaryOp;
import dev.faltung.kernel.conv.ConvAlgorithm;
import dev.faltung.kernel.conv.ConvGeometry;
import dev.faltung.kernel.conv.Convolutions;
import dev.faltung.kernel.pool.PoolGeometry;
import dev.faltung.kernel.random.CounterRandom;
import java.util.Arrays;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * Plain scalar loops written for obviousness. Numerical policy, the same in every kernel:
 * <ul>
 *   <li>Every kernel computes in double, whatever the dtype; a float32 result is the double
 *       result rounded once when stored.</li>
 *   <li>Sums run in a fixed order (increasing index of the reduced dimension, or of the flat
 *       input for multi-axis reductions).</li>
 *   <li>No fused multiply-add: {@code a*b + c} is two roundings, as Java specifies; and
 *       transcendental functions come from {@link StrictMath}, so results are identical on
 *       every JVM and machine, run after run.</li>
 * </ul>
 */
public final class ReferenceKernels implements Kernels {

    // ---- matrix multiplication ----------------------------------------------------------

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha,
                     Buffer a, int offA, int lda, Buffer b, int offB, int ldb,
                     double beta, Buffer c, int offC, int ldc) {
        // Copy op(A) and op(B) once into row-major double matrices: only the region the call
        // uses, so batched calls with offsets stay linear in the data they touch.
        double[] av = new double[m * k];
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                av[i * k + p] = a.get(transA ? offA + p * lda + i : offA + i * lda + p);
            }
        }
        double[] bv = new double[k * n];
        for (int p = 0; p < k; p++) {
            for (int j = 0; j < n; j++) {
                bv[p * n + j] = b.get(transB ? offB + j * ldb + p : offB + p * ldb + j);
            }
        }
        double[] row = new double[n];
        for (int i = 0; i < m; i++) {
            java.util.Arrays.fill(row, 0.0);
            // Sum over p in increasing order for every C[i][j]; the j loop is contiguous.
            for (int p = 0; p < k; p++) {
                double aip = av[i * k + p];
                int bRow = p * n;
                for (int j = 0; j < n; j++) {
                    row[j] += aip * bv[bRow + j];
                }
            }
            int cRow = offC + i * ldc;
            for (int j = 0; j < n; j++) {
                double v = alpha * row[j];
                if (beta != 0.0) {
                    v += beta * c.get(cRow + j);
                }
                c.set(cRow + j, v);
            }
        }
    }

    // ---- convolution --------------------------------------------------------------------

    @Override
    public void im2col(ConvGeometry g, Buffer x, int image, Buffer cols) {
        int oh = g.outH(), ow = g.outW(), hw = oh * ow;
        int base = image * g.c() * g.h() * g.w();
        for (int ch = 0; ch < g.c(); ch++) {
            for (int kr = 0; kr < g.r(); kr++) {
                for (int ks = 0; ks < g.s(); ks++) {
                    int row = (ch * g.r() + kr) * g.s() + ks;
                    for (int oy = 0; oy < oh; oy++) {
                        int iy = oy * g.strideH() - g.padTop() + kr * g.dilationH();
                        for (int ox = 0; ox < ow; ox++) {
                            int ix = ox * g.strideW() - g.padLeft() + ks * g.dilationW();
                            double v = iy >= 0 && iy < g.h() && ix >= 0 && ix < g.w()
                                    ? x.get(base + (ch * g.h() + iy) * g.w() + ix) : 0.0;
                            cols.set(row * hw + oy * ow + ox, v);
                        }
                    }
                }
            }
        }
    }

    @Override
    public void col2im(ConvGeometry g, Buffer cols, Buffer dx, int image) {
        int oh = g.outH(), ow = g.outW(), hw = oh * ow;
        int base = image * g.c() * g.h() * g.w();
        for (int ch = 0; ch < g.c(); ch++) {
            for (int kr = 0; kr < g.r(); kr++) {
                for (int ks = 0; ks < g.s(); ks++) {
                    int row = (ch * g.r() + kr) * g.s() + ks;
                    for (int oy = 0; oy < oh; oy++) {
                        int iy = oy * g.strideH() - g.padTop() + kr * g.dilationH();
                        if (iy < 0 || iy >= g.h()) continue;
                        for (int ox = 0; ox < ow; ox++) {
                            int ix = ox * g.strideW() - g.padLeft() + ks * g.dilationW();
                            if (ix < 0 || ix >= g.w()) continue;
                            int at = base + (ch * g.h() + iy) * g.w() + ix;
                            dx.set(at, dx.get(at) + cols.get(row * hw + oy * ow + ox));
                        }
                    }
                }
            }
        }
    }

    @Override
    public void convForward(ConvAlgorithm algorithm, ConvGeometry g, Buffer x, Buffer w, Buffer bias, Buffer y) {
        Convolutions.forward(this, algorithm, g, x, w, bias, y);
    }

    @Override
    public void convBackwardData(ConvAlgorithm algorithm, ConvGeometry g, Buffer dy, Buffer w, Buffer dx) {
        Convolutions.backwardData(this, algorithm, g, dy, w, dx);
    }

    @Override
    public void convBackwardFilter(ConvAlgorithm algorithm, ConvGeometry g, Buffer x, Buffer dy, Buffer dw, Buffer dbias) {
        Convolutions.backwardFilter(this, algorithm, g, x, dy, dw, dbias);
    }

    // ---- element-wise -------------------------------------------------------------------

    @Override
    public void unary(UnaryOp op, double alpha, Buffer x, Buffer out) {
        if (x.size() != out.size()) {
            throw new IllegalArgumentException("unary " + op + ": x has " + x.size()
                    + " elements but out has " + out.size());
        }
        DoubleUnaryOperator f = unaryFunction(op, alpha);
        int n = x.size();
        for (int i = 0; i < n; i++) {
            out.set(i, f.applyAsDouble(x.get(i)));
        }
    }

    /**
     * The formula of each {@link UnaryOp}, chosen once per call. NOTE: SIGN maps NaN to NaN and
     * -0 to -0 ({@link Math#signum}); RELU, MAX_SCALAR and MIN_SCALAR propagate NaN.
     */
    static DoubleUnaryOperator unaryFunction(UnaryOp op, double alpha) {
        return switch (op) {
            case NEG -> v -> -v;
            case ABS -> Math::abs;
            case EXP -> StrictMath::exp;
            case LOG -> StrictMath::log;
            case SQRT -> StrictMath::sqrt;
            case SQUARE -> v -> v * v;
            case RECIPROCAL -> v -> 1.0 / v;
            case TANH -> StrictMath::tanh;
            case SIGMOID -> ReferenceKernels::sigmoid;
            case RELU -> v -> Math.max(v, 0.0);
            case LEAKY_RELU -> v -> v > 0 ? v : alpha * v;
            case ELU -> v -> v > 0 ? v : alpha * StrictMath.expm1(v); // e^x - 1 without cancellation near 0
            case SOFTPLUS -> ReferenceKernels::softplus;
            case POW -> v -> StrictMath.pow(v, alpha);
            case SCALE -> v -> alpha * v;
            case ADD_SCALAR -> v -> v + alpha;
            case MAX_SCALAR -> v -> Math.max(v, alpha);
            case MIN_SCALAR -> v -> Math.min(v, alpha);
            case GREATER_SCALAR -> v -> v > alpha ? 1.0 : 0.0;
            case SIGN -> Math::signum;
        };
    }

    // σ(x) = 1/(1+e^-x) for x ≥ 0, e^x/(1+e^x) for x < 0: the exponent is never positive, so
    // e^… never overflows, and σ(-x) = 1 - σ(x) holds to rounding.
    static double sigmoid(double v) {
        if (v >= 0) {
            return 1.0 / (1.0 + StrictMath.exp(-v));
        }
        double e = StrictMath.exp(v);
        return e / (1.0 + e);
    }

    // ln(1+e^x) = max(x,0) + ln(1+e^-|x|): the exponent is never positive.
    static double softplus(double v) {
        return Math.max(v, 0.0) + StrictMath.log1p(StrictMath.exp(-Math.abs(v)));
    }

    @Override
    public void binary(BinaryOp op, Buffer a, int[] aShape, Buffer b, int[] bShape, Buffer out, int[] outShape) {
        String name = "binary " + op;
        checkBroadcast(name, aShape, bShape, outShape);
        requireAtLeast(name, "a", a, elementCount(name, aShape), aShape);
        requireAtLeast(name, "b", b, elementCount(name, bShape), bShape);
        int total = elementCount(name, outShape);
        requireAtLeast(name, "out", out, total, outShape);
        DoubleBinaryOperator f = binaryFunction(op);
        if (total == 0) {
            return;
        }
        if (Arrays.equals(aShape, outShape) && Arrays.equals(bShape, outShape)) {
            for (int i = 0; i < total; i++) {
                out.set(i, f.applyAsDouble(a.get(i), b.get(i)));
            }
            return;
        }
        // Walk the output in row-major order; a broadcast axis has stride 0 in its operand.
        int rank = outShape.length;
        int[] as = broadcastStrides(aShape, outShape);
        int[] bs = broadcastStrides(bShape, outShape);
        int last = rank - 1;
        int inner = outShape[last], aStep = as[last], bStep = bs[last];
        int[] idx = new int[rank];
        int ai = 0, bi = 0;
        for (int o = 0; o < total; o += inner) {
            for (int j = 0; j < inner; j++) {
                out.set(o + j, f.applyAsDouble(a.get(ai + j * aStep), b.get(bi + j * bStep)));
            }
            for (int d = last - 1; d >= 0; d--) {
                ai += as[d];
                bi += bs[d];
                if (++idx[d] < outShape[d]) {
                    break;
                }
                ai -= as[d] * outShape[d];
                bi -= bs[d] * outShape[d];
                idx[d] = 0;
            }
        }
    }

    /** The formula of each {@link BinaryOp}; division by zero and POW follow IEEE 754 / {@link StrictMath#pow}. */
    static DoubleBinaryOperator binaryFunction(BinaryOp op) {
        return switch (op) {
            case ADD -> (p, q) -> p + q;
            case SUB -> (p, q) -> p - q;
            case MUL -> (p, q) -> p * q;
            case DIV -> (p, q) -> p / q;
            case POW -> StrictMath::pow;
            case MAX -> Math::max;
            case MIN -> Math::min;
            case GREATER -> (p, q) -> p > q ? 1.0 : 0.0;
            case EQUAL -> (p, q) -> p == q ? 1.0 : 0.0;
        };
    }

    /** Throws unless {@code outShape} is the NumPy broadcast of the two operand shapes. */
    private static void checkBroadcast(String name, int[] aShape, int[] bShape, int[] outShape) {
        int rank = outShape.length;
        boolean ok = aShape.length <= rank && bShape.length <= rank;
        for (int d = 0; ok && d < rank; d++) {
            int ea = extentAligned(aShape, d, rank), eb = extentAligned(bShape, d, rank);
            int expected = ea == 1 ? eb : eb == 1 ? ea : ea == eb ? ea : -1;
            ok = expected >= 0 && outShape[d] == expected;
        }
        if (!ok) {
            throw new IllegalArgumentException(name + ": out shape " + Arrays.toString(outShape)
                    + " is not the broadcast of a " + Arrays.toString(aShape) + " and b " + Arrays.toString(bShape));
        }
    }

    // Extent of shape's axis aligned (from the right) with axis d of a rank-`rank` shape; 1 if absent.
    private static int extentAligned(int[] shape, int d, int rank) {
        int sd = d - (rank - shape.length);
        return sd < 0 ? 1 : shape[sd];
    }

    // Row-major strides of `shape` seen through `outShape`: 0 for missing and broadcast axes.
    private static int[] broadcastStrides(int[] shape, int[] outShape) {
        int rank = outShape.length, shift = rank - shape.length;
        int[] strides = new int[rank];
        int stride = 1;
        for (int sd = shape.length - 1; sd >= 0; sd--) {
            strides[sd + shift] = shape[sd] == 1 ? 0 : stride;
            stride *= shape[sd];
        }
        return strides;
    }

    // ---- reductions ---------------------------------------------------------------------

    @Override
    public void reduce(ReduceOp op, Buffer x, int[] shape, int[] axes, Buffer out) {
        String name = "reduce " + op;
        int rank = shape.length;
        int[] kept = shape.clone();
        for (int k = 0; k < axes.length; k++) {
            int ax = axes[k];
            if (ax < 0 || ax >= rank || (k > 0 && ax <= axes[k - 1])) {
                throw new IllegalArgumentException(name + ": axes " + Arrays.toString(axes)
                        + " must be sorted, distinct and within the rank of shape " + Arrays.toString(shape));
            }
            kept[ax] = 1;
        }
        int total = elementCount(name, shape);
        int outSize = elementCount(name, kept);
        requireAtLeast(name, "x", x, total, shape);
        requireAtLeast(name, "out", out, outSize, kept);
        if (outSize == 0) {
            return;
        }
        if (total == 0) { // a reduced axis is empty
            if (op != ReduceOp.SUM) {
                throw new IllegalArgumentException(name + ": shape " + Arrays.toString(shape) + " is empty along axes "
                        + Arrays.toString(axes) + ", and " + op + " of nothing is undefined");
            }
            fill(out, 0, outSize, 0.0);
            return;
        }
        DoubleBinaryOperator combine = switch (op) {
            case SUM -> (s, v) -> s + v;
            case MAX -> Math::max;
            case MIN -> Math::min;
        };
        double[] acc = new double[outSize];
        Arrays.fill(acc, switch (op) {
            case SUM -> 0.0;
            case MAX -> Double.NEGATIVE_INFINITY;
            case MIN -> Double.POSITIVE_INFINITY;
        });
        // Visit x in increasing linear index (the documented order); `o` follows in the kept-dims layout.
        int[] os = rowMajorStrides(kept);
        for (int ax : axes) {
            os[ax] = 0;
        }
        int[] idx = new int[rank];
        int o = 0;
        for (int i = 0; i < total; i++) {
            acc[o] = combine.applyAsDouble(acc[o], x.get(i));
            for (int d = rank - 1; d >= 0; d--) {
                o += os[d];
                if (++idx[d] < shape[d]) {
                    break;
                }
                o -= os[d] * shape[d];
                idx[d] = 0;
            }
        }
        for (int j = 0; j < outSize; j++) {
            out.set(j, acc[j]);
        }
    }

    /** NOTE: a NaN counts as the maximum (the first NaN wins), matching MAX's NaN propagation. */
    @Override
    public void argmax(Buffer x, int outer, int dim, int inner, int[] out) {
        long rows = (long) outer * inner;
        if (outer < 0 || dim < 0 || inner < 0 || (dim == 0 && rows > 0)) {
            throw new IllegalArgumentException("argmax: [outer, dim, inner] = [" + outer + ", " + dim + ", " + inner
                    + "] must be non-negative, with dim > 0 when there is anything to index");
        }
        requireAtLeast("argmax", "x", x, rows * dim, new int[] {outer, dim, inner});
        if (out.length < rows) {
            throw new IllegalArgumentException("argmax: out holds " + out.length + " indices but [outer, inner] = ["
                    + outer + ", " + inner + "] needs " + rows);
        }
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * dim * inner + i;
                double best = x.get(base);
                int at = 0;
                for (int d = 1; d < dim; d++) {
                    double v = x.get(base + d * inner);
                    if (v > best || (Double.isNaN(v) && !Double.isNaN(best))) {
                        best = v;
                        at = d;
                    }
                }
                out[o * inner + i] = at;
            }
        }
    }

    // ---- copies -------------------------------------------------------------------------

    /** NOTE: when src and dst are the same buffer, the regions must not overlap. */
    @Override
    public void copy(Buffer src, int srcOffset, int[] srcStrides, Buffer dst, int dstOffset, int[] dstStrides, int[] shape) {
        int rank = shape.length;
        if (srcStrides.length != rank || dstStrides.length != rank) {
            throw new IllegalArgumentException("copy: shape " + Arrays.toString(shape) + " has rank " + rank
                    + " but src strides are " + Arrays.toString(srcStrides) + " and dst strides " + Arrays.toString(dstStrides));
        }
        int total = elementCount("copy", shape);
        if (total == 0) {
            return;
        }
        requireReach("src", src, srcOffset, srcStrides, shape);
        requireReach("dst", dst, dstOffset, dstStrides, shape);
        if (rank == 0) {
            dst.set(dstOffset, src.get(srcOffset));
            return;
        }
        int last = rank - 1, n = shape[last];
        int[] idx = new int[rank];
        int s = srcOffset, d = dstOffset;
        for (int row = 0; row < total; row += n) {
            copyRow(src, s, srcStrides[last], dst, d, dstStrides[last], n);
            for (int k = last - 1; k >= 0; k--) {
                s += srcStrides[k];
                d += dstStrides[k];
                if (++idx[k] < shape[k]) {
                    break;
                }
                s -= srcStrides[k] * shape[k];
                d -= dstStrides[k] * shape[k];
                idx[k] = 0;
            }
        }
    }

    // Same-dtype rows copy array to array (bit-exact, NaN payloads included); mixed rows convert
    // through double, which is exact float→double and one rounding double→float.
    private static void copyRow(Buffer src, int s, int ss, Buffer dst, int d, int ds, int n) {
        if (src instanceof Buffer.F32(float[] from) && dst instanceof Buffer.F32(float[] to)) {
            for (int j = 0; j < n; j++) {
                to[d + j * ds] = from[s + j * ss];
            }
        } else if (src instanceof Buffer.F64(double[] from) && dst instanceof Buffer.F64(double[] to)) {
            for (int j = 0; j < n; j++) {
                to[d + j * ds] = from[s + j * ss];
            }
        } else {
            for (int j = 0; j < n; j++) {
                dst.set(d + j * ds, src.get(s + j * ss));
            }
        }
    }

    // Throws unless every index offset + idx·strides of `shape` (non-empty) lies inside `b`.
    private static void requireReach(String arg, Buffer b, int offset, int[] strides, int[] shape) {
        long lo = offset, hi = offset;
        for (int k = 0; k < shape.length; k++) {
            long span = (long) (shape[k] - 1) * strides[k];
            if (span > 0) {
                hi += span;
            } else {
                lo += span;
            }
        }
        if (lo < 0 || hi >= b.size()) {
            throw new IllegalArgumentException("copy: " + arg + " offset " + offset + " with strides "
                    + Arrays.toString(strides) + " over shape " + Arrays.toString(shape) + " reaches [" + lo + ", "
                    + hi + "], outside the buffer of " + b.size() + " elements");
        }
    }

    @Override
    public void fill(Buffer dst, int offset, int length, double value) {
        if (offset < 0 || length < 0 || (long) offset + length > dst.size()) {
            throw new IllegalArgumentException("fill: range [" + offset + ", " + offset + "+" + length
                    + ") is outside the buffer of " + dst.size() + " elements");
        }
        switch (dst) {
            case Buffer.F32 f -> Arrays.fill(f.data(), offset, offset + length, (float) value);
            case Buffer.F64 f -> Arrays.fill(f.data(), offset, offset + length, value);
        }
    }

    // ---- pooling ------------------------------------------------------------------------
    // Window (oy, ox) covers rows [oy·strideH - padH, … + kernelH) and likewise for columns;
    // the loops clip it to the image, which for max pooling is the same as padding with -inf.

    @Override
    public void maxPoolForward(PoolGeometry g, Buffer x, Buffer y, int[] argmax) {
        requirePool("maxPoolForward", g, "x", x, g.inputSize(), "y", y, g.outputSize());
        if (argmax != null && argmax.length < g.outputSize()) {
            throw new IllegalArgumentException("maxPoolForward: argmax holds " + argmax.length + " indices but "
                    + g + " has " + g.outputSize() + " outputs");
        }
        int h = g.h(), w = g.w(), oh = g.outH(), ow = g.outW();
        for (int p = 0; p < g.n() * g.c(); p++) {
            int xBase = p * h * w, yBase = p * oh * ow;
            for (int oy = 0; oy < oh; oy++) {
                int top = oy * g.strideH() - g.padH();
                int y0 = Math.max(top, 0), y1 = Math.min(top + g.kernelH(), h);
                for (int ox = 0; ox < ow; ox++) {
                    int left = ox * g.strideW() - g.padW();
                    int x0 = Math.max(left, 0), x1 = Math.min(left + g.kernelW(), w);
                    double best = Double.NEGATIVE_INFINITY;
                    int at = -1;
                    for (int iy = y0; iy < y1; iy++) {
                        for (int ix = x0; ix < x1; ix++) {
                            int i = xBase + iy * w + ix;
                            double v = x.get(i);
                            // Strictly greater keeps the first of equal maxima; the first NaN wins.
                            if (at < 0 || v > best || (Double.isNaN(v) && !Double.isNaN(best))) {
                                best = v;
                                at = i;
                            }
                        }
                    }
                    y.set(yBase + oy * ow + ox, best);
                    if (argmax != null) {
                        argmax[yBase + oy * ow + ox] = at;
                    }
                }
            }
        }
    }

    @Override
    public void maxPoolBackward(PoolGeometry g, Buffer dy, int[] argmax, Buffer dx) {
        requirePool("maxPoolBackward", g, "dx", dx, g.inputSize(), "dy", dy, g.outputSize());
        if (argmax.length < g.outputSize()) {
            throw new IllegalArgumentException("maxPoolBackward: argmax holds " + argmax.length + " indices but "
                    + g + " has " + g.outputSize() + " outputs");
        }
        int plane = g.h() * g.w(), outPlane = g.outH() * g.outW();
        double[] acc = new double[plane]; // overlapping windows add up in double, rounded once
        for (int p = 0; p < g.n() * g.c(); p++) {
            int xBase = p * plane, yBase = p * outPlane;
            Arrays.fill(acc, 0.0);
            for (int j = 0; j < outPlane; j++) {
                int local = argmax[yBase + j] - xBase;
                if (local < 0 || local >= plane) {
                    throw new IllegalArgumentException("maxPoolBackward: argmax[" + (yBase + j) + "] = "
                            + argmax[yBase + j] + " is outside its image plane [" + xBase + ", " + (xBase + plane)
                            + ") of " + g);
                }
                acc[local] += dy.get(yBase + j);
            }
            for (int i = 0; i < plane; i++) {
                dx.set(xBase + i, acc[i]);
            }
        }
    }

    @Override
    public void avgPoolForward(PoolGeometry g, Buffer x, Buffer y) {
        requirePool("avgPoolForward", g, "x", x, g.inputSize(), "y", y, g.outputSize());
        int h = g.h(), w = g.w(), oh = g.outH(), ow = g.outW();
        for (int p = 0; p < g.n() * g.c(); p++) {
            int xBase = p * h * w, yBase = p * oh * ow;
            for (int oy = 0; oy < oh; oy++) {
                int top = oy * g.strideH() - g.padH();
                int bottom = Math.min(top + g.kernelH(), h + g.padH());
                int y0 = Math.max(top, 0), y1 = Math.min(bottom, h);
                for (int ox = 0; ox < ow; ox++) {
                    int left = ox * g.strideW() - g.padW();
                    int right = Math.min(left + g.kernelW(), w + g.padW());
                    int x0 = Math.max(left, 0), x1 = Math.min(right, w);
                    double sum = 0.0;
                    for (int iy = y0; iy < y1; iy++) {
                        for (int ix = x0; ix < x1; ix++) {
                            sum += x.get(xBase + iy * w + ix);
                        }
                    }
                    y.set(yBase + oy * ow + ox, sum / avgDivisor(g, top, bottom, left, right, y0, y1, x0, x1));
                }
            }
        }
    }

    @Override
    public void avgPoolBackward(PoolGeometry g, Buffer dy, Buffer dx) {
        requirePool("avgPoolBackward", g, "dx", dx, g.inputSize(), "dy", dy, g.outputSize());
        int h = g.h(), w = g.w(), oh = g.outH(), ow = g.outW();
        double[] acc = new double[h * w];
        for (int p = 0; p < g.n() * g.c(); p++) {
            int xBase = p * h * w, yBase = p * oh * ow;
            Arrays.fill(acc, 0.0);
            for (int oy = 0; oy < oh; oy++) {
                int top = oy * g.strideH() - g.padH();
                int bottom = Math.min(top + g.kernelH(), h + g.padH());
                int y0 = Math.max(top, 0), y1 = Math.min(bottom, h);
                for (int ox = 0; ox < ow; ox++) {
                    int left = ox * g.strideW() - g.padW();
                    int right = Math.min(left + g.kernelW(), w + g.padW());
                    int x0 = Math.max(left, 0), x1 = Math.min(right, w);
                    double share = dy.get(yBase + oy * ow + ox) / avgDivisor(g, top, bottom, left, right, y0, y1, x0, x1);
                    for (int iy = y0; iy < y1; iy++) {
                        for (int ix = x0; ix < x1; ix++) {
                            acc[iy * w + ix] += share;
                        }
                    }
                }
            }
            for (int i = 0; i < h * w; i++) {
                dx.set(xBase + i, acc[i]);
            }
        }
    }

    // PyTorch's divisor: with countIncludePad, the window clipped to the padded input (a ceil-mode
    // window can hang past it); otherwise the window clipped to the image.
    private static int avgDivisor(PoolGeometry g, int top, int bottom, int left, int right,
                                  int y0, int y1, int x0, int x1) {
        return g.countIncludePad() ? (bottom - top) * (right - left) : (y1 - y0) * (x1 - x0);
    }

    private static void requirePool(String op, PoolGeometry g, String inName, Buffer in, int inSize,
                                    String outName, Buffer out, int outSize) {
        if (in.size() < inSize || out.size() < outSize) {
            throw new IllegalArgumentException(op + ": " + g + " needs " + inName + " of " + inSize + " and "
                    + outName + " of " + outSize + " elements, got " + in.size() + " and " + out.size());
        }
    }

    // ---- softmax and normalisation statistics -------------------------------------------

    @Override
    public void softmax(Buffer x, int outer, int dim, int inner, boolean log, Buffer y) {
        String name = log ? "logSoftmax" : "softmax";
        int[] view = {outer, dim, inner};
        int total = elementCount(name, view);
        requireAtLeast(name, "x", x, total, view);
        requireAtLeast(name, "y", y, total, view);
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * dim * inner + i;
                double max = Double.NEGATIVE_INFINITY;
                for (int d = 0; d < dim; d++) {
                    max = Math.max(max, x.get(base + d * inner));
                }
                // softmax(x) = e^(x-m) / Σ e^(x-m) with m = max x: every exponent is ≤ 0.
                double sum = 0.0;
                for (int d = 0; d < dim; d++) {
                    sum += StrictMath.exp(x.get(base + d * inner) - max);
                }
                // Each element is read before it is written, so y may alias x.
                if (log) {
                    double logSum = StrictMath.log(sum);
                    for (int d = 0; d < dim; d++) {
                        int at = base + d * inner;
                        y.set(at, (x.get(at) - max) - logSum);
                    }
                } else {
                    for (int d = 0; d < dim; d++) {
                        int at = base + d * inner;
                        y.set(at, StrictMath.exp(x.get(at) - max) / sum);
                    }
                }
            }
        }
    }

    @Override
    public void softmaxBackward(Buffer y, Buffer dy, int outer, int dim, int inner, boolean log, Buffer dx) {
        String name = log ? "logSoftmaxBackward" : "softmaxBackward";
        int[] view = {outer, dim, inner};
        int total = elementCount(name, view);
        requireAtLeast(name, "y", y, total, view);
        requireAtLeast(name, "dy", dy, total, view);
        requireAtLeast(name, "dx", dx, total, view);
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * dim * inner + i;
                double s = 0.0;
                if (log) {
                    // y = x - lse(x): dx_j = dy_j - e^(y_j) Σ_k dy_k
                    for (int d = 0; d < dim; d++) {
                        s += dy.get(base + d * inner);
                    }
                    for (int d = 0; d < dim; d++) {
                        int at = base + d * inner;
                        dx.set(at, dy.get(at) - StrictMath.exp(y.get(at)) * s);
                    }
                } else {
                    // ∂y_k/∂x_j = y_k(δ_kj - y_j): dx_j = y_j (dy_j - Σ_k dy_k y_k)
                    for (int d = 0; d < dim; d++) {
                        int at = base + d * inner;
                        s += dy.get(at) * y.get(at);
                    }
                    for (int d = 0; d < dim; d++) {
                        int at = base + d * inner;
                        dx.set(at, y.get(at) * (dy.get(at) - s));
                    }
                }
            }
        }
    }

    @Override
    public void moments(Buffer x, int outer, int channels, int inner, Buffer mean, Buffer var) {
        int[] view = {outer, channels, inner};
        requireAtLeast("moments", "x", x, elementCount("moments", view), view);
        requireAtLeast("moments", "mean", mean, channels, new int[] {channels});
        requireAtLeast("moments", "var", var, channels, new int[] {channels});
        double count = (double) outer * inner; // 0 gives NaN statistics, as 0/0 should
        for (int c = 0; c < channels; c++) {
            double sum = 0.0;
            for (int o = 0; o < outer; o++) {
                int base = (o * channels + c) * inner;
                for (int i = 0; i < inner; i++) {
                    sum += x.get(base + i);
                }
            }
            double m = sum / count;
            // Second pass around the mean: Σ(x-m)² does not cancel catastrophically as Σx² - n·m² can.
            double squares = 0.0;
            for (int o = 0; o < outer; o++) {
                int base = (o * channels + c) * inner;
                for (int i = 0; i < inner; i++) {
                    double dev = x.get(base + i) - m;
                    squares += dev * dev;
                }
            }
            mean.set(c, m);
            var.set(c, squares / count);
        }
    }

    @Override
    public void channelSums(Buffer x, Buffer y, int outer, int channels, int inner, Buffer sums, Buffer dots) {
        int[] view = {outer, channels, inner};
        requireAtLeast("channelSums", "x", x, elementCount("channelSums", view), view);
        requireAtLeast("channelSums", "sums", sums, channels, new int[] {channels});
        if (y != null) {
            requireAtLeast("channelSums", "y", y, elementCount("channelSums", view), view);
            requireAtLeast("channelSums", "dots", dots, channels, new int[] {channels});
        }
        for (int c = 0; c < channels; c++) {
            double sum = 0.0, dot = 0.0;
            for (int o = 0; o < outer; o++) {
                int base = (o * channels + c) * inner;
                for (int i = 0; i < inner; i++) {
                    double v = x.get(base + i);
                    sum += v;
                    if (y != null) {
                        dot += v * y.get(base + i);
                    }
                }
            }
            sums.set(c, sum);
            if (y != null) {
                dots.set(c, dot);
            }
        }
    }

    @Override
    public void channelAffine(Buffer x, Buffer a, Buffer z, Buffer p, Buffer b, int outer, int channels, int inner,
                              Buffer out) {
        if ((z == null) != (p == null)) {
            throw new IllegalArgumentException("channelAffine: z and p must be both given or both null");
        }
        int[] view = {outer, channels, inner}, channel = {channels};
        int total = elementCount("channelAffine", view);
        requireAtLeast("channelAffine", "x", x, total, view);
        requireAtLeast("channelAffine", "out", out, total, view);
        requireAtLeast("channelAffine", "a", a, channels, channel);
        if (z != null) {
            requireAtLeast("channelAffine", "z", z, total, view);
            requireAtLeast("channelAffine", "p", p, channels, channel);
        }
        if (b != null) {
            requireAtLeast("channelAffine", "b", b, channels, channel);
        }
        for (int o = 0; o < outer; o++) {
            for (int c = 0; c < channels; c++) {
                double ac = a.get(c), pc = z == null ? 0 : p.get(c), bc = b == null ? 0 : b.get(c);
                int base = (o * channels + c) * inner;
                for (int i = 0; i < inner; i++) {
                    double v = x.get(base + i) * ac + bc;
                    if (z != null) {
                        v += z.get(base + i) * pc;
                    }
                    out.set(base + i, v);
                }
            }
        }
    }

    // ---- seeded random numbers ----------------------------------------------------------

    @Override
    public void uniform(long seed, long offset, double lo, double hi, Buffer out) {
        double range = hi - lo;
        for (int i = 0; i < out.size(); i++) {
            out.set(i, lo + range * CounterRandom.uniform(seed, offset + i));
        }
    }

    @Override
    public void normal(long seed, long offset, double mean, double std, Buffer out) {
        for (int i = 0; i < out.size(); i++) {
            out.set(i, mean + std * CounterRandom.normal(seed, offset + i));
        }
    }

    @Override
    public void bernoulli(long seed, long offset, double p, Buffer out) {
        for (int i = 0; i < out.size(); i++) {
            out.set(i, CounterRandom.uniform(seed, offset + i) < p ? 1.0 : 0.0);
        }
    }

    // ---- shared checks ------------------------------------------------------------------

    // Number of elements of `shape`; throws on a negative extent or an int overflow.
    private static int elementCount(String op, int[] shape) {
        long n = 1;
        for (int e : shape) {
            if (e < 0) {
                throw new IllegalArgumentException(op + ": negative extent in shape " + Arrays.toString(shape));
            }
            n *= e;
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(op + ": shape " + Arrays.toString(shape) + " has more than 2^31-1 elements");
            }
        }
        return (int) n;
    }

    private static int[] rowMajorStrides(int[] shape) {
        int[] strides = new int[shape.length];
        int stride = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            strides[d] = stride;
            stride *= shape[d];
        }
        return strides;
    }

    private static void requireAtLeast(String op, String arg, Buffer b, long needed, int[] shape) {
        if (b.size() < needed) {
            throw new IllegalArgumentException(op + ": " + arg + " holds " + b.size() + " elements but shape "
                    + Arrays.toString(shape) + " needs " + needed);
        }
    }
}
