package dev.faltung.kernel.simd;

import dev.faltung.kernel.conv.ConvGeometry;
import dev.faltung.kernel.pool.PoolGeometry;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * float32 im2col/col2im and pooling over NCHW arrays. The work is memory movement, not
 * arithmetic: with stride 1, each row of a patch matrix is a contiguous slice of an image row
 * (one {@code arraycopy} plus zero padding), and C2 vectorises the remaining simple loops by
 * itself. Pooling sums in double, as the reference does, and splits planes across the worker
 * pool (each output depends on one plane, so results do not depend on the split).
 */
final class FloatImages {

    private FloatImages() {
    }

    static void im2col(ConvGeometry g, float[] x, int image, float[] cols) {
        int oh = g.outH(), ow = g.outW(), hw = oh * ow, h = g.h(), w = g.w();
        int base = image * g.c() * h * w;
        for (int ch = 0; ch < g.c(); ch++) {
            for (int kr = 0; kr < g.r(); kr++) {
                for (int ks = 0; ks < g.s(); ks++) {
                    int row = ((ch * g.r() + kr) * g.s() + ks) * hw;
                    int dx = ks * g.dilationW() - g.padLeft();
                    // Output columns whose tap ix = ox·strideW + dx lies inside the image.
                    int lo = dx >= 0 ? 0 : (-dx + g.strideW() - 1) / g.strideW();
                    int hi = w - 1 - dx < 0 ? 0 : Math.min(ow, (w - 1 - dx) / g.strideW() + 1);
                    lo = Math.min(lo, hi);
                    for (int oy = 0; oy < oh; oy++) {
                        int iy = oy * g.strideH() - g.padTop() + kr * g.dilationH();
                        int dst = row + oy * ow;
                        if (iy < 0 || iy >= h) {
                            Arrays.fill(cols, dst, dst + ow, 0f);
                            continue;
                        }
                        int src = base + (ch * h + iy) * w + dx;
                        Arrays.fill(cols, dst, dst + lo, 0f);
                        if (g.strideW() == 1) {
                            System.arraycopy(x, src + lo, cols, dst + lo, hi - lo);
                        } else {
                            for (int ox = lo; ox < hi; ox++) {
                                cols[dst + ox] = x[src + ox * g.strideW()];
                            }
                        }
                        Arrays.fill(cols, dst + hi, dst + ow, 0f);
                    }
                }
            }
        }
    }

    static void col2im(ConvGeometry g, float[] cols, float[] dxBuf, int image) {
        int oh = g.outH(), ow = g.outW(), hw = oh * ow, h = g.h(), w = g.w();
        int base = image * g.c() * h * w;
        for (int ch = 0; ch < g.c(); ch++) {
            for (int kr = 0; kr < g.r(); kr++) {
                for (int ks = 0; ks < g.s(); ks++) {
                    int row = ((ch * g.r() + kr) * g.s() + ks) * hw;
                    int dx = ks * g.dilationW() - g.padLeft();
                    int lo = dx >= 0 ? 0 : (-dx + g.strideW() - 1) / g.strideW();
                    int hi = w - 1 - dx < 0 ? 0 : Math.min(ow, (w - 1 - dx) / g.strideW() + 1);
                    for (int oy = 0; oy < oh; oy++) {
                        int iy = oy * g.strideH() - g.padTop() + kr * g.dilationH();
                        if (iy < 0 || iy >= h) {
                            continue;
                        }
                        int src = row + oy * ow;
                        int dst = base + (ch * h + iy) * w + dx;
                        int sw = g.strideW();
                        for (int ox = lo; ox < hi; ox++) {
                            dxBuf[dst + ox * sw] += cols[src + ox];
                        }
                    }
                }
            }
        }
    }

    /** Runs {@code body} on planes {@code from .. to} in contiguous ranges, one per worker. */
    private static void planes(WorkerPool pool, PoolGeometry g, java.util.function.BiConsumer<Integer, Integer> body) {
        int planes = g.n() * g.c();
        // Small inputs stay on the calling thread: a hand-off costs more than the work.
        int tasks = (long) planes * g.h() * g.w() < 1 << 15 ? 1 : Math.min(pool.threads(), planes);
        pool.run(tasks, t -> body.accept((int) ((long) planes * t / tasks), (int) ((long) planes * (t + 1) / tasks)));
    }

    static void maxPoolForward(WorkerPool pool, PoolGeometry g, float[] x, float[] y, int[] argmax) {
        boolean halving = g.kernelH() == 2 && g.kernelW() == 2 && g.strideH() == 2 && g.strideW() == 2
                && g.padH() == 0 && g.padW() == 0 && !g.ceilMode();
        if (halving) {
            planes(pool, g, (from, to) -> maxPool2x2(g, x, y, argmax, from, to));
        } else {
            planes(pool, g, (from, to) -> maxPoolPlanes(g, x, y, argmax, from, to));
        }
    }

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    private static final int HALF = L / 2;
    /**
     * The left and right column of {@code HALF} windows from one vector of a row, repeated in
     * both halves: single-vector shuffles are one permute each, where a shuffle across two
     * vectors costs two and a blend, and with four of those the method outgrew C2's inlining
     * budget, which boxed every mask.
     */
    private static final VectorShuffle<Float> LEFT = VectorShuffle.fromOp(F, i -> 2 * (i % HALF));
    private static final VectorShuffle<Float> RIGHT = VectorShuffle.fromOp(F, i -> 2 * (i % HALF) + 1);

    /**
     * The common 2×2, stride 2 window on vectors: {@code HALF} outputs of a row at once,
     * candidates taken in row-major order with the scalar path's rule (first maximum wins, NaN
     * beats all).
     */
    private static void maxPool2x2(PoolGeometry g, float[] x, float[] y, int[] argmax, int from, int to) {
        int oh = g.outH(), ow = g.outW(), w = g.w(), h = g.h();
        if (I.length() != L || L < 2) {
            maxPoolPlanes(g, x, y, argmax, from, to);
            return;
        }
        IntVector lane2 = IntVector.zero(I).addIndex(2);
        for (int plane = from; plane < to; plane++) {
            int base = plane * h * w, o = plane * oh * ow;
            for (int oy = 0; oy < oh; oy++, o += ow) {
                int top = base + 2 * oy * w;
                for (int ox0 = 0; ox0 < ow; ox0 += HALF) {
                    int c = 2 * ox0;
                    VectorMask<Float> in = F.indexInRange(c, w);
                    VectorMask<Float> out = F.indexInRange(ox0, Math.min(ow, ox0 + HALF));
                    FloatVector t = FloatVector.fromArray(F, x, top + c, in);
                    FloatVector b = FloatVector.fromArray(F, x, top + w + c, in);
                    IntVector at = lane2.add(top + c);
                    FloatVector best = t.rearrange(LEFT);
                    IntVector index = at;
                    FloatVector v = t.rearrange(RIGHT);
                    VectorMask<Float> take = takes(v, best);
                    best = best.blend(v, take);
                    index = index.blend(at.add(1), take.cast(I));
                    v = b.rearrange(LEFT);
                    take = takes(v, best);
                    best = best.blend(v, take);
                    index = index.blend(at.add(w), take.cast(I));
                    v = b.rearrange(RIGHT);
                    take = takes(v, best);
                    best = best.blend(v, take);
                    index = index.blend(at.add(w + 1), take.cast(I));
                    best.intoArray(y, o + ox0, out);
                    if (argmax != null) {
                        index.intoArray(argmax, o + ox0, out.cast(I));
                    }
                }
            }
        }
    }

    /**
     * Where {@code v} replaces {@code best}: larger, or NaN over a number. Written as "best is a
     * number and v is not at most best", two comparisons: the longer form pushed C2 past its
     * inlining node budget, and the masks of the calls left out were boxed on every window.
     */
    private static VectorMask<Float> takes(FloatVector v, FloatVector best) {
        return best.compare(VectorOperators.EQ, best).andNot(v.compare(VectorOperators.LE, best));
    }

    private static void maxPoolPlanes(PoolGeometry g, float[] x, float[] y, int[] argmax, int from, int to) {
        int oh = g.outH(), ow = g.outW(), h = g.h(), w = g.w();
        int o = from * oh * ow;
        for (int plane = from; plane < to; plane++) {
            int base = plane * h * w;
            for (int oy = 0; oy < oh; oy++) {
                int y0 = oy * g.strideH() - g.padH();
                int ya = Math.max(y0, 0), yb = Math.min(y0 + g.kernelH(), h);
                for (int ox = 0; ox < ow; ox++, o++) {
                    int x0 = ox * g.strideW() - g.padW();
                    int xa = Math.max(x0, 0), xb = Math.min(x0 + g.kernelW(), w);
                    float best = Float.NEGATIVE_INFINITY;
                    int at = base + ya * w + xa;
                    for (int iy = ya; iy < yb; iy++) {
                        for (int ix = xa, i = base + iy * w + xa; ix < xb; ix++, i++) {
                            float v = x[i];
                            // First maximum wins; a NaN beats every number, as in PyTorch. Plain
                            // & and | (no short circuit) let C2 select without branching: on
                            // random data the branches mispredicted every other time.
                            boolean take = v > best | (v != v & best == best);
                            best = take ? v : best;
                            at = take ? i : at;
                        }
                    }
                    y[o] = best;
                    if (argmax != null) {
                        argmax[o] = at;
                    }
                }
            }
        }
    }

    /** Overlapping windows add up in double per plane, rounded once, as in the reference. */
    static void maxPoolBackward(WorkerPool pool, PoolGeometry g, float[] dy, int[] argmax, float[] dx) {
        planes(pool, g, (from, to) -> {
            int plane = g.h() * g.w(), outPlane = g.outH() * g.outW();
            double[] acc = new double[plane];
            for (int p = from; p < to; p++) {
                int xBase = p * plane, yBase = p * outPlane;
                Arrays.fill(acc, 0.0);
                for (int j = 0; j < outPlane; j++) {
                    acc[argmax[yBase + j] - xBase] += dy[yBase + j];
                }
                for (int i = 0; i < plane; i++) {
                    dx[xBase + i] = (float) acc[i];
                }
            }
        });
    }

    /** PyTorch's divisor: the window clipped to the padded input, or to the input alone. */
    private static int divisor(PoolGeometry g, int y0, int x0) {
        if (g.countIncludePad()) {
            int ye = Math.min(y0 + g.kernelH(), g.h() + g.padH());
            int xe = Math.min(x0 + g.kernelW(), g.w() + g.padW());
            return (ye - y0) * (xe - x0);
        }
        int ya = Math.max(y0, 0), yb = Math.min(y0 + g.kernelH(), g.h());
        int xa = Math.max(x0, 0), xb = Math.min(x0 + g.kernelW(), g.w());
        return (yb - ya) * (xb - xa);
    }

    static void avgPoolForward(WorkerPool pool, PoolGeometry g, float[] x, float[] y) {
        planes(pool, g, (from, to) -> avgPoolPlanes(g, x, y, from, to));
    }

    private static void avgPoolPlanes(PoolGeometry g, float[] x, float[] y, int from, int to) {
        int oh = g.outH(), ow = g.outW(), h = g.h(), w = g.w();
        int o = from * oh * ow;
        for (int plane = from; plane < to; plane++) {
            int base = plane * h * w;
            for (int oy = 0; oy < oh; oy++) {
                int y0 = oy * g.strideH() - g.padH();
                int ya = Math.max(y0, 0), yb = Math.min(y0 + g.kernelH(), h);
                for (int ox = 0; ox < ow; ox++, o++) {
                    int x0 = ox * g.strideW() - g.padW();
                    int xa = Math.max(x0, 0), xb = Math.min(x0 + g.kernelW(), w);
                    double s = 0;
                    for (int iy = ya; iy < yb; iy++) {
                        for (int ix = xa; ix < xb; ix++) {
                            s += x[base + iy * w + ix];
                        }
                    }
                    y[o] = (float) (s / divisor(g, y0, x0));
                }
            }
        }
    }

    static void avgPoolBackward(WorkerPool pool, PoolGeometry g, float[] dy, float[] dx) {
        planes(pool, g, (from, to) -> avgPoolBackwardPlanes(g, dy, dx, from, to));
    }

    private static void avgPoolBackwardPlanes(PoolGeometry g, float[] dy, float[] dx, int from, int to) {
        int oh = g.outH(), ow = g.outW(), h = g.h(), w = g.w();
        double[] acc = new double[h * w];
        int o = from * oh * ow;
        for (int plane = from; plane < to; plane++) {
            int base = plane * h * w;
            Arrays.fill(acc, 0.0);
            for (int oy = 0; oy < oh; oy++) {
                int y0 = oy * g.strideH() - g.padH();
                int ya = Math.max(y0, 0), yb = Math.min(y0 + g.kernelH(), h);
                for (int ox = 0; ox < ow; ox++, o++) {
                    int x0 = ox * g.strideW() - g.padW();
                    int xa = Math.max(x0, 0), xb = Math.min(x0 + g.kernelW(), w);
                    double share = (double) dy[o] / divisor(g, y0, x0);
                    for (int iy = ya; iy < yb; iy++) {
                        for (int ix = xa; ix < xb; ix++) {
                            acc[iy * w + ix] += share;
                        }
                    }
                }
            }
            for (int i = 0; i < h * w; i++) {
                dx[base + i] = (float) acc[i];
            }
        }
    }
}
