package dev.faltung.kernel.simd;

import dev.faltung.kernel.conv.ConvGeometry;
import java.util.Arrays;
import java.util.function.IntConsumer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * float32 DIRECT convolution with images in the vector lanes: the batch is taken {@code L}
 * images at a time and interleaved into lane images, {@code xl[c][y][x][lane] = x[G·L + lane][c]
 * [y - padTop][x - padLeft]} (zero in the border and for lanes past the batch), so each
 * multiply-add of the loop nest is a whole vector however small the planes and however few the
 * channels. That suits training batches through small layers (LeNet's second layer: 6 to 16
 * channels on 14×14 planes), where neither output rows nor channels fill the lanes. The
 * interleaving and its inverse are 16×16 transposes in registers ({@link LaneTranspose}).
 * <ul>
 *   <li>forward: a register tile holds 4 output channels × 4 or 5 consecutive positions of one
 *       output row (or 2 × 8 where blocks of 4 would leave channels empty); per tap it broadcasts
 *       the channels' weights and, at stride 1, slides its input vectors one position along the
 *       kernel row, loading one new vector per tap. Tiles that do not fill a row exactly overlap
 *       their neighbour; kernel rows that lie wholly in the padding are skipped;</li>
 *   <li>backward data (stride 1): the forward convolution of {@code dy} with the flipped,
 *       transposed kernel and padding {@code ·dh - pad};</li>
 *   <li>backward filter: with {@code dy} interleaved the same way, a tile holds 4 (or 2) output
 *       channels × 4 (or 8) taps and sums {@code xl·dyl} lane by lane over the positions in order,
 *       a block of rows at a time so that the block stays in L1 for all of a worker's tiles;
 *       the lanes are added in order at the end.</li>
 * </ul>
 * Every output is one multiply-add chain in a fixed order, and tasks split outputs or weights,
 * never a sum, so results do not depend on the thread count. Float32 error ({@code u = 2⁻²⁴}):
 * forward {@code ≤ (C/G·R·S + 1)·u·(Σ|w||x| + |b|)}; backward filter
 * {@code ≤ (N·P/L + L)·u·Σ|dy||x|} ({@code P} output positions). Thread-safe.
 */
final class FloatBatchLaneConvolution {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();

    /** A register tile: {@code kb} channels × {@code pb} positions (forward) or taps (backward filter). */
    record Tile(int kb, int pb) {
    }

    private static final Tile WIDE = new Tile(4, 4);
    private static final Tile NARROW = new Tile(2, 8);
    /**
     * One output channel (a first layer's backward data, to a grayscale image): the two-channel
     * tile wasted half its multiply-adds there. Fourteen positions: accumulators plus the sliding
     * inputs fill the 32 vector registers.
     */
    private static final Tile SINGLE = new Tile(1, 14);

    /**
     * Forward tasks per worker, claimed by whichever thread is free, as in
     * {@link FloatChannelLaneConvolution}: with one contiguous half each, a worker that the host
     * slows holds the call until its half is done. Fashion-MNIST's second layer, alternated in
     * one JVM: 1-2 % lower medians with four.
     */
    private static final int TASKS_PER_THREAD = 4;

    static {
        float[] x = new float[64 * L], w = new float[64], out = new float[32 * L];
        int[] off = {0, L}, o = {0, L, 2 * L, 3 * L, 4 * L, 5 * L, 6 * L, 7 * L}, d = {0, L, 2 * L, 3 * L};
        JitWarmup.run(() -> {
            forward4x4(x, 0, L, w, 0, off, out, 0, 4 * L);
            forward4x1(x, 0, w, 0, off, out, 0, 4 * L);
            forward2x8(x, 0, L, w, 0, off, out, 0, 8 * L);
            forward2x1(x, 0, w, 0, off, out, 0, 8 * L);
            forward4x4Rows(x, 0, w, 0, off, 2, out, 0, 4 * L);
            forward4x5Rows(x, 0, w, 0, off, 2, out, 0, 5 * L);
            forward4x5Rows5(x, 0, w, 0, off, out, 0, 5 * L);
            forward4x4Rows5(x, 0, w, 0, off, out, 0, 4 * L);
            forward4x5Rows3(x, 0, w, 0, off, out, 0, 5 * L);
            forward4x4Rows3(x, 0, w, 0, off, out, 0, 4 * L);
            forward2x8Rows(x, 0, w, 0, off, 2, out, 0, 8 * L);
            forward1x14Rows(x, 0, w, 0, off, 2, out, 0);
            forward1x14(x, 0, L, w, 0, off, out, 0);
            forward1x1(x, 0, w, 0, off, out, 0);
            filter4x4(x, 0, x, 0, 1, 2, 0, L, o, d, out, 0);
            filter2x8(x, 0, x, 0, 1, 2, 0, L, o, d, out, 0);
        });
    }

    private final WorkerPool pool;
    private final FloatLoweredConvolution lowered;

    FloatBatchLaneConvolution(WorkerPool pool, FloatLoweredConvolution lowered) {
        this.pool = pool;
        this.lowered = lowered;
    }

    private record TapsKey(Layout lay, ConvGeometry g, int kb, boolean byRows) {
    }

    /** {@link Layout#tapsByOutputRow} by geometry: the same few layers every step. */
    private static final BoundedCache<TapsKey, int[][]> TAPS_BY_ROW = new BoundedCache<>(64);

    /** Lane images: {@code Hp×Wp} positions of {@code L} floats per channel, {@code channels} planes. */
    private record Layout(int hp, int wp, int plane, int image) {
        static Layout of(int channels, int hp, int wp) {
            int plane = hp * wp * L;
            return new Layout(hp, wp, plane, channels * plane);
        }

        static Layout input(ConvGeometry g) {
            return of(g.c(), g.h() + g.padTop() + g.padBottom(), g.w() + g.padLeft() + g.padRight());
        }

        /** Offsets of one group's taps in (c, r, s) order, in floats. */
        int[] tapOffsets(ConvGeometry g) {
            int[] off = new int[g.cPerGroup() * g.r() * g.s()];
            int j = 0;
            for (int c = 0; c < g.cPerGroup(); c++) {
                for (int r = 0; r < g.r(); r++) {
                    for (int s = 0; s < g.s(); s++) {
                        off[j++] = c * plane + (r * g.dilationH() * wp + s * g.dilationW()) * L;
                    }
                }
            }
            return off;
        }

        /**
         * For each output row, the (input offset, packed weight offset) pairs of one group's taps
         * in (c, r, s) order, or with {@code byRows} of each kernel row's first tap only, leaving
         * out kernel rows that fall wholly in the padding above or below the input there (for
         * backward data, whose padding is the kernel's span, that is up to half the taps).
         * Output rows with the same rows of the kernel share one array.
         */
        int[][] tapsByOutputRow(ConvGeometry g, int kb, boolean byRows) {
            return TAPS_BY_ROW.get(new TapsKey(this, g, kb, byRows), key -> computeTapsByOutputRow(g, kb, byRows));
        }

        private int[][] computeTapsByOutputRow(ConvGeometry g, int kb, boolean byRows) {
            int[][] byRow = new int[g.outH()][];
            java.util.Map<Long, int[]> shared = new java.util.HashMap<>();
            int perRow = byRows ? 1 : g.s();
            for (int oy = 0; oy < g.outH(); oy++) {
                int lo = 0, hi = g.r();
                while (lo < hi && oy * g.strideH() + lo * g.dilationH() < g.padTop()) lo++;
                while (hi > lo && oy * g.strideH() + (hi - 1) * g.dilationH() >= g.padTop() + g.h()) hi--;
                int first = lo, last = hi;
                byRow[oy] = shared.computeIfAbsent((long) first << 32 | last, key -> {
                    int[] pairs = new int[2 * g.cPerGroup() * (last - first) * perRow];
                    int i = 0;
                    for (int c = 0; c < g.cPerGroup(); c++) {
                        for (int r = first; r < last; r++) {
                            for (int s = 0; s < perRow; s++) {
                                pairs[i++] = c * plane + (r * g.dilationH() * wp + s * g.dilationW()) * L;
                                pairs[i++] = ((c * g.r() + r) * g.s() + s) * kb;
                            }
                        }
                    }
                    return pairs;
                });
            }
            return byRow;
        }
    }

    /** Groups of {@code L} images, the last one possibly partial. */
    private static int imageGroups(ConvGeometry g) {
        return (g.n() + L - 1) / L;
    }

    /** Whether the lane images of the whole batch fit a Java array. */
    static boolean applies(ConvGeometry g) {
        Layout in = Layout.input(g);
        long images = (long) imageGroups(g) * L;
        return images * in.hp * in.wp * g.c() < Integer.MAX_VALUE - 16
                && images * g.outH() * g.outW() * g.k() < Integer.MAX_VALUE - 16;
    }

    /** Backward data: stride 1 and no side padded beyond the dilated kernel span minus one. */
    static boolean appliesBackwardData(ConvGeometry g) {
        return FloatDirectConvolution.appliesBackwardData(g) && applies(g)
                && applies(FloatDirectConvolution.backwardDataGeometry(g));
    }

    /** The channel block that leaves fewest of a group's {@code kpg} channels empty, the wider on a tie. */
    private static Tile tile(int kpg) {
        return kpg % 4 == 0 || (kpg + 3) / 4 * 4 - kpg <= (kpg + 1) / 2 * 2 - kpg ? WIDE : NARROW;
    }

    /** The forward tile: {@link #tile}, or {@link #SINGLE} for one channel per group. */
    private static Tile forwardTile(int kpg) {
        return kpg == 1 ? SINGLE : tile(kpg);
    }

    /**
     * The tiles of one output row as (first position, width) pairs. Four channels: tiles of five
     * (sliding only) and four that add up to the row, else fours with the last one moved back
     * over its neighbour (recomputing a few positions costs less than running them one at a
     * time); two channels: eights, one channel fourteens, the last moved back likewise. Rows narrower than a tile go one
     * position at a time (width 1).
     */
    static int[] rowPlan(int ow, Tile t, boolean slide) {
        int pb = t.pb, fives = 0;
        if (t.kb == 4 && slide) {
            fives = ow / 5;
            while (fives > 0 && (ow - 5 * fives) % 4 != 0) fives--;
            if ((ow - 5 * fives) % 4 != 0) fives = 0;
        }
        int[] plan;
        if (ow < pb) {
            plan = new int[2 * ow];
            for (int ox = 0; ox < ow; ox++) {
                plan[2 * ox] = ox;
                plan[2 * ox + 1] = 1;
            }
            return plan;
        }
        int rest = ow - 5 * fives, tiles = fives + (rest + pb - 1) / pb;
        plan = new int[2 * tiles];
        int ox = 0, i = 0;
        for (int f = 0; f < fives; f++, ox += 5) {
            plan[i++] = ox;
            plan[i++] = 5;
        }
        for (; i < plan.length; ox += pb) {
            plan[i++] = Math.min(ox, ow - pb);
            plan[i++] = pb;
        }
        return plan;
    }

    /** Share of the lanes that hold images. */
    private static double laneShare(ConvGeometry g) {
        return (double) g.n() / (imageGroups(g) * L);
    }

    private static double channelShare(int kpg, Tile t) {
        return (double) kpg / ((kpg + t.kb - 1) / t.kb * t.kb);
    }

    /**
     * Share of the forward tile's multiply-adds that are useful: lanes × channels × the row's
     * positions (computed twice where tiles overlap; one at a time they run at {@code kb}
     * multiply-adds per {@code kb + 1} loads) × the transposes in and out, measured at about two
     * taps' worth per output; and three quarters of that where the input rows under one output
     * row (channels × kernel rows × padded width × L floats) outgrow 512 KiB, so that the tiles
     * along the row read them from L3 (VGG's 64 channels on 58-wide rows: 0.7 MiB; Fashion-MNIST's
     * second layer's backward data, 64 channels on 18-wide rows, 0.36 MiB, still ran at the
     * forward's speed, and 2x faster than with channels in the lanes).
     */
    static double forwardEfficiency(ConvGeometry g) {
        Tile t = forwardTile(g.kPerGroup());
        int ow = g.outW(), taps = g.cPerGroup() * g.r() * g.s();
        int[] plan = rowPlan(ow, t, g.strideW() == 1 && g.dilationW() == 1);
        double computed = 0;
        for (int i = 1; i < plan.length; i += 2) {
            computed += plan[i] == 1 ? (t.kb + 1.0) / t.kb : plan[i];
        }
        double positions = ow / computed;
        long rowBytes = 4L * g.cPerGroup() * g.r() * Layout.input(g).wp * L;
        double locality = rowBytes > 512 * 1024 ? 0.75 : 1;
        // Putting the input into the lanes costs some multiply-adds' time per element, spread over
        // the K/G·R·S that each element feeds. Six: a first layer's backward data (one output
        // channel from 32, 5×5: 1.09 ms with the images in the lanes, 0.76 along the rows) goes
        // along the rows, and every layer in the layout test stays where it was measured best
        // (Fashion-MNIST conv2's backward data, images 0.992 against channels 0.990, narrowly).
        double uses = (double) g.kPerGroup() * g.r() * g.s();
        return laneShare(g) * channelShare(g.kPerGroup(), t) * positions * taps / (taps + 2.0) * locality
                * uses / (uses + 6);
    }

    /**
     * Share of the backward-filter tile's multiply-adds that are useful (taps past the last are
     * repeats) × the transposes of both operands, about eight multiply-adds' worth per position
     * and tile.
     */
    static double filterEfficiency(ConvGeometry g) {
        Tile t = tile(g.kPerGroup());
        int taps = g.cPerGroup() * g.r() * g.s();
        double tapShare = (double) taps / ((taps + t.pb - 1) / t.pb * t.pb);
        double moves = (double) taps * t.kb / (taps * t.kb + 8.0);
        return laneShare(g) * channelShare(g.kPerGroup(), t) * tapShare * moves;
    }

    /**
     * Channel {@code c} of the images of lane group {@code group} from {@code src}
     * ({@code [N][channels][h][w]}) into the lane image at {@code dst[group·lay.image]}, placed
     * {@code top} rows and {@code left} columns into the plane; the border, and the lanes past the
     * batch's last image, zero.
     */
    private static void interleave(float[] src, int n, int channels, int h, int w, int top, int left, Layout lay,
                                   int group, int c, float[] dst) {
        int plane = group * lay.image + c * lay.plane, lanes = Math.min(L, n - group * L);
        if (lanes < L) {
            Arrays.fill(dst, plane, plane + lay.plane, 0f);
        } else {
            int right = (lay.wp - left - w) * L, first = plane + (top * lay.wp + left) * L;
            Arrays.fill(dst, plane, first, 0f);
            for (int iy = 0, end = first + w * L; iy < h; iy++, end += lay.wp * L) {
                // This row's right border and the next row's left border are adjacent.
                Arrays.fill(dst, end, iy + 1 < h ? end + right + left * L : plane + lay.plane, 0f);
            }
        }
        int imageSize = channels * h * w;
        for (int iy = 0; iy < h; iy++) {
            int from = (group * L * channels + c) * h * w + iy * w;
            int to = plane + ((iy + top) * lay.wp + left) * L;
            for (int x0 = 0; x0 < w; x0 += L) {
                LaneTranspose.transpose(src, from + x0, imageSize, lanes, Math.min(L, w - x0), dst, to + x0 * L, L, 0f);
            }
        }
    }

    /** The padded input of every image group, interleaved by all workers. */
    private float[] interleaveInput(ConvGeometry g, Layout lay, float[] x, float[] dst) {
        parallel(imageGroups(g) * g.c(), u -> interleave(x, g.n(), g.c(), g.h(), g.w(), g.padTop(), g.padLeft(),
                lay, u / g.c(), u % g.c(), dst));
        return dst;
    }

    /**
     * Weights as {@code [group][block][tap][kb]} in the calling thread's {@link ConvScratch#WEIGHTS}
     * (valid until its next convolution); channels past a group's last are zero.
     */
    private static float[] packWeights(ConvGeometry g, float[] w, int kb, int blocks) {
        int kpg = g.kPerGroup(), taps = g.cPerGroup() * g.r() * g.s();
        int size = g.groups() * blocks * taps * kb;
        float[] wp = ConvScratch.get().floats(ConvScratch.WEIGHTS, size);
        if (kpg % kb != 0) {
            Arrays.fill(wp, 0, size, 0f);
        }
        for (int k = 0; k < g.k(); k++) {
            int grp = k / kpg, kl = k % kpg, b = kl / kb;
            int base = (grp * blocks + b) * taps * kb + kl % kb;
            for (int j = 0; j < taps; j++) {
                wp[base + j * kb] = w[k * taps + j];
            }
        }
        return wp;
    }

    void forward(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y) {
        Layout lay = Layout.input(g);
        Tile tile = forwardTile(g.kPerGroup());
        int kb = tile.kb, cpg = g.cPerGroup(), kpg = g.kPerGroup(), oh = g.outH(), ow = g.outW();
        int p = oh * ow, blocks = (kpg + kb - 1) / kb, groups = imageGroups(g), kPadded = g.groups() * blocks * kb;
        float[] wp = packWeights(g, w, kb, blocks);
        int step = g.strideW() * L, rowStep = g.strideH() * lay.wp * L;
        // At stride 1 and horizontal dilation 1 the tiles walk each kernel row's taps in order.
        boolean slide = g.strideW() == 1 && g.dilationW() == 1;
        int[][] taps = lay.tapsByOutputRow(g, kb, false), rowTaps = slide ? lay.tapsByOutputRow(g, kb, true) : taps;
        int[] plan = rowPlan(ow, tile, slide);
        ConvScratch scratch = ConvScratch.get();
        float[] xl = interleaveInput(g, lay, x, scratch.floats(ConvScratch.COLS, (long) groups * lay.image));
        // Results in lanes, [group][padded channel][position][lane], channels past a group's last unused.
        float[] yl = scratch.floats(ConvScratch.OUT, (long) groups * kPadded * p * L);
        // Rows in (image group, group, block, row) order: a worker's consecutive rows share
        // their weights and most of their input rows.
        IntConsumer row = i -> {
            int oy = i % oh, b = i / oh % blocks, grp = i / oh / blocks % g.groups(), group = i / oh / blocks / g.groups();
            int at = group * lay.image + grp * cpg * lay.plane + oy * rowStep;
            int wAt = (grp * blocks + b) * cpg * g.r() * g.s() * kb;
            int[] off = taps[oy], rows = rowTaps[oy];
            int dst = ((group * kPadded + (grp * blocks + b) * kb) * p + oy * ow) * L, kStride = p * L;
            for (int t = 0; t < plan.length; t += 2) {
                int ox = plan[t], width = plan[t + 1], xAt = at + ox * step, yAt = dst + ox * L;
                switch (width) {
                    case 5 -> {
                        switch (g.s()) {
                            case 5 -> forward4x5Rows5(xl, xAt, wp, wAt, rows, yl, yAt, kStride);
                            case 3 -> forward4x5Rows3(xl, xAt, wp, wAt, rows, yl, yAt, kStride);
                            default -> forward4x5Rows(xl, xAt, wp, wAt, rows, g.s(), yl, yAt, kStride);
                        }
                    }
                    case 4 -> {
                        if (slide) {
                            switch (g.s()) {
                                case 5 -> forward4x4Rows5(xl, xAt, wp, wAt, rows, yl, yAt, kStride);
                                case 3 -> forward4x4Rows3(xl, xAt, wp, wAt, rows, yl, yAt, kStride);
                                default -> forward4x4Rows(xl, xAt, wp, wAt, rows, g.s(), yl, yAt, kStride);
                            }
                        } else {
                            forward4x4(xl, xAt, step, wp, wAt, off, yl, yAt, kStride);
                        }
                    }
                    case 8 -> {
                        if (slide) {
                            forward2x8Rows(xl, xAt, wp, wAt, rows, g.s(), yl, yAt, kStride);
                        } else {
                            forward2x8(xl, xAt, step, wp, wAt, off, yl, yAt, kStride);
                        }
                    }
                    case 14 -> {
                        if (slide) {
                            forward1x14Rows(xl, xAt, wp, wAt, rows, g.s(), yl, yAt);
                        } else {
                            forward1x14(xl, xAt, step, wp, wAt, off, yl, yAt);
                        }
                    }
                    default -> {
                        if (kb == 4) {
                            forward4x1(xl, xAt, wp, wAt, off, yl, yAt, kStride);
                        } else if (kb == 2) {
                            forward2x1(xl, xAt, wp, wAt, off, yl, yAt, kStride);
                        } else {
                            forward1x1(xl, xAt, wp, wAt, off, yl, yAt);
                        }
                    }
                }
            }
        };
        // Channel k of image group `group` out of the lanes, plus its bias.
        ChannelOut out = (group, k) -> {
            int lanes = Math.min(L, g.n() - group * L);
            int from = (group * kPadded + k / kpg * blocks * kb + k % kpg) * p * L;
            int to = (group * L * g.k() + k) * p;
            float bk = bias == null ? 0f : bias[k];
            for (int p0 = 0; p0 < p; p0 += L) {
                LaneTranspose.transpose(yl, from + p0 * L, L, Math.min(L, p - p0), lanes, y, to + p0, g.k() * p, bk);
            }
        };
        int units = groups * g.groups() * blocks;
        if (units >= pool.threads() * TASKS_PER_THREAD) {
            // A block's planes out of the lanes as soon as its rows are done, while they are in
            // this core's cache: as a pass of its own, over the whole batch's results, this read
            // them back from memory (Fashion-MNIST's second layer: 3.2 MB, 6 % of the forward).
            parallel(units, TASKS_PER_THREAD, u -> {
                for (int oy = 0; oy < oh; oy++) {
                    row.accept(u * oh + oy);
                }
                int b = u % blocks, grp = u / blocks % g.groups(), group = u / blocks / g.groups();
                for (int kk = 0; kk < kb && b * kb + kk < kpg; kk++) {
                    out.write(group, grp * kpg + b * kb + kk);
                }
            });
        } else {
            parallel(units * oh, TASKS_PER_THREAD, row);
            parallel(groups * g.k(), u -> out.write(u / g.k(), u % g.k()));
        }
    }

    void backwardData(ConvGeometry g, float[] dy, float[] w, float[] dx) {
        forward(FloatDirectConvolution.backwardDataGeometry(g), dy, FloatDirectConvolution.flipTransposed(g, w),
                null, dx);
    }

    /**
     * Floats of a channel block's gradient that a block of positions may take (16 KiB), so that
     * it stays in L1 while each of the worker's tap tiles passes over it (over the whole batch,
     * every tile streamed it from L2 again).
     */
    private static final int FILTER_BLOCK = 1 << 12;

    void backwardFilter(ConvGeometry g, float[] x, float[] dy, float[] dw, float[] dbias) {
        Layout lay = Layout.input(g);
        Layout dyLay = Layout.of(g.k(), 1, g.outH() * g.outW());
        Tile tile = tile(g.kPerGroup());
        int kb = tile.kb, tb = tile.pb, cpg = g.cPerGroup(), kpg = g.kPerGroup(), oh = g.outH(), ow = g.outW();
        int blocks = (kpg + kb - 1) / kb, groups = imageGroups(g);
        int[] off = lay.tapOffsets(g);
        int taps = off.length, tapTiles = (taps + tb - 1) / tb, tileSize = kb * tb * L;
        int rowStep = g.strideH() * lay.wp * L, step = g.strideW() * L;
        ConvScratch scratch = ConvScratch.get();
        float[] xl = interleaveInput(g, lay, x, scratch.floats(ConvScratch.COLS, (long) groups * lay.image));
        float[] dyl = scratch.floats(ConvScratch.OUT, (long) groups * dyLay.image);
        parallel(groups * g.k(), u -> interleave(dy, g.n(), g.k(), 1, oh * ow, 0, 0, dyLay, u / g.k(), u % g.k(), dyl));
        // Position blocks: whole output rows of one image group.
        int blockRows = Math.max(1, Math.min(oh, FILTER_BLOCK / (kb * ow * L)));
        int rowBlocks = (oh + blockRows - 1) / blockRows;
        int items = g.groups() * blocks * tapTiles;
        int tasks = Math.min(pool.threads(), items);
        pool.run(tasks, t -> {
            int from = (int) ((long) items * t / tasks), to = (int) ((long) items * (t + 1) / tasks);
            // Each tile's lane sums, carried from block to block.
            float[] acc = new float[(to - from) * tileSize];
            int[][] o = new int[to - from][tb], d = new int[to - from][kb];
            for (int i = from; i < to; i++) {
                int jt = i % tapTiles, b = i / tapTiles % blocks, grp = i / tapTiles / blocks;
                int j0 = jt * tb, k0 = grp * kpg + b * kb;
                int kCount = Math.min(kb, kpg - b * kb), tapCount = Math.min(tb, taps - j0);
                // Channels and taps past the last real ones repeat it; their sums are never stored.
                for (int q = 0; q < tb; q++) {
                    o[i - from][q] = grp * cpg * lay.plane + off[j0 + Math.min(q, tapCount - 1)];
                }
                for (int kk = 0; kk < kb; kk++) {
                    d[i - from][kk] = (k0 + Math.min(kk, kCount - 1)) * dyLay.plane;
                }
            }
            for (int group = 0; group < groups; group++) {
                for (int rb = 0; rb < rowBlocks; rb++) {
                    int oy0 = rb * blockRows, rows = Math.min(blockRows, oh - oy0);
                    int xAt = group * lay.image + oy0 * rowStep, dAt = group * dyLay.image + oy0 * ow * L;
                    for (int i = from; i < to; i++) {
                        if (kb == 4) {
                            filter4x4(xl, xAt, dyl, dAt, rows, ow, rowStep, step, o[i - from], d[i - from], acc,
                                    (i - from) * tileSize);
                        } else {
                            filter2x8(xl, xAt, dyl, dAt, rows, ow, rowStep, step, o[i - from], d[i - from], acc,
                                    (i - from) * tileSize);
                        }
                    }
                }
            }
            for (int i = from; i < to; i++) {
                int jt = i % tapTiles, b = i / tapTiles % blocks, grp = i / tapTiles / blocks;
                int j0 = jt * tb, k0 = grp * kpg + b * kb;
                int kCount = Math.min(kb, kpg - b * kb), tapCount = Math.min(tb, taps - j0);
                for (int kk = 0; kk < kCount; kk++) {
                    for (int q = 0; q < tapCount; q++) {
                        dw[(k0 + kk) * taps + j0 + q] = laneSum(acc, (i - from) * tileSize + (kk * tb + q) * L);
                    }
                }
            }
        });
        if (dbias != null) {
            parallel(g.k(), k -> {
                FloatVector sum = FloatVector.zero(SPECIES);
                for (int group = 0; group < groups; group++) {
                    for (int i = group * dyLay.image + k * dyLay.plane, end = i + dyLay.plane; i < end; i += L) {
                        sum = sum.add(FloatVector.fromArray(SPECIES, dyl, i));
                    }
                }
                float[] lanes = new float[L];
                sum.intoArray(lanes, 0);
                dbias[k] = laneSum(lanes, 0);
            });
        }
    }

    /** {@code a[at] + a[at + 1] + … + a[at + L - 1]}, in that order. */
    private static float laneSum(float[] a, int at) {
        float s = 0f;
        for (int lane = 0; lane < L; lane++) {
            s += a[at + lane];
        }
        return s;
    }

    /** Splits {@code items} into contiguous ranges, one per worker. */
    private void parallel(int items, IntConsumer body) {
        parallel(items, 1, body);
    }

    /** The same with {@code tasksPerThread} ranges per worker, claimed by whichever is free. */
    private void parallel(int items, int tasksPerThread, IntConsumer body) {
        int tasks = Math.min(pool.threads() * tasksPerThread, items);
        pool.run(tasks, t -> {
            int from = (int) ((long) items * t / tasks), to = (int) ((long) items * (t + 1) / tasks);
            for (int i = from; i < to; i++) body.accept(i);
        });
    }

    private interface ChannelOut {
        void write(int group, int k);
    }

    private interface ItemWithScratch {
        void accept(int item, float[] scratch);
    }

    /** {@link #parallel(int, IntConsumer)} with a work array per worker. */
    private void parallel(int items, java.util.function.Supplier<float[]> scratch, ItemWithScratch body) {
        int tasks = Math.min(pool.threads(), items);
        pool.run(tasks, t -> {
            int from = (int) ((long) items * t / tasks), to = (int) ((long) items * (t + 1) / tasks);
            float[] s = scratch.get();
            for (int i = from; i < to; i++) body.accept(i, s);
        });
    }

    // ---- register tiles ----------------------------------------------------------------------
    // Forward: dst[dstAt + kk·kStride + q·L + lane] = Σ_j xl[at0 + off[2j] + q·step + lane]·wp[wAt + off[2j+1] + kk]
    // over the (input offset, weight offset) pairs in off; by kernel rows, rows holds such pairs for
    // each row's first tap, and the row's taps follow at L and KB apart.

    private static void forward4x4(float[] xl, int at0, int step, float[] wp, int wAt, int[] off,
            float[] dst, int dstAt, int kStride) {
        FloatVector z = FloatVector.zero(SPECIES);
        FloatVector a00 = z, a01 = z, a02 = z, a03 = z, a10 = z, a11 = z, a12 = z, a13 = z;
        FloatVector a20 = z, a21 = z, a22 = z, a23 = z, a30 = z, a31 = z, a32 = z, a33 = z;
        for (int j = 0; j < off.length; j += 2) {
            int at = at0 + off[j], wj = wAt + off[j + 1];
            FloatVector x0 = FloatVector.fromArray(SPECIES, xl, at);
            FloatVector x1 = FloatVector.fromArray(SPECIES, xl, at + step);
            FloatVector x2 = FloatVector.fromArray(SPECIES, xl, at + 2 * step);
            FloatVector x3 = FloatVector.fromArray(SPECIES, xl, at + 3 * step);
            FloatVector w0 = FloatVector.broadcast(SPECIES, wp[wj]);
            a00 = x0.fma(w0, a00);
            a01 = x1.fma(w0, a01);
            a02 = x2.fma(w0, a02);
            a03 = x3.fma(w0, a03);
            FloatVector w1 = FloatVector.broadcast(SPECIES, wp[wj + 1]);
            a10 = x0.fma(w1, a10);
            a11 = x1.fma(w1, a11);
            a12 = x2.fma(w1, a12);
            a13 = x3.fma(w1, a13);
            FloatVector w2 = FloatVector.broadcast(SPECIES, wp[wj + 2]);
            a20 = x0.fma(w2, a20);
            a21 = x1.fma(w2, a21);
            a22 = x2.fma(w2, a22);
            a23 = x3.fma(w2, a23);
            FloatVector w3 = FloatVector.broadcast(SPECIES, wp[wj + 3]);
            a30 = x0.fma(w3, a30);
            a31 = x1.fma(w3, a31);
            a32 = x2.fma(w3, a32);
            a33 = x3.fma(w3, a33);
        }
        a00.intoArray(dst, dstAt);
        a01.intoArray(dst, dstAt + L);
        a02.intoArray(dst, dstAt + 2 * L);
        a03.intoArray(dst, dstAt + 3 * L);
        a10.intoArray(dst, dstAt + kStride);
        a11.intoArray(dst, dstAt + kStride + L);
        a12.intoArray(dst, dstAt + kStride + 2 * L);
        a13.intoArray(dst, dstAt + kStride + 3 * L);
        a20.intoArray(dst, dstAt + 2 * kStride);
        a21.intoArray(dst, dstAt + 2 * kStride + L);
        a22.intoArray(dst, dstAt + 2 * kStride + 2 * L);
        a23.intoArray(dst, dstAt + 2 * kStride + 3 * L);
        a30.intoArray(dst, dstAt + 3 * kStride);
        a31.intoArray(dst, dstAt + 3 * kStride + L);
        a32.intoArray(dst, dstAt + 3 * kStride + 2 * L);
        a33.intoArray(dst, dstAt + 3 * kStride + 3 * L);
    }

    /**
     * {@link #forward4x4} at stride 1 and horizontal dilation 1, by kernel rows: position
     * {@code q} at tap {@code s} reads what position {@code q + 1} read at tap {@code s - 1}, so
     * the four input vectors slide along the row and each tap loads one new vector.
     */
    private static void forward4x4Rows(float[] xl, int at0, float[] wp, int wAt, int[] rows, int taps,
            float[] dst, int dstAt, int kStride) {
        FloatVector z = FloatVector.zero(SPECIES);
        FloatVector a00 = z, a01 = z, a02 = z, a03 = z, a10 = z, a11 = z, a12 = z, a13 = z;
        FloatVector a20 = z, a21 = z, a22 = z, a23 = z, a30 = z, a31 = z, a32 = z, a33 = z;
        for (int row = 0; row < rows.length; row += 2) {
            int at = at0 + rows[row];
            FloatVector x0 = FloatVector.fromArray(SPECIES, xl, at);
            FloatVector x1 = FloatVector.fromArray(SPECIES, xl, at + L);
            FloatVector x2 = FloatVector.fromArray(SPECIES, xl, at + 2 * L);
            for (int s = 0, wj = wAt + rows[row + 1]; s < taps; s++, wj += 4) {
                FloatVector x3 = FloatVector.fromArray(SPECIES, xl, at + (s + 3) * L);
                FloatVector w0 = FloatVector.broadcast(SPECIES, wp[wj]);
                a00 = x0.fma(w0, a00);
                a01 = x1.fma(w0, a01);
                a02 = x2.fma(w0, a02);
                a03 = x3.fma(w0, a03);
                FloatVector w1 = FloatVector.broadcast(SPECIES, wp[wj + 1]);
                a10 = x0.fma(w1, a10);
                a11 = x1.fma(w1, a11);
                a12 = x2.fma(w1, a12);
                a13 = x3.fma(w1, a13);
                FloatVector w2 = FloatVector.broadcast(SPECIES, wp[wj + 2]);
                a20 = x0.fma(w2, a20);
                a21 = x1.fma(w2, a21);
                a22 = x2.fma(w2, a22);
                a23 = x3.fma(w2, a23);
                FloatVector w3 = FloatVector.broadcast(SPECIES, wp[wj + 3]);
                a30 = x0.fma(w3, a30);
                a31 = x1.fma(w3, a31);
                a32 = x2.fma(w3, a32);
                a33 = x3.fma(w3, a33);
                x0 = x1;
                x1 = x2;
                x2 = x3;
            }
        }
        a00.intoArray(dst, dstAt);
        a01.intoArray(dst, dstAt + L);
        a02.intoArray(dst, dstAt + 2 * L);
        a03.intoArray(dst, dstAt + 3 * L);
        a10.intoArray(dst, dstAt + kStride);
        a11.intoArray(dst, dstAt + kStride + L);
        a12.intoArray(dst, dstAt + kStride + 2 * L);
        a13.intoArray(dst, dstAt + kStride + 3 * L);
        a20.intoArray(dst, dstAt + 2 * kStride);
        a21.intoArray(dst, dstAt + 2 * kStride + L);
        a22.intoArray(dst, dstAt + 2 * kStride + 2 * L);
        a23.intoArray(dst, dstAt + 2 * kStride + 3 * L);
        a30.intoArray(dst, dstAt + 3 * kStride);
        a31.intoArray(dst, dstAt + 3 * kStride + L);
        a32.intoArray(dst, dstAt + 3 * kStride + 2 * L);
        a33.intoArray(dst, dstAt + 3 * kStride + 3 * L);
    }

    /**
     * {@link #forward4x5Rows} and {@link #forward4x4Rows} for kernels five and three taps wide,
     * the loop over a kernel row's taps unrolled: with it as a loop of five, C2 kept its
     * overhead and a bounds check per input load (Fashion-MNIST's second layer alternated in
     * one JVM, one thread: forward 7.90 -> 6.82 ms, backward data 8.66 -> 6.96; two threads:
     * 5.08 -> 4.36 and 6.01 -> 4.75; a 3×3 layer of 16 channels on 28×28, one thread, three
     * JVM pairs: forward 2.66-3.22 -> 2.04-2.07 ms).
     */
    private static void forward4x5Rows5(float[] xl, int at0, float[] wp, int wAt, int[] rows,
            float[] dst, int dstAt, int kStride) {
        FloatVector z = FloatVector.zero(SPECIES);
        FloatVector a00 = z, a01 = z, a02 = z, a03 = z, a04 = z;
        FloatVector a10 = z, a11 = z, a12 = z, a13 = z, a14 = z;
        FloatVector a20 = z, a21 = z, a22 = z, a23 = z, a24 = z;
        FloatVector a30 = z, a31 = z, a32 = z, a33 = z, a34 = z;
        for (int row = 0; row < rows.length; row += 2) {
            int at = at0 + rows[row], wj = wAt + rows[row + 1];
            FloatVector x0 = FloatVector.fromArray(SPECIES, xl, at + 0 * L);
            FloatVector x1 = FloatVector.fromArray(SPECIES, xl, at + 1 * L);
            FloatVector x2 = FloatVector.fromArray(SPECIES, xl, at + 2 * L);
            FloatVector x3 = FloatVector.fromArray(SPECIES, xl, at + 3 * L);
            FloatVector x4 = FloatVector.fromArray(SPECIES, xl, at + 4 * L);
            FloatVector w00 = FloatVector.broadcast(SPECIES, wp[wj + 0]);
            a00 = x0.fma(w00, a00);
            a01 = x1.fma(w00, a01);
            a02 = x2.fma(w00, a02);
            a03 = x3.fma(w00, a03);
            a04 = x4.fma(w00, a04);
            FloatVector w01 = FloatVector.broadcast(SPECIES, wp[wj + 1]);
            a10 = x0.fma(w01, a10);
            a11 = x1.fma(w01, a11);
            a12 = x2.fma(w01, a12);
            a13 = x3.fma(w01, a13);
            a14 = x4.fma(w01, a14);
            FloatVector w02 = FloatVector.broadcast(SPECIES, wp[wj + 2]);
            a20 = x0.fma(w02, a20);
            a21 = x1.fma(w02, a21);
            a22 = x2.fma(w02, a22);
            a23 = x3.fma(w02, a23);
            a24 = x4.fma(w02, a24);
            FloatVector w03 = FloatVector.broadcast(SPECIES, wp[wj + 3]);
            a30 = x0.fma(w03, a30);
            a31 = x1.fma(w03, a31);
            a32 = x2.fma(w03, a32);
            a33 = x3.fma(w03, a33);
            a34 = x4.fma(w03, a34);
            FloatVector x5 = FloatVector.fromArray(SPECIES, xl, at + 5 * L);
            FloatVector w10 = FloatVector.broadcast(SPECIES, wp[wj + 4]);
            a00 = x1.fma(w10, a00);
            a01 = x2.fma(w10, a01);
            a02 = x3.fma(w10, a02);
            a03 = x4.fma(w10, a03);
            a04 = x5.fma(w10, a04);
            FloatVector w11 = FloatVector.broadcast(SPECIES, wp[wj + 5]);
            a10 = x1.fma(w11, a10);
            a11 = x2.fma(w11, a11);
            a12 = x3.fma(w11, a12);
            a13 = x4.fma(w11, a13);
            a14 = x5.fma(w11, a14);
            FloatVector w12 = FloatVector.broadcast(SPECIES, wp[wj + 6]);
            a20 = x1.fma(w12, a20);
            a21 = x2.fma(w12, a21);
            a22 = x3.fma(w12, a22);
            a23 = x4.fma(w12, a23);
            a24 = x5.fma(w12, a24);
            FloatVector w13 = FloatVector.broadcast(SPECIES, wp[wj + 7]);
            a30 = x1.fma(w13, a30);
            a31 = x2.fma(w13, a31);
            a32 = x3.fma(w13, a32);
            a33 = x4.fma(w13, a33);
            a34 = x5.fma(w13, a34);
            FloatVector x6 = FloatVector.fromArray(SPECIES, xl, at + 6 * L);
            FloatVector w20 = FloatVector.broadcast(SPECIES, wp[wj + 8]);
            a00 = x2.fma(w20, a00);
            a01 = x3.fma(w20, a01);
            a02 = x4.fma(w20, a02);
            a03 = x5.fma(w20, a03);
            a04 = x6.fma(w20, a04);
            FloatVector w21 = FloatVector.broadcast(SPECIES, wp[wj + 9]);
            a10 = x2.fma(w21, a10);
            a11 = x3.fma(w21, a11);
            a12 = x4.fma(w21, a12);
            a13 = x5.fma(w21, a13);
            a14 = x6.fma(w21, a14);
            FloatVector w22 = FloatVector.broadcast(SPECIES, wp[wj + 10]);
            a20 = x2.fma(w22, a20);
            a21 = x3.fma(w22, a21);
            a22 = x4.fma(w22, a22);
            a23 = x5.fma(w22, a23);
            a24 = x6.fma(w22, a24);
            FloatVector w23 = FloatVector.broadcast(SPECIES, wp[wj + 11]);
            a30 = x2.fma(w23, a30);
            a31 = x3.fma(w23, a31);
            a32 = x4.fma(w23, a32);
            a33 = x5.fma(w23, a33);
            a34 = x6.fma(w23, a34);
            FloatVector x7 = FloatVector.fromArray(SPECIES, xl, at + 7 * L);
            FloatVector w30 = FloatVector.broadcast(SPECIES, wp[wj + 12]);
            a00 = x3.fma(w30, a00);
            a01 = x4.fma(w30, a01);
            a02 = x5.fma(w30, a02);
            a03 = x6.fma(w30, a03);
            a04 = x7.fma(w30, a04);
            FloatVector w31 = FloatVector.broadcast(SPECIES, wp[wj + 13]);
            a10 = x3.fma(w31, a10);
            a11 = x4.fma(w31, a11);
            a12 = x5.fma(w31, a12);
            a13 = x6.fma(w31, a13);
            a14 = x7.fma(w31, a14);
            FloatVector w32 = FloatVector.broadcast(SPECIES, wp[wj + 14]);
            a20 = x3.fma(w32, a20);
            a21 = x4.fma(w32, a21);
            a22 = x5.fma(w32, a22);
            a23 = x6.fma(w32, a23);
            a24 = x7.fma(w32, a24);
            FloatVector w33 = FloatVector.broadcast(SPECIES, wp[wj + 15]);
            a30 = x3.fma(w33, a30);
            a31 = x4.fma(w33, a31);
            a32 = x5.fma(w33, a32);
            a33 = x6.fma(w33, a33);
            a34 = x7.fma(w33, a34);
            FloatVector x8 = FloatVector.fromArray(SPECIES, xl, at + 8 * L);
            FloatVector w40 = FloatVector.broadcast(SPECIES, wp[wj + 16]);
            a00 = x4.fma(w40, a00);
            a01 = x5.fma(w40, a01);
            a02 = x6.fma(w40, a02);
            a03 = x7.fma(w40, a03);
            a04 = x8.fma(w40, a04);
            FloatVector w41 = FloatVector.broadcast(SPECIES, wp[wj + 17]);
            a10 = x4.fma(w41, a10);
            a11 = x5.fma(w41, a11);
            a12 = x6.fma(w41, a12);
            a13 = x7.fma(w41, a13);
            a14 = x8.fma(w41, a14);
            FloatVector w42 = FloatVector.broadcast(SPECIES, wp[wj + 18]);
            a20 = x4.fma(w42, a20);
            a21 = x5.fma(w42, a21);
            a22 = x6.fma(w42, a22);
            a23 = x7.fma(w42, a23);
            a24 = x8.fma(w42, a24);
            FloatVector w43 = FloatVector.broadcast(SPECIES, wp[wj + 19]);
            a30 = x4.fma(w43, a30);
            a31 = x5.fma(w43, a31);
            a32 = x6.fma(w43, a32);
            a33 = x7.fma(w43, a33);
            a34 = x8.fma(w43, a34);
        }
        a00.intoArray(dst, dstAt);
        a01.intoArray(dst, dstAt + L);
        a02.intoArray(dst, dstAt + 2 * L);
        a03.intoArray(dst, dstAt + 3 * L);
        a04.intoArray(dst, dstAt + 4 * L);
        a10.intoArray(dst, dstAt + kStride);
        a11.intoArray(dst, dstAt + kStride + L);
        a12.intoArray(dst, dstAt + kStride + 2 * L);
        a13.intoArray(dst, dstAt + kStride + 3 * L);
        a14.intoArray(dst, dstAt + kStride + 4 * L);
        a20.intoArray(dst, dstAt + 2 * kStride);
        a21.intoArray(dst, dstAt + 2 * kStride + L);
        a22.intoArray(dst, dstAt + 2 * kStride + 2 * L);
        a23.intoArray(dst, dstAt + 2 * kStride + 3 * L);
        a24.intoArray(dst, dstAt + 2 * kStride + 4 * L);
        a30.intoArray(dst, dstAt + 3 * kStride);
        a31.intoArray(dst, dstAt + 3 * kStride + L);
        a32.intoArray(dst, dstAt + 3 * kStride + 2 * L);
        a33.intoArray(dst, dstAt + 3 * kStride + 3 * L);
        a34.intoArray(dst, dstAt + 3 * kStride + 4 * L);
    }

    private static void forward4x4Rows5(float[] xl, int at0, float[] wp, int wAt, int[] rows,
            float[] dst, int dstAt, int kStride) {
        FloatVector z = FloatVector.zero(SPECIES);
        FloatVector a00 = z, a01 = z, a02 = z, a03 = z;
        FloatVector a10 = z, a11 = z, a12 = z, a13 = z;
        FloatVector a20 = z, a21 = z, a22 = z, a23 = z;
        FloatVector a30 = z, a31 = z, a32 = z, a33 = z;
        for (int row = 0; row < rows.length; row += 2) {
            int at = at0 + rows[row], wj = wAt + rows[row + 1];
            FloatVector x0 = FloatVector.fromArray(SPECIES, xl, at + 0 * L);
            FloatVector x1 = FloatVector.fromArray(SPECIES, xl, at + 1 * L);
            FloatVector x2 = FloatVector.fromArray(SPECIES, xl, at + 2 * L);
            FloatVector x3 = FloatVector.fromArray(SPECIES, xl, at + 3 * L);
            FloatVector w00 = FloatVector.broadcast(SPECIES, wp[wj + 0]);
            a00 = x0.fma(w00, a00);
            a01 = x1.fma(w00, a01);
            a02 = x2.fma(w00, a02);
            a03 = x3.fma(w00, a03);
            FloatVector w01 = FloatVector.broadcast(SPECIES, wp[wj + 1]);
            a10 = x0.fma(w01, a10);
            a11 = x1.fma(w01, a11);
            a12 = x2.fma(w01, a12);
            a13 = x3.fma(w01, a13);
            FloatVector w02 = FloatVector.broadcast(SPECIES, wp[wj + 2]);
            a20 = x0.fma(w02, a20);
            a21 = x1.fma(w02, a21);
            a22 = x2.fma(w02, a22);
            a23 = x3.fma(w02, a23);
            FloatVector w03 = FloatVector.broadcast(SPECIES, wp[wj + 3]);
            a30 = x0.fma(w03, a30);
            a31 = x1.fma(w03, a31);
            a32 = x2.fma(w03, a32);
            a33 = x3.fma(w03, a33);
            FloatVector x4 = FloatVector.fromArray(SPECIES, xl, at + 4 * L);
            FloatVector w10 = FloatVector.broadcast(SPECIES, wp[wj + 4]);
            a00 = x1.fma(w10, a00);
            a01 = x2.fma(w10, a01);
            a02 = x3.fma(w10, a02);
            a03 = x4.fma(w10, a03);
            FloatVector w11 = FloatVector.broadcast(SPECIES, wp[wj + 5]);
            a10 = x1.fma(w11, a10);
            a11 = x2.fma(w11, a11);
            a12 = x3.fma(w11, a12);
            a13 = x4.fma(w11, a13);
            FloatVector w12 = FloatVector.broadcast(SPECIES, wp[wj + 6]);
            a20 = x1.fma(w12, a20);
            a21 = x2.fma(w12, a21);
            a22 = x3.fma(w12, a22);
            a23 = x4.fma(w12, a23);
            FloatVector w13 = FloatVector.broadcast(SPECIES, wp[wj + 7]);
            a30 = x1.fma(w13, a30);
            a31 = x2.fma(w13, a31);
            a32 = x3.fma(w13, a32);
            a33 = x4.fma(w13, a33);
            FloatVector x5 = FloatVector.fromArray(SPECIES, xl, at + 5 * L);
            FloatVector w20 = FloatVector.broadcast(SPECIES, wp[wj + 8]);
            a00 = x2.fma(w20, a00);
            a01 = x3.fma(w20, a01);
            a02 = x4.fma(w20, a02);
            a03 = x5.fma(w20, a03);
            FloatVector w21 = FloatVector.broadcast(SPECIES, wp[wj + 9]);
            a10 = x2.fma(w21, a10);
            a11 = x3.fma(w21, a11);
            a12 = x4.fma(w21, a12);
            a13 = x5.fma(w21, a13);
            FloatVector w22 = FloatVector.broadcast(SPECIES, wp[wj + 10]);
            a20 = x2.fma(w22, a20);
            a21 = x3.fma(w22, a21);
            a22 = x4.fma(w22, a22);
            a23 = x5.fma(w22, a23);
            FloatVector w23 = FloatVector.broadcast(SPECIES, wp[wj + 11]);
            a30 = x2.fma(w23, a30);
            a31 = x3.fma(w23, a31);
            a32 = x4.fma(w23, a32);
            a33 = x5.fma(w23, a33);
            FloatVector x6 = FloatVector.fromArray(SPECIES, xl, at + 6 * L);
            FloatVector w30 = FloatVector.broadcast(SPECIES, wp[wj + 12]);
            a00 = x3.fma(w30, a00);
            a01 = x4.fma(w30, a01);
            a02 = x5.fma(w30, a02);
            a03 = x6.fma(w30, a03);
            FloatVector w31 = FloatVector.broadcast(SPECIES, wp[wj + 13]);
            a10 = x3.fma(w31, a10);
            a11 = x4.fma(w31, a11);
            a12 = x5.fma(w31, a12);
            a13 = x6.fma(w31, a13);
            FloatVector w32 = FloatVector.broadcast(SPECIES, wp[wj + 14]);
            a20 = x3.fma(w32, a20);
            a21 = x4.fma(w32, a21);
            a22 = x5.fma(w32, a22);
            a23 = x6.fma(w32, a23);
            FloatVector w33 = FloatVector.broadcast(SPECIES, wp[wj + 15]);
            a30 = x3.fma(w33, a30);
            a31 = x4.fma(w33, a31);
            a32 = x5.fma(w33, a32);
            a33 = x6.fma(w33, a33);
            FloatVector x7 = FloatVector.fromArray(SPECIES, xl, at + 7 * L);
            FloatVector w40 = FloatVector.broadcast(SPECIES, wp[wj + 16]);
            a00 = x4.fma(w40, a00);
            a01 = x5.fma(w40, a01);
            a02 = x6.fma(w40, a02);
            a03 = x7.fma(w40, a03);
            FloatVector w41 = FloatVector.broadcast(SPECIES, wp[wj + 17]);
            a10 = x4.fma(w41, a10);
            a11 = x5.fma(w41, a11);
            a12 = x6.fma(w41, a12);
            a13 = x7.fma(w41, a13);
            FloatVector w42 = FloatVector.broadcast(SPECIES, wp[wj + 18]);
            a20 = x4.fma(w42, a20);
            a21 = x5.fma(w42, a21);
            a22 = x6.fma(w42, a22);
            a23 = x7.fma(w42, a23);
            FloatVector w43 = FloatVector.broadcast(SPECIES, wp[wj + 19]);
            a30 = x4.fma(w43, a30);
            a31 = x5.fma(w43, a31);
            a32 = x6.fma(w43, a32);
            a33 = x7.fma(w43, a33);
        }
        a00.intoArray(dst, dstAt);
        a01.intoArray(dst, dstAt + L);
        a02.intoArray(dst, dstAt + 2 * L);
        a03.intoArray(dst, dstAt + 3 * L);
        a10.intoArray(dst, dstAt + kStride);
        a11.intoArray(dst, dstAt + kStride + L);
        a12.intoArray(dst, dstAt + kStride + 2 * L);
        a13.intoArray(dst, dstAt + kStride + 3 * L);
        a20.intoArray(dst, dstAt + 2 * kStride);
        a21.intoArray(dst, dstAt + 2 * kStride + L);
        a22.intoArray(dst, dstAt + 2 * kStride + 2 * L);
        a23.intoArray(dst, dstAt + 2 * kStride + 3 * L);
        a30.intoArray(dst, dstAt + 3 * kStride);
        a31.intoArray(dst, dstAt + 3 * kStride + L);
        a32.intoArray(dst, dstAt + 3 * kStride + 2 * L);
        a33.intoArray(dst, dstAt + 3 * kStride + 3 * L);
    }

    private static void forward4x5Rows3(float[] xl, int at0, float[] wp, int wAt, int[] rows,
            float[] dst, int dstAt, int kStride) {
        FloatVector z = FloatVector.zero(SPECIES);
        FloatVector a00 = z, a01 = z, a02 = z, a03 = z, a04 = z;
        FloatVector a10 = z, a11 = z, a12 = z, a13 = z, a14 = z;
        FloatVector a20 = z, a21 = z, a22 = z, a23 = z, a24 = z;
        FloatVector a30 = z, a31 = z, a32 = z, a33 = z, a34 = z;
        for (int row = 0; row < rows.length; row += 2) {
            int at = at0 + rows[row], wj = wAt + rows[row + 1];
            FloatVector x0 = FloatVector.fromArray(SPECIES, xl, at + 0 * L);
            FloatVector x1 = FloatVector.fromArray(SPECIES, xl, at + 1 * L);
            FloatVector x2 = FloatVector.fromArray(SPECIES, xl, at + 2 * L);
            FloatVector x3 = FloatVector.fromArray(SPECIES, xl, at + 3 * L);
            FloatVector x4 = FloatVector.fromArray(SPECIES, xl, at + 4 * L);
            FloatVector w00 = FloatVector.broadcast(SPECIES, wp[wj + 0]);
            a00 = x0.fma(w00, a00);
            a01 = x1.fma(w00, a01);
            a02 = x2.fma(w00, a02);
            a03 = x3.fma(w00, a03);
            a04 = x4.fma(w00, a04);
            FloatVector w01 = FloatVector.broadcast(SPECIES, wp[wj + 1]);
            a10 = x0.fma(w01, a10);
            a11 = x1.fma(w01, a11);
            a12 = x2.fma(w01, a12);
            a13 = x3.fma(w01, a13);
            a14 = x4.fma(w01, a14);
            FloatVector w02 = FloatVector.broadcast(SPECIES, wp[wj + 2]);
            a20 = x0.fma(w02, a20);
            a21 = x1.fma(w02, a21);
            a22 = x2.fma(w02, a22);
            a23 = x3.fma(w02, a23);
            a24 = x4.fma(w02, a24);
            FloatVector w03 = FloatVector.broadcast(SPECIES, wp[wj + 3]);
            a30 = x0.fma(w03, a30);
            a31 = x1.fma(w03, a31);
            a32 = x2.fma(w03, a32);
            a33 = x3.fma(w03, a33);
            a34 = x4.fma(w03, a34);
            FloatVector x5 = FloatVector.fromArray(SPECIES, xl, at + 5 * L);
            FloatVector w10 = FloatVector.broadcast(SPECIES, wp[wj + 4]);
            a00 = x1.fma(w10, a00);
            a01 = x2.fma(w10, a01);
            a02 = x3.fma(w10, a02);
            a03 = x4.fma(w10, a03);
            a04 = x5.fma(w10, a04);
            FloatVector w11 = FloatVector.broadcast(SPECIES, wp[wj + 5]);
            a10 = x1.fma(w11, a10);
            a11 = x2.fma(w11, a11);
            a12 = x3.fma(w11, a12);
            a13 = x4.fma(w11, a13);
            a14 = x5.fma(w11, a14);
            FloatVector w12 = FloatVector.broadcast(SPECIES, wp[wj + 6]);
            a20 = x1.fma(w12, a20);
            a21 = x2.fma(w12, a21);
            a22 = x3.fma(w12, a22);
            a23 = x4.fma(w12, a23);
            a24 = x5.fma(w12, a24);
            FloatVector w13 = FloatVector.broadcast(SPECIES, wp[wj + 7]);
            a30 = x1.fma(w13, a30);
            a31 = x2.fma(w13, a31);
            a32 = x3.fma(w13, a32);
            a33 = x4.fma(w13, a33);
            a34 = x5.fma(w13, a34);
            FloatVector x6 = FloatVector.fromArray(SPECIES, xl, at + 6 * L);
            FloatVector w20 = FloatVector.broadcast(SPECIES, wp[wj + 8]);
            a00 = x2.fma(w20, a00);
            a01 = x3.fma(w20, a01);
            a02 = x4.fma(w20, a02);
            a03 = x5.fma(w20, a03);
            a04 = x6.fma(w20, a04);
            FloatVector w21 = FloatVector.broadcast(SPECIES, wp[wj + 9]);
            a10 = x2.fma(w21, a10);
            a11 = x3.fma(w21, a11);
            a12 = x4.fma(w21, a12);
            a13 = x5.fma(w21, a13);
            a14 = x6.fma(w21, a14);
            FloatVector w22 = FloatVector.broadcast(SPECIES, wp[wj + 10]);
            a20 = x2.fma(w22, a20);
            a21 = x3.fma(w22, a21);
            a22 = x4.fma(w22, a22);
            a23 = x5.fma(w22, a23);
            a24 = x6.fma(w22, a24);
            FloatVector w23 = FloatVector.broadcast(SPECIES, wp[wj + 11]);
            a30 = x2.fma(w23, a30);
            a31 = x3.fma(w23, a31);
            a32 = x4.fma(w23, a32);
            a33 = x5.fma(w23, a33);
            a34 = x6.fma(w23, a34);
        }
        a00.intoArray(dst, dstAt);
        a01.intoArray(dst, dstAt + L);
        a02.intoArray(dst, dstAt + 2 * L);
        a03.intoArray(dst, dstAt + 3 * L);
        a04.intoArray(dst, dstAt + 4 * L);
        a10.intoArray(dst, dstAt + kStride);
        a11.intoArray(dst, dstAt + kStride + L);
        a12.intoArray(dst, dstAt + kStride + 2 * L);
        a13.intoArray(dst, dstAt + kStride + 3 * L);
        a14.intoArray(dst, dstAt + kStride + 4 * L);
        a20.intoArray(dst, dstAt + 2 * kStride);
        a21.intoArray(dst, dstAt + 2 * kStride + L);
        a22.intoArray(dst, dstAt + 2 * kStride + 2 * L);
        a23.intoArray(dst, dstAt + 2 * kStride + 3 * L);
        a24.intoArray(dst, dstAt + 2 * kStride + 4 * L);
        a30.intoArray(dst, dstAt + 3 * kStride);
        a31.intoArray(dst, dstAt + 3 * kStride + L);
        a32.intoArray(dst, dstAt + 3 * kStride + 2 * L);
        a33.intoArray(dst, dstAt + 3 * kStride + 3 * L);
        a34.intoArray(dst, dstAt + 3 * kStride + 4 * L);
    }

    private static void forward4x4Rows3(float[] xl, int at0, float[] wp, int wAt, int[] rows,
            float[] dst, int dstAt, int kStride) {
        FloatVector z = FloatVector.zero(SPECIES);
        FloatVector a00 = z, a01 = z, a02 = z, a03 = z;
        FloatVector a10 = z, a11 = z, a12 = z, a13 = z;
        FloatVector a20 = z, a21 = z, a22 = z, a23 = z;
        FloatVector a30 = z, a31 = z, a32 = z, a33 = z;
        for (int row = 0; row < rows.length; row += 2) {
            int at = at0 + rows[row], wj = wAt + rows[row + 1];
            FloatVector x0 = FloatVector.fromArray(SPECIES, xl, at + 0 * L);
            FloatVector x1 = FloatVector.fromArray(SPECIES, xl, at + 1 * L);
            FloatVector x2 = FloatVector.fromArray(SPECIES, xl, at + 2 * L);
            FloatVector x3 = FloatVector.fromArray(SPECIES, xl, at + 3 * L);
            FloatVector w00 = FloatVector.broadcast(SPECIES, wp[wj + 0]);
            a00 = x0.fma(w00, a00);
            a01 = x1.fma(w00, a01);
            a02 = x2.fma(w00, a02);
            a03 = x3.fma(w00, a03);
            FloatVector w01 = FloatVector.broadcast(SPECIES, wp[wj + 1]);
            a10 = x0.fma(w01, a10);
            a11 = x1.fma(w01, a11);
            a12 = x2.fma(w01, a12);
            a13 = x3.fma(w01, a13);
            FloatVector w02 = FloatVector.broadcast(SPECIES, wp[wj + 2]);
            a20 = x0.fma(w02, a20);
            a21 = x1.fma(w02, a21);
            a22 = x2.fma(w02, a22);
            a23 = x3.fma(w02, a23);
            FloatVector w03 = FloatVector.broadcast(SPECIES, wp[wj + 3]);
            a30 = x0.fma(w03, a30);
            a31 = x1.fma(w03, a31);
            a32 = x2.fma(w03, a32);
            a33 = x3.fma(w03, a33);
            FloatVector x4 = FloatVector.fromArray(SPECIES, xl, at + 4 * L);
            FloatVector w10 = FloatVector.broadcast(SPECIES, wp[wj + 4]);
            a00 = x1.fma(w10, a00);
            a01 = x2.fma(w10, a01);
            a02 = x3.fma(w10, a02);
            a03 = x4.fma(w10, a03);
            FloatVector w11 = FloatVector.broadcast(SPECIES, wp[wj + 5]);
            a10 = x1.fma(w11, a10);
            a11 = x2.fma(w11, a11);
            a12 = x3.fma(w11, a12);
            a13 = x4.fma(w11, a13);
            FloatVector w12 = FloatVector.broadcast(SPECIES, wp[wj + 6]);
            a20 = x1.fma(w12, a20);
            a21 = x2.fma(w12, a21);
            a22 = x3.fma(w12, a22);
            a23 = x4.fma(w12, a23);
            FloatVector w13 = FloatVector.broadcast(SPECIES, wp[wj + 7]);
            a30 = x1.fma(w13, a30);
            a31 = x2.fma(w13, a31);
            a32 = x3.fma(w13, a32);
            a33 = x4.fma(w13, a33);
            FloatVector x5 = FloatVector.fromArray(SPECIES, xl, at + 5 * L);
            FloatVector w20 = FloatVector.broadcast(SPECIES, wp[wj + 8]);
            a00 = x2.fma(w20, a00);
            a01 = x3.fma(w20, a01);
            a02 = x4.fma(w20, a02);
            a03 = x5.fma(w20, a03);
            FloatVector w21 = FloatVector.broadcast(SPECIES, wp[wj + 9]);
            a10 = x2.fma(w21, a10);
            a11 = x3.fma(w21, a11);
            a12 = x4.fma(w21, a12);
            a13 = x5.fma(w21, a13);
            FloatVector w22 = FloatVector.broadcast(SPECIES, wp[wj + 10]);
            a20 = x2.fma(w22, a20);
            a21 = x3.fma(w22, a21);
            a22 = x4.fma(w22, a22);
            a23 = x5.fma(w22, a23);
            FloatVector w23 = FloatVector.broadcast(SPECIES, wp[wj + 11]);
            a30 = x2.fma(w23, a30);
            a31 = x3.fma(w23, a31);
            a32 = x4.fma(w23, a32);
            a33 = x5.fma(w23, a33);
        }
        a00.intoArray(dst, dstAt);
        a01.intoArray(dst, dstAt + L);
        a02.intoArray(dst, dstAt + 2 * L);
        a03.intoArray(dst, dstAt + 3 * L);
        a10.intoArray(dst, dstAt + kStride);
        a11.intoArray(dst, dstAt + kStride + L);
        a12.intoArray(dst, dstAt + kStride + 2 * L);
        a13.intoArray(dst, dstAt + kStride + 3 * L);
        a20.intoArray(dst, dstAt + 2 * kStride);
        a21.intoArray(dst, dstAt + 2 * kStride + L);
        a22.intoArray(dst, dstAt + 2 * kStride + 2 * L);
        a23.intoArray(dst, dstAt + 2 * kStride + 3 * L);
        a30.intoArray(dst, dstAt + 3 * kStride);
        a31.intoArray(dst, dstAt + 3 * kStride + L);
        a32.intoArray(dst, dstAt + 3 * kStride + 2 * L);
        a33.intoArray(dst, dstAt + 3 * kStride + 3 * L);
    }

    /** {@link #forward4x4Rows} with five positions: rows of 10, 14 or 15 positions need no tile of four alone. */
    private static void forward4x5Rows(float[] xl, int at0, float[] wp, int wAt, int[] rows, int taps,
            float[] dst, int dstAt, int kStride) {
        FloatVector z = FloatVector.zero(SPECIES);
        FloatVector a00 = z, a01 = z, a02 = z, a03 = z, a04 = z;
        FloatVector a10 = z, a11 = z, a12 = z, a13 = z, a14 = z;
        FloatVector a20 = z, a21 = z, a22 = z, a23 = z, a24 = z;
        FloatVector a30 = z, a31 = z, a32 = z, a33 = z, a34 = z;
        for (int row = 0; row < rows.length; row += 2) {
            int at = at0 + rows[row];
            FloatVector x0 = FloatVector.fromArray(SPECIES, xl, at);
            FloatVector x1 = FloatVector.fromArray(SPECIES, xl, at + L);
            FloatVector x2 = FloatVector.fromArray(SPECIES, xl, at + 2 * L);
            FloatVector x3 = FloatVector.fromArray(SPECIES, xl, at + 3 * L);
            for (int s = 0, wj = wAt + rows[row + 1]; s < taps; s++, wj += 4) {
                FloatVector x4 = FloatVector.fromArray(SPECIES, xl, at + (s + 4) * L);
                FloatVector w0 = FloatVector.broadcast(SPECIES, wp[wj]);
                a00 = x0.fma(w0, a00);
                a01 = x1.fma(w0, a01);
                a02 = x2.fma(w0, a02);
                a03 = x3.fma(w0, a03);
                a04 = x4.fma(w0, a04);
                FloatVector w1 = FloatVector.broadcast(SPECIES, wp[wj + 1]);
                a10 = x0.fma(w1, a10);
                a11 = x1.fma(w1, a11);
                a12 = x2.fma(w1, a12);
                a13 = x3.fma(w1, a13);
                a14 = x4.fma(w1, a14);
                FloatVector w2 = FloatVector.broadcast(SPECIES, wp[wj + 2]);
                a20 = x0.fma(w2, a20);
                a21 = x1.fma(w2, a21);
                a22 = x2.fma(w2, a22);
                a23 = x3.fma(w2, a23);
                a24 = x4.fma(w2, a24);
                FloatVector w3 = FloatVector.broadcast(SPECIES, wp[wj + 3]);
                a30 = x0.fma(w3, a30);
                a31 = x1.fma(w3, a31);
                a32 = x2.fma(w3, a32);
                a33 = x3.fma(w3, a33);
                a34 = x4.fma(w3, a34);
                x0 = x1;
                x1 = x2;
                x2 = x3;
                x3 = x4;
            }
        }
        a00.intoArray(dst, dstAt);
        a01.intoArray(dst, dstAt + L);
        a02.intoArray(dst, dstAt + 2 * L);
        a03.intoArray(dst, dstAt + 3 * L);
        a04.intoArray(dst, dstAt + 4 * L);
        a10.intoArray(dst, dstAt + kStride);
        a11.intoArray(dst, dstAt + kStride + L);
        a12.intoArray(dst, dstAt + kStride + 2 * L);
        a13.intoArray(dst, dstAt + kStride + 3 * L);
        a14.intoArray(dst, dstAt + kStride + 4 * L);
        a20.intoArray(dst, dstAt + 2 * kStride);
        a21.intoArray(dst, dstAt + 2 * kStride + L);
        a22.intoArray(dst, dstAt + 2 * kStride + 2 * L);
        a23.intoArray(dst, dstAt + 2 * kStride + 3 * L);
        a24.intoArray(dst, dstAt + 2 * kStride + 4 * L);
        a30.intoArray(dst, dstAt + 3 * kStride);
        a31.intoArray(dst, dstAt + 3 * kStride + L);
        a32.intoArray(dst, dstAt + 3 * kStride + 2 * L);
        a33.intoArray(dst, dstAt + 3 * kStride + 3 * L);
        a34.intoArray(dst, dstAt + 3 * kStride + 4 * L);
    }

    private static void forward4x1(float[] xl, int at0, float[] wp, int wAt, int[] off,
            float[] dst, int dstAt, int kStride) {
        FloatVector a0 = FloatVector.zero(SPECIES), a1 = a0, a2 = a0, a3 = a0;
        for (int j = 0; j < off.length; j += 2) {
            int wj = wAt + off[j + 1];
            FloatVector x0 = FloatVector.fromArray(SPECIES, xl, at0 + off[j]);
            a0 = x0.fma(FloatVector.broadcast(SPECIES, wp[wj]), a0);
            a1 = x0.fma(FloatVector.broadcast(SPECIES, wp[wj + 1]), a1);
            a2 = x0.fma(FloatVector.broadcast(SPECIES, wp[wj + 2]), a2);
            a3 = x0.fma(FloatVector.broadcast(SPECIES, wp[wj + 3]), a3);
        }
        a0.intoArray(dst, dstAt);
        a1.intoArray(dst, dstAt + kStride);
        a2.intoArray(dst, dstAt + 2 * kStride);
        a3.intoArray(dst, dstAt + 3 * kStride);
    }

    private static void forward2x8(float[] xl, int at0, int step, float[] wp, int wAt, int[] off,
            float[] dst, int dstAt, int kStride) {
        FloatVector z = FloatVector.zero(SPECIES);
        FloatVector a00 = z, a01 = z, a02 = z, a03 = z, a04 = z, a05 = z, a06 = z, a07 = z;
        FloatVector a10 = z, a11 = z, a12 = z, a13 = z, a14 = z, a15 = z, a16 = z, a17 = z;
        for (int j = 0; j < off.length; j += 2) {
            int at = at0 + off[j], wj = wAt + off[j + 1];
            FloatVector w0 = FloatVector.broadcast(SPECIES, wp[wj]);
            FloatVector w1 = FloatVector.broadcast(SPECIES, wp[wj + 1]);
            FloatVector x = FloatVector.fromArray(SPECIES, xl, at);
            a00 = x.fma(w0, a00);
            a10 = x.fma(w1, a10);
            x = FloatVector.fromArray(SPECIES, xl, at + step);
            a01 = x.fma(w0, a01);
            a11 = x.fma(w1, a11);
            x = FloatVector.fromArray(SPECIES, xl, at + 2 * step);
            a02 = x.fma(w0, a02);
            a12 = x.fma(w1, a12);
            x = FloatVector.fromArray(SPECIES, xl, at + 3 * step);
            a03 = x.fma(w0, a03);
            a13 = x.fma(w1, a13);
            x = FloatVector.fromArray(SPECIES, xl, at + 4 * step);
            a04 = x.fma(w0, a04);
            a14 = x.fma(w1, a14);
            x = FloatVector.fromArray(SPECIES, xl, at + 5 * step);
            a05 = x.fma(w0, a05);
            a15 = x.fma(w1, a15);
            x = FloatVector.fromArray(SPECIES, xl, at + 6 * step);
            a06 = x.fma(w0, a06);
            a16 = x.fma(w1, a16);
            x = FloatVector.fromArray(SPECIES, xl, at + 7 * step);
            a07 = x.fma(w0, a07);
            a17 = x.fma(w1, a17);
        }
        a00.intoArray(dst, dstAt);
        a01.intoArray(dst, dstAt + L);
        a02.intoArray(dst, dstAt + 2 * L);
        a03.intoArray(dst, dstAt + 3 * L);
        a04.intoArray(dst, dstAt + 4 * L);
        a05.intoArray(dst, dstAt + 5 * L);
        a06.intoArray(dst, dstAt + 6 * L);
        a07.intoArray(dst, dstAt + 7 * L);
        a10.intoArray(dst, dstAt + kStride);
        a11.intoArray(dst, dstAt + kStride + L);
        a12.intoArray(dst, dstAt + kStride + 2 * L);
        a13.intoArray(dst, dstAt + kStride + 3 * L);
        a14.intoArray(dst, dstAt + kStride + 4 * L);
        a15.intoArray(dst, dstAt + kStride + 5 * L);
        a16.intoArray(dst, dstAt + kStride + 6 * L);
        a17.intoArray(dst, dstAt + kStride + 7 * L);
    }

    /** {@link #forward2x8} by kernel rows, the input vectors sliding as in {@link #forward4x4Rows}. */
    private static void forward2x8Rows(float[] xl, int at0, float[] wp, int wAt, int[] rows, int taps,
            float[] dst, int dstAt, int kStride) {
        FloatVector z = FloatVector.zero(SPECIES);
        FloatVector a00 = z, a01 = z, a02 = z, a03 = z, a04 = z, a05 = z, a06 = z, a07 = z;
        FloatVector a10 = z, a11 = z, a12 = z, a13 = z, a14 = z, a15 = z, a16 = z, a17 = z;
        for (int row = 0; row < rows.length; row += 2) {
            int at = at0 + rows[row];
            FloatVector x0 = FloatVector.fromArray(SPECIES, xl, at);
            FloatVector x1 = FloatVector.fromArray(SPECIES, xl, at + L);
            FloatVector x2 = FloatVector.fromArray(SPECIES, xl, at + 2 * L);
            FloatVector x3 = FloatVector.fromArray(SPECIES, xl, at + 3 * L);
            FloatVector x4 = FloatVector.fromArray(SPECIES, xl, at + 4 * L);
            FloatVector x5 = FloatVector.fromArray(SPECIES, xl, at + 5 * L);
            FloatVector x6 = FloatVector.fromArray(SPECIES, xl, at + 6 * L);
            for (int s = 0, wj = wAt + rows[row + 1]; s < taps; s++, wj += 2) {
                FloatVector x7 = FloatVector.fromArray(SPECIES, xl, at + (s + 7) * L);
                FloatVector w0 = FloatVector.broadcast(SPECIES, wp[wj]);
                FloatVector w1 = FloatVector.broadcast(SPECIES, wp[wj + 1]);
                a00 = x0.fma(w0, a00);
                a10 = x0.fma(w1, a10);
                a01 = x1.fma(w0, a01);
                a11 = x1.fma(w1, a11);
                a02 = x2.fma(w0, a02);
                a12 = x2.fma(w1, a12);
                a03 = x3.fma(w0, a03);
                a13 = x3.fma(w1, a13);
                a04 = x4.fma(w0, a04);
                a14 = x4.fma(w1, a14);
                a05 = x5.fma(w0, a05);
                a15 = x5.fma(w1, a15);
                a06 = x6.fma(w0, a06);
                a16 = x6.fma(w1, a16);
                a07 = x7.fma(w0, a07);
                a17 = x7.fma(w1, a17);
                x0 = x1;
                x1 = x2;
                x2 = x3;
                x3 = x4;
                x4 = x5;
                x5 = x6;
                x6 = x7;
            }
        }
        a00.intoArray(dst, dstAt);
        a01.intoArray(dst, dstAt + L);
        a02.intoArray(dst, dstAt + 2 * L);
        a03.intoArray(dst, dstAt + 3 * L);
        a04.intoArray(dst, dstAt + 4 * L);
        a05.intoArray(dst, dstAt + 5 * L);
        a06.intoArray(dst, dstAt + 6 * L);
        a07.intoArray(dst, dstAt + 7 * L);
        a10.intoArray(dst, dstAt + kStride);
        a11.intoArray(dst, dstAt + kStride + L);
        a12.intoArray(dst, dstAt + kStride + 2 * L);
        a13.intoArray(dst, dstAt + kStride + 3 * L);
        a14.intoArray(dst, dstAt + kStride + 4 * L);
        a15.intoArray(dst, dstAt + kStride + 5 * L);
        a16.intoArray(dst, dstAt + kStride + 6 * L);
        a17.intoArray(dst, dstAt + kStride + 7 * L);
    }

    private static void forward2x1(float[] xl, int at0, float[] wp, int wAt, int[] off,
            float[] dst, int dstAt, int kStride) {
        FloatVector a0 = FloatVector.zero(SPECIES), a1 = a0;
        for (int j = 0; j < off.length; j += 2) {
            int wj = wAt + off[j + 1];
            FloatVector x0 = FloatVector.fromArray(SPECIES, xl, at0 + off[j]);
            a0 = x0.fma(FloatVector.broadcast(SPECIES, wp[wj]), a0);
            a1 = x0.fma(FloatVector.broadcast(SPECIES, wp[wj + 1]), a1);
        }
        a0.intoArray(dst, dstAt);
        a1.intoArray(dst, dstAt + kStride);
    }

    /** {@link #forward2x8Rows} for one channel and fourteen positions. */
    private static void forward1x14Rows(float[] xl, int at0, float[] wp, int wAt, int[] rows, int taps,
            float[] dst, int dstAt) {
        FloatVector z = FloatVector.zero(SPECIES);
        FloatVector a0 = z, a1 = z, a2 = z, a3 = z, a4 = z, a5 = z, a6 = z, a7 = z, a8 = z, a9 = z, a10 = z, a11 = z, a12 = z, a13 = z;
        for (int row = 0; row < rows.length; row += 2) {
            int at = at0 + rows[row];
            FloatVector x0 = FloatVector.fromArray(SPECIES, xl, at + 0 * L);
            FloatVector x1 = FloatVector.fromArray(SPECIES, xl, at + 1 * L);
            FloatVector x2 = FloatVector.fromArray(SPECIES, xl, at + 2 * L);
            FloatVector x3 = FloatVector.fromArray(SPECIES, xl, at + 3 * L);
            FloatVector x4 = FloatVector.fromArray(SPECIES, xl, at + 4 * L);
            FloatVector x5 = FloatVector.fromArray(SPECIES, xl, at + 5 * L);
            FloatVector x6 = FloatVector.fromArray(SPECIES, xl, at + 6 * L);
            FloatVector x7 = FloatVector.fromArray(SPECIES, xl, at + 7 * L);
            FloatVector x8 = FloatVector.fromArray(SPECIES, xl, at + 8 * L);
            FloatVector x9 = FloatVector.fromArray(SPECIES, xl, at + 9 * L);
            FloatVector x10 = FloatVector.fromArray(SPECIES, xl, at + 10 * L);
            FloatVector x11 = FloatVector.fromArray(SPECIES, xl, at + 11 * L);
            FloatVector x12 = FloatVector.fromArray(SPECIES, xl, at + 12 * L);
            for (int s = 0, wj = wAt + rows[row + 1]; s < taps; s++, wj++) {
                FloatVector x13 = FloatVector.fromArray(SPECIES, xl, at + (s + 13) * L);
                FloatVector w0 = FloatVector.broadcast(SPECIES, wp[wj]);
                a0 = x0.fma(w0, a0);
                a1 = x1.fma(w0, a1);
                a2 = x2.fma(w0, a2);
                a3 = x3.fma(w0, a3);
                a4 = x4.fma(w0, a4);
                a5 = x5.fma(w0, a5);
                a6 = x6.fma(w0, a6);
                a7 = x7.fma(w0, a7);
                a8 = x8.fma(w0, a8);
                a9 = x9.fma(w0, a9);
                a10 = x10.fma(w0, a10);
                a11 = x11.fma(w0, a11);
                a12 = x12.fma(w0, a12);
                a13 = x13.fma(w0, a13);
                x0 = x1;
                x1 = x2;
                x2 = x3;
                x3 = x4;
                x4 = x5;
                x5 = x6;
                x6 = x7;
                x7 = x8;
                x8 = x9;
                x9 = x10;
                x10 = x11;
                x11 = x12;
                x12 = x13;
            }
        }
        a0.intoArray(dst, dstAt + 0 * L);
        a1.intoArray(dst, dstAt + 1 * L);
        a2.intoArray(dst, dstAt + 2 * L);
        a3.intoArray(dst, dstAt + 3 * L);
        a4.intoArray(dst, dstAt + 4 * L);
        a5.intoArray(dst, dstAt + 5 * L);
        a6.intoArray(dst, dstAt + 6 * L);
        a7.intoArray(dst, dstAt + 7 * L);
        a8.intoArray(dst, dstAt + 8 * L);
        a9.intoArray(dst, dstAt + 9 * L);
        a10.intoArray(dst, dstAt + 10 * L);
        a11.intoArray(dst, dstAt + 11 * L);
        a12.intoArray(dst, dstAt + 12 * L);
        a13.intoArray(dst, dstAt + 13 * L);
    }

    /** {@link #forward2x8} for one channel and fourteen positions, {@code step} apart. */
    private static void forward1x14(float[] xl, int at0, int step, float[] wp, int wAt, int[] off,
            float[] dst, int dstAt) {
        FloatVector z = FloatVector.zero(SPECIES);
        FloatVector a0 = z, a1 = z, a2 = z, a3 = z, a4 = z, a5 = z, a6 = z, a7 = z, a8 = z, a9 = z, a10 = z, a11 = z, a12 = z, a13 = z;
        for (int j = 0; j < off.length; j += 2) {
            int at = at0 + off[j];
            FloatVector w0 = FloatVector.broadcast(SPECIES, wp[wAt + off[j + 1]]);
            a0 = FloatVector.fromArray(SPECIES, xl, at + 0 * step).fma(w0, a0);
            a1 = FloatVector.fromArray(SPECIES, xl, at + 1 * step).fma(w0, a1);
            a2 = FloatVector.fromArray(SPECIES, xl, at + 2 * step).fma(w0, a2);
            a3 = FloatVector.fromArray(SPECIES, xl, at + 3 * step).fma(w0, a3);
            a4 = FloatVector.fromArray(SPECIES, xl, at + 4 * step).fma(w0, a4);
            a5 = FloatVector.fromArray(SPECIES, xl, at + 5 * step).fma(w0, a5);
            a6 = FloatVector.fromArray(SPECIES, xl, at + 6 * step).fma(w0, a6);
            a7 = FloatVector.fromArray(SPECIES, xl, at + 7 * step).fma(w0, a7);
            a8 = FloatVector.fromArray(SPECIES, xl, at + 8 * step).fma(w0, a8);
            a9 = FloatVector.fromArray(SPECIES, xl, at + 9 * step).fma(w0, a9);
            a10 = FloatVector.fromArray(SPECIES, xl, at + 10 * step).fma(w0, a10);
            a11 = FloatVector.fromArray(SPECIES, xl, at + 11 * step).fma(w0, a11);
            a12 = FloatVector.fromArray(SPECIES, xl, at + 12 * step).fma(w0, a12);
            a13 = FloatVector.fromArray(SPECIES, xl, at + 13 * step).fma(w0, a13);
        }
        a0.intoArray(dst, dstAt + 0 * L);
        a1.intoArray(dst, dstAt + 1 * L);
        a2.intoArray(dst, dstAt + 2 * L);
        a3.intoArray(dst, dstAt + 3 * L);
        a4.intoArray(dst, dstAt + 4 * L);
        a5.intoArray(dst, dstAt + 5 * L);
        a6.intoArray(dst, dstAt + 6 * L);
        a7.intoArray(dst, dstAt + 7 * L);
        a8.intoArray(dst, dstAt + 8 * L);
        a9.intoArray(dst, dstAt + 9 * L);
        a10.intoArray(dst, dstAt + 10 * L);
        a11.intoArray(dst, dstAt + 11 * L);
        a12.intoArray(dst, dstAt + 12 * L);
        a13.intoArray(dst, dstAt + 13 * L);
    }

    private static void forward1x1(float[] xl, int at0, float[] wp, int wAt, int[] off, float[] dst, int dstAt) {
        FloatVector a0 = FloatVector.zero(SPECIES);
        for (int j = 0; j < off.length; j += 2) {
            a0 = FloatVector.fromArray(SPECIES, xl, at0 + off[j]).fma(FloatVector.broadcast(SPECIES, wp[wAt + off[j + 1]]), a0);
        }
        a0.intoArray(dst, dstAt);
    }

    // Backward filter: acc[accAt + (kk·TB + q)·L + lane] += Σ_oy<rows Σ_ox xl[xAt + oy·rowStep + ox·step +
    // o[q] + lane]·dyl[dAt + (oy·ow + ox)·L + d[kk] + lane], in that order.

    private static void filter4x4(float[] xl, int xAt, float[] dyl, int dAt, int rows, int ow, int rowStep,
                                  int step, int[] o, int[] d, float[] acc, int accAt) {
        FloatVector a00 = FloatVector.fromArray(SPECIES, acc, accAt);
        FloatVector a01 = FloatVector.fromArray(SPECIES, acc, accAt + L);
        FloatVector a02 = FloatVector.fromArray(SPECIES, acc, accAt + 2 * L);
        FloatVector a03 = FloatVector.fromArray(SPECIES, acc, accAt + 3 * L);
        FloatVector a10 = FloatVector.fromArray(SPECIES, acc, accAt + 4 * L);
        FloatVector a11 = FloatVector.fromArray(SPECIES, acc, accAt + 5 * L);
        FloatVector a12 = FloatVector.fromArray(SPECIES, acc, accAt + 6 * L);
        FloatVector a13 = FloatVector.fromArray(SPECIES, acc, accAt + 7 * L);
        FloatVector a20 = FloatVector.fromArray(SPECIES, acc, accAt + 8 * L);
        FloatVector a21 = FloatVector.fromArray(SPECIES, acc, accAt + 9 * L);
        FloatVector a22 = FloatVector.fromArray(SPECIES, acc, accAt + 10 * L);
        FloatVector a23 = FloatVector.fromArray(SPECIES, acc, accAt + 11 * L);
        FloatVector a30 = FloatVector.fromArray(SPECIES, acc, accAt + 12 * L);
        FloatVector a31 = FloatVector.fromArray(SPECIES, acc, accAt + 13 * L);
        FloatVector a32 = FloatVector.fromArray(SPECIES, acc, accAt + 14 * L);
        FloatVector a33 = FloatVector.fromArray(SPECIES, acc, accAt + 15 * L);
        int o0 = o[0], o1 = o[1], o2 = o[2], o3 = o[3], d0 = d[0], d1 = d[1], d2 = d[2], d3 = d[3];
        for (int oy = 0; oy < rows; oy++) {
            int xa = xAt + oy * rowStep, da = dAt + oy * ow * L;
            for (int ox = 0; ox < ow; ox++, xa += step, da += L) {
                FloatVector x0 = FloatVector.fromArray(SPECIES, xl, xa + o0);
                FloatVector x1 = FloatVector.fromArray(SPECIES, xl, xa + o1);
                FloatVector x2 = FloatVector.fromArray(SPECIES, xl, xa + o2);
                FloatVector x3 = FloatVector.fromArray(SPECIES, xl, xa + o3);
                FloatVector g = FloatVector.fromArray(SPECIES, dyl, da + d0);
                a00 = x0.fma(g, a00);
                a01 = x1.fma(g, a01);
                a02 = x2.fma(g, a02);
                a03 = x3.fma(g, a03);
                g = FloatVector.fromArray(SPECIES, dyl, da + d1);
                a10 = x0.fma(g, a10);
                a11 = x1.fma(g, a11);
                a12 = x2.fma(g, a12);
                a13 = x3.fma(g, a13);
                g = FloatVector.fromArray(SPECIES, dyl, da + d2);
                a20 = x0.fma(g, a20);
                a21 = x1.fma(g, a21);
                a22 = x2.fma(g, a22);
                a23 = x3.fma(g, a23);
                g = FloatVector.fromArray(SPECIES, dyl, da + d3);
                a30 = x0.fma(g, a30);
                a31 = x1.fma(g, a31);
                a32 = x2.fma(g, a32);
                a33 = x3.fma(g, a33);
            }
        }
        a00.intoArray(acc, accAt);
        a01.intoArray(acc, accAt + L);
        a02.intoArray(acc, accAt + 2 * L);
        a03.intoArray(acc, accAt + 3 * L);
        a10.intoArray(acc, accAt + 4 * L);
        a11.intoArray(acc, accAt + 5 * L);
        a12.intoArray(acc, accAt + 6 * L);
        a13.intoArray(acc, accAt + 7 * L);
        a20.intoArray(acc, accAt + 8 * L);
        a21.intoArray(acc, accAt + 9 * L);
        a22.intoArray(acc, accAt + 10 * L);
        a23.intoArray(acc, accAt + 11 * L);
        a30.intoArray(acc, accAt + 12 * L);
        a31.intoArray(acc, accAt + 13 * L);
        a32.intoArray(acc, accAt + 14 * L);
        a33.intoArray(acc, accAt + 15 * L);
    }

    private static void filter2x8(float[] xl, int xAt, float[] dyl, int dAt, int rows, int ow, int rowStep,
                                  int step, int[] o, int[] d, float[] acc, int accAt) {
        FloatVector a00 = FloatVector.fromArray(SPECIES, acc, accAt);
        FloatVector a01 = FloatVector.fromArray(SPECIES, acc, accAt + L);
        FloatVector a02 = FloatVector.fromArray(SPECIES, acc, accAt + 2 * L);
        FloatVector a03 = FloatVector.fromArray(SPECIES, acc, accAt + 3 * L);
        FloatVector a04 = FloatVector.fromArray(SPECIES, acc, accAt + 4 * L);
        FloatVector a05 = FloatVector.fromArray(SPECIES, acc, accAt + 5 * L);
        FloatVector a06 = FloatVector.fromArray(SPECIES, acc, accAt + 6 * L);
        FloatVector a07 = FloatVector.fromArray(SPECIES, acc, accAt + 7 * L);
        FloatVector a10 = FloatVector.fromArray(SPECIES, acc, accAt + 8 * L);
        FloatVector a11 = FloatVector.fromArray(SPECIES, acc, accAt + 9 * L);
        FloatVector a12 = FloatVector.fromArray(SPECIES, acc, accAt + 10 * L);
        FloatVector a13 = FloatVector.fromArray(SPECIES, acc, accAt + 11 * L);
        FloatVector a14 = FloatVector.fromArray(SPECIES, acc, accAt + 12 * L);
        FloatVector a15 = FloatVector.fromArray(SPECIES, acc, accAt + 13 * L);
        FloatVector a16 = FloatVector.fromArray(SPECIES, acc, accAt + 14 * L);
        FloatVector a17 = FloatVector.fromArray(SPECIES, acc, accAt + 15 * L);
        int o0 = o[0], o1 = o[1], o2 = o[2], o3 = o[3], o4 = o[4], o5 = o[5], o6 = o[6], o7 = o[7];
        int d0 = d[0], d1 = d[1];
        for (int oy = 0; oy < rows; oy++) {
            int xa = xAt + oy * rowStep, da = dAt + oy * ow * L;
            for (int ox = 0; ox < ow; ox++, xa += step, da += L) {
                FloatVector g0 = FloatVector.fromArray(SPECIES, dyl, da + d0);
                FloatVector g1 = FloatVector.fromArray(SPECIES, dyl, da + d1);
                FloatVector x = FloatVector.fromArray(SPECIES, xl, xa + o0);
                a00 = x.fma(g0, a00);
                a10 = x.fma(g1, a10);
                x = FloatVector.fromArray(SPECIES, xl, xa + o1);
                a01 = x.fma(g0, a01);
                a11 = x.fma(g1, a11);
                x = FloatVector.fromArray(SPECIES, xl, xa + o2);
                a02 = x.fma(g0, a02);
                a12 = x.fma(g1, a12);
                x = FloatVector.fromArray(SPECIES, xl, xa + o3);
                a03 = x.fma(g0, a03);
                a13 = x.fma(g1, a13);
                x = FloatVector.fromArray(SPECIES, xl, xa + o4);
                a04 = x.fma(g0, a04);
                a14 = x.fma(g1, a14);
                x = FloatVector.fromArray(SPECIES, xl, xa + o5);
                a05 = x.fma(g0, a05);
                a15 = x.fma(g1, a15);
                x = FloatVector.fromArray(SPECIES, xl, xa + o6);
                a06 = x.fma(g0, a06);
                a16 = x.fma(g1, a16);
                x = FloatVector.fromArray(SPECIES, xl, xa + o7);
                a07 = x.fma(g0, a07);
                a17 = x.fma(g1, a17);
            }
        }
        a00.intoArray(acc, accAt);
        a01.intoArray(acc, accAt + L);
        a02.intoArray(acc, accAt + 2 * L);
        a03.intoArray(acc, accAt + 3 * L);
        a04.intoArray(acc, accAt + 4 * L);
        a05.intoArray(acc, accAt + 5 * L);
        a06.intoArray(acc, accAt + 6 * L);
        a07.intoArray(acc, accAt + 7 * L);
        a10.intoArray(acc, accAt + 8 * L);
        a11.intoArray(acc, accAt + 9 * L);
        a12.intoArray(acc, accAt + 10 * L);
        a13.intoArray(acc, accAt + 11 * L);
        a14.intoArray(acc, accAt + 12 * L);
        a15.intoArray(acc, accAt + 13 * L);
        a16.intoArray(acc, accAt + 14 * L);
        a17.intoArray(acc, accAt + 15 * L);
    }
}
