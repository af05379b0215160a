package dev.faltung.kernel.simd;

import dev.faltung.kernel.ReduceOp;
import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * float32 reductions, softmax and batch statistics. Sums accumulate in double, as in the
 * reference: float lanes are widened with {@code F2D} and lane partial sums are combined
 * sequentially at the end (never {@code reduceLanes(ADD)}, whose order the Vector API leaves
 * open), so every result is reproducible run to run. Max and min follow {@link Math#max}
 * (NaN propagates). Softmax computes {@code x − max} and the exponential in float, so its
 * relative error grows with {@code |x − max|}: about {@code (|x − max| + 4)·2^-24}.
 */
final class FloatReductions {

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final VectorSpecies<Double> D = VectorSpecies.of(double.class, S.vectorShape());
    private static final int L = S.length();

    private FloatReductions() {
    }

    // ---- reduce -----------------------------------------------------------------------

    static void reduce(ReduceOp op, float[] x, int[] shape, int[] axes, float[] out) {
        int rank = shape.length;
        boolean[] reduced = new boolean[rank];
        for (int k = 0; k < axes.length; k++) {
            int ax = axes[k];
            if (ax < 0 || ax >= rank || (k > 0 && ax <= axes[k - 1])) {
                throw new IllegalArgumentException("reduce " + op + ": axes " + Arrays.toString(axes)
                        + " must be sorted, distinct and within the rank of shape " + Arrays.toString(shape));
            }
            reduced[ax] = true;
        }
        int outSize = 1;
        for (int d = 0; d < rank; d++) {
            if (!reduced[d]) {
                outSize *= shape[d];
            }
        }
        int total = Shapes.size(shape);
        if (outSize == 0) {
            return;
        }
        if (total == 0 && op != ReduceOp.SUM) {
            throw new IllegalArgumentException("reduce " + op + ": shape " + Arrays.toString(shape)
                    + " is empty along axes " + Arrays.toString(axes) + ", and " + op + " of nothing is undefined");
        }
        // Coalesce runs of dimensions with the same status; extents of 1 vanish.
        int[] ext = new int[rank];
        boolean[] red = new boolean[rank];
        int dims = 0;
        for (int d = 0; d < rank; d++) {
            if (shape[d] == 1) {
                continue;
            }
            if (dims > 0 && red[dims - 1] == reduced[d]) {
                ext[dims - 1] *= shape[d];
            } else {
                ext[dims] = shape[d];
                red[dims] = reduced[d];
                dims++;
            }
        }
        if (op == ReduceOp.SUM) {
            double[] acc = new double[outSize];
            if (total > 0) {
                walk(x, ext, red, dims, acc, null);
            }
            for (int i = 0; i < outSize; i++) {
                out[i] = (float) acc[i];
            }
        } else {
            float init = op == ReduceOp.MAX ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
            Arrays.fill(out, 0, outSize, init);
            if (total > 0) {
                walk(x, ext, red, dims, null, new Extreme(op == ReduceOp.MAX, out));
            }
        }
    }

    /** Where max/min results go; the flag picks which. */
    private record Extreme(boolean max, float[] out) {
    }

    /**
     * Visits x in increasing linear order as runs of its last coalesced dimension, folding each
     * run into the kept-dims output: element-wise if that dimension is kept, to one value if not.
     */
    private static void walk(float[] x, int[] ext, boolean[] red, int dims, double[] sum, Extreme ext2) {
        if (dims == 0) {
            if (sum != null) {
                sum[0] += x[0];
            } else {
                ext2.out[0] = fold(ext2.max, ext2.out[0], x[0]);
            }
            return;
        }
        int n = ext[dims - 1];
        boolean lastReduced = red[dims - 1];
        int rows = 1;
        for (int d = 0; d < dims - 1; d++) {
            rows *= ext[d];
        }
        // Output strides of the outer dimensions (0 for reduced ones).
        int[] outStride = new int[dims];
        int s = lastReduced ? 1 : n;
        for (int d = dims - 2; d >= 0; d--) {
            outStride[d] = red[d] ? 0 : s;
            if (!red[d]) {
                s *= ext[d];
            }
        }
        int[] idx = new int[Math.max(dims - 1, 1)];
        int o = 0;
        for (int row = 0, xi = 0; row < rows; row++, xi += n) {
            if (sum != null) {
                if (lastReduced) {
                    sum[o] += sum(x, xi, n);
                } else {
                    addRow(x, xi, sum, o, n);
                }
            } else if (lastReduced) {
                ext2.out[o] = fold(ext2.max, ext2.out[o], extreme(ext2.max, x, xi, n));
            } else {
                extremeRow(ext2.max, x, xi, ext2.out, o, n);
            }
            for (int d = dims - 2; d >= 0; d--) {
                o += outStride[d];
                if (++idx[d] < ext[d]) {
                    break;
                }
                idx[d] = 0;
                o -= outStride[d] * ext[d];
            }
        }
    }

    private static float fold(boolean max, float a, float b) {
        return max ? Math.max(a, b) : Math.min(a, b);
    }

    /** {@code acc[o..o+n) += x[xi..xi+n)} in double: each output sums in x's order, as the reference does. */
    private static void addRow(float[] x, int xi, double[] acc, int o, int n) {
        int dl = D.length();
        int bound = n - n % L;
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xi + i);
            DoubleVector lo = (DoubleVector) v.convertShape(VectorOperators.F2D, D, 0);
            DoubleVector hi = (DoubleVector) v.convertShape(VectorOperators.F2D, D, 1);
            DoubleVector.fromArray(D, acc, o + i).add(lo).intoArray(acc, o + i);
            DoubleVector.fromArray(D, acc, o + i + dl).add(hi).intoArray(acc, o + i + dl);
        }
        for (; i < n; i++) {
            acc[o + i] += x[xi + i];
        }
    }

    /** Sum of {@code x[xi..xi+n)} in double: lane-wise partial sums, combined in lane order. */
    static double sum(float[] x, int xi, int n) {
        DoubleVector lo = DoubleVector.zero(D);
        DoubleVector hi = lo;
        int bound = n - n % L;
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xi + i);
            lo = lo.add((DoubleVector) v.convertShape(VectorOperators.F2D, D, 0));
            hi = hi.add((DoubleVector) v.convertShape(VectorOperators.F2D, D, 1));
        }
        double s = lanes(lo.add(hi));
        for (; i < n; i++) {
            s += x[xi + i];
        }
        return s;
    }

    /** {@code Σ a[i]·b[i]} in double, same scheme as {@link #sum}. */
    static double dot(float[] a, int ai, float[] b, int bi, int n) {
        DoubleVector lo = DoubleVector.zero(D);
        DoubleVector hi = lo;
        int bound = n - n % L;
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector va = FloatVector.fromArray(S, a, ai + i);
            FloatVector vb = FloatVector.fromArray(S, b, bi + i);
            DoubleVector a0 = (DoubleVector) va.convertShape(VectorOperators.F2D, D, 0);
            DoubleVector a1 = (DoubleVector) va.convertShape(VectorOperators.F2D, D, 1);
            DoubleVector b0 = (DoubleVector) vb.convertShape(VectorOperators.F2D, D, 0);
            DoubleVector b1 = (DoubleVector) vb.convertShape(VectorOperators.F2D, D, 1);
            lo = a0.fma(b0, lo);
            hi = a1.fma(b1, hi);
        }
        double s = lanes(lo.add(hi));
        for (; i < n; i++) {
            s += (double) a[ai + i] * b[bi + i];
        }
        return s;
    }

    private static double lanes(DoubleVector v) {
        double s = 0;
        for (int l = 0; l < v.length(); l++) {
            s += v.lane(l);
        }
        return s;
    }

    private static float extreme(boolean max, float[] x, int xi, int n) {
        FloatVector acc = FloatVector.broadcast(S, max ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY);
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(S, x, xi + i, m);
            // Inactive lanes contribute the identity, not the 0 a masked load gives.
            acc = max ? acc.max(v.blend(Float.NEGATIVE_INFINITY, m.not()))
                      : acc.min(v.blend(Float.POSITIVE_INFINITY, m.not()));
        }
        float r = acc.lane(0);
        for (int l = 1; l < L; l++) {
            r = fold(max, r, acc.lane(l));
        }
        return r;
    }

    private static void extremeRow(boolean max, float[] x, int xi, float[] out, int o, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(S, x, xi + i, m);
            FloatVector cur = FloatVector.fromArray(S, out, o + i, m);
            (max ? cur.max(v) : cur.min(v)).intoArray(out, o + i, m);
        }
    }

    // ---- argmax -----------------------------------------------------------------------

    /** First index of the maximum along {@code dim}; a NaN counts as the maximum (NumPy's rule). */
    static void argmax(float[] x, int outer, int dim, int inner, int[] out) {
        float[] best = new float[inner];
        for (int o = 0; o < outer; o++) {
            int base = o * dim * inner;
            int ob = o * inner;
            for (int i = 0; i < inner; i++) {
                best[i] = x[base + i];
                out[ob + i] = 0;
            }
            for (int d = 1; d < dim; d++) {
                int row = base + d * inner;
                for (int i = 0; i < inner; i++) {
                    float v = x[row + i];
                    float b = best[i];
                    if (v > b || (v != v && b == b)) {
                        best[i] = v;
                        out[ob + i] = d;
                    }
                }
            }
        }
    }

    // ---- softmax ----------------------------------------------------------------------

    static void softmax(float[] x, int outer, int dim, int inner, boolean log, float[] y) {
        if (inner == 1) {
            for (int o = 0; o < outer; o++) {
                softmaxRow(x, o * dim, dim, log, y);
            }
            return;
        }
        double[] max = new double[inner];
        double[] sum = new double[inner];
        for (int o = 0; o < outer; o++) {
            int base = o * dim * inner;
            Arrays.fill(max, Double.NEGATIVE_INFINITY);
            Arrays.fill(sum, 0.0);
            for (int d = 0; d < dim; d++) {
                for (int i = 0; i < inner; i++) {
                    max[i] = Math.max(max[i], x[base + d * inner + i]);
                }
            }
            for (int d = 0; d < dim; d++) {
                for (int i = 0; i < inner; i++) {
                    sum[i] += Math.exp(x[base + d * inner + i] - max[i]);
                }
            }
            for (int d = 0; d < dim; d++) {
                for (int i = 0; i < inner; i++) {
                    int at = base + d * inner + i;
                    double z = x[at] - max[i];
                    y[at] = (float) (log ? z - Math.log(sum[i]) : Math.exp(z) / sum[i]);
                }
            }
        }
    }

    /** One contiguous row: float max and exp on vectors, the sum of exps in double. */
    private static void softmaxRow(float[] x, int at, int n, boolean log, float[] y) {
        float max = extreme(true, x, at, n);
        FloatVector vmax = FloatVector.broadcast(S, max);
        DoubleVector lo = DoubleVector.zero(D);
        DoubleVector hi = lo;
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector e = VectorMath.exp(FloatVector.fromArray(S, x, at + i).sub(vmax));
            if (!log) {
                e.intoArray(y, at + i);
            }
            lo = lo.add((DoubleVector) e.convertShape(VectorOperators.F2D, D, 0));
            hi = hi.add((DoubleVector) e.convertShape(VectorOperators.F2D, D, 1));
        }
        double sum = lanes(lo.add(hi));
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector e = VectorMath.exp(FloatVector.fromArray(S, x, at + i, m).sub(vmax));
            if (!log) {
                e.intoArray(y, at + i, m);
            }
            for (int l = 0; l < n - i; l++) {
                sum += e.lane(l);
            }
        }
        if (log) {
            // (x - max) - log Σ, in torch's order: x - max is exact near the maximum, where one
            // shift max + log Σ rounded to float would be off by up to half an ulp of max (3e-5
            // at 500), more than the whole loss of a confident row.
            float logSum = (float) Math.log(sum);
            for (int j = 0; j < n; j += L) {
                VectorMask<Float> m = S.indexInRange(j, n);
                FloatVector.fromArray(S, x, at + j, m).sub(vmax).sub(logSum).intoArray(y, at + j, m);
            }
        } else {
            float scale = (float) (1.0 / sum);
            for (int j = 0; j < n; j += L) {
                VectorMask<Float> m = S.indexInRange(j, n);
                FloatVector.fromArray(S, y, at + j, m).mul(scale).intoArray(y, at + j, m);
            }
        }
    }

    /**
     * Softmax: {@code dx = y·(dy − Σ dy·y)}; log-softmax: {@code dx = dy − e^y·Σ dy}, sums along
     * {@code dim} in double.
     */
    static void softmaxBackward(float[] y, float[] dy, int outer, int dim, int inner, boolean log, float[] dx) {
        if (inner == 1) {
            for (int o = 0; o < outer; o++) {
                int at = o * dim;
                float s = (float) (log ? sum(dy, at, dim) : dot(dy, at, y, at, dim));
                for (int j = 0; j < dim; j += L) {
                    VectorMask<Float> m = S.indexInRange(j, dim);
                    FloatVector vy = FloatVector.fromArray(S, y, at + j, m);
                    FloatVector vd = FloatVector.fromArray(S, dy, at + j, m);
                    FloatVector r = log ? vd.sub(VectorMath.exp(vy).mul(s)) : vy.mul(vd.sub(s));
                    r.intoArray(dx, at + j, m);
                }
            }
            return;
        }
        double[] s = new double[inner];
        for (int o = 0; o < outer; o++) {
            int base = o * dim * inner;
            Arrays.fill(s, 0.0);
            for (int d = 0; d < dim; d++) {
                for (int i = 0; i < inner; i++) {
                    int at = base + d * inner + i;
                    s[i] += log ? dy[at] : (double) dy[at] * y[at];
                }
            }
            for (int d = 0; d < dim; d++) {
                for (int i = 0; i < inner; i++) {
                    int at = base + d * inner + i;
                    dx[at] = (float) (log ? dy[at] - Math.exp(y[at]) * s[i] : y[at] * (dy[at] - s[i]));
                }
            }
        }
    }

    // ---- moments ----------------------------------------------------------------------

    /**
     * Per-channel mean and biased variance over {@code [outer, ·, inner]} for channels
     * {@code [fromChannel, toChannel)}: two passes in double.
     */
    static void moments(float[] x, int outer, int channels, int inner, float[] mean, float[] var,
                        int fromChannel, int toChannel) {
        double count = (double) outer * inner;
        for (int c = fromChannel; c < toChannel; c++) {
            double s = 0;
            for (int o = 0; o < outer; o++) {
                s += sum(x, (o * channels + c) * inner, inner);
            }
            double mu = s / count;
            DoubleVector vmu = DoubleVector.broadcast(D, mu);
            double q = 0;
            for (int o = 0; o < outer; o++) {
                int at = (o * channels + c) * inner;
                DoubleVector lo = DoubleVector.zero(D);
                DoubleVector hi = lo;
                int bound = inner - inner % L;
                int i = 0;
                for (; i < bound; i += L) {
                    FloatVector v = FloatVector.fromArray(S, x, at + i);
                    DoubleVector d0 = ((DoubleVector) v.convertShape(VectorOperators.F2D, D, 0)).sub(vmu);
                    DoubleVector d1 = ((DoubleVector) v.convertShape(VectorOperators.F2D, D, 1)).sub(vmu);
                    lo = d0.fma(d0, lo);
                    hi = d1.fma(d1, hi);
                }
                q += lanes(lo.add(hi));
                for (; i < inner; i++) {
                    double d = x[at + i] - mu;
                    q += d * d;
                }
            }
            mean[c] = (float) mu;
            var[c] = (float) (q / count);
        }
    }
}
