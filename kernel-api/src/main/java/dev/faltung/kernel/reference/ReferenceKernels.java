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

    // ---- to be written (reference backend task) -----------------------------------------

    @Override public void unary(UnaryOp op, double alpha, Buffer x, Buffer out) { throw new UnsupportedOperationException("TODO"); }
    @Override public void binary(BinaryOp op, Buffer a, int[] aShape, Buffer b, int[] bShape, Buffer out, int[] outShape) { throw new UnsupportedOperationException("TODO"); }
    @Override public void reduce(ReduceOp op, Buffer x, int[] shape, int[] axes, Buffer out) { throw new UnsupportedOperationException("TODO"); }
    @Override public void argmax(Buffer x, int outer, int dim, int inner, int[] out) { throw new UnsupportedOperationException("TODO"); }
    @Override public void copy(Buffer src, int srcOffset, int[] srcStrides, Buffer dst, int dstOffset, int[] dstStrides, int[] shape) { throw new UnsupportedOperationException("TODO"); }
    @Override public void fill(Buffer dst, int offset, int length, double value) { throw new UnsupportedOperationException("TODO"); }
    @Override public void maxPoolForward(PoolGeometry g, Buffer x, Buffer y, int[] argmax) { throw new UnsupportedOperationException("TODO"); }
    @Override public void maxPoolBackward(PoolGeometry g, Buffer dy, int[] argmax, Buffer dx) { throw new UnsupportedOperationException("TODO"); }
    @Override public void avgPoolForward(PoolGeometry g, Buffer x, Buffer y) { throw new UnsupportedOperationException("TODO"); }
    @Override public void avgPoolBackward(PoolGeometry g, Buffer dy, Buffer dx) { throw new UnsupportedOperationException("TODO"); }
    @Override public void softmax(Buffer x, int outer, int dim, int inner, boolean log, Buffer y) { throw new UnsupportedOperationException("TODO"); }
    @Override public void softmaxBackward(Buffer y, Buffer dy, int outer, int dim, int inner, boolean log, Buffer dx) { throw new UnsupportedOperationException("TODO"); }
    @Override public void moments(Buffer x, int outer, int channels, int inner, Buffer mean, Buffer var) { throw new UnsupportedOperationException("TODO"); }
    @Override public void uniform(long seed, long offset, double lo, double hi, Buffer out) { throw new UnsupportedOperationException("TODO"); }
    @Override public void normal(long seed, long offset, double mean, double std, Buffer out) { throw new UnsupportedOperationException("TODO"); }
    @Override public void bernoulli(long seed, long offset, double p, Buffer out) { throw new UnsupportedOperationException("TODO"); }
}
