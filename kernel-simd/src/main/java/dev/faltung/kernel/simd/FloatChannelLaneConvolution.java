package dev.faltung.kernel.simd;

import dev.faltung.kernel.conv.ConvGeometry;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * float32 DIRECT convolution with channels in the vector lanes: an implicit GEMM over the
 * zero-padded input, never materialising a patch matrix. With {@code j = (c, r, s)} a tap and
 * {@code off[j] = c·Hp·Wp + r·dh·Wp + s·dw} its offset in the padded image, output position
 * {@code (oy, ox)} of image {@code n} reads {@code xp[n][oy·sh·Wp + ox·sw + off[j]]}, so
 * <ul>
 *   <li>forward: {@code y[p][k] = Σ_j xp[base(p) + off[j]]·W[j][k]}; a register tile holds
 *       {@code MR} consecutive positions of one output row × {@code NV} vectors of output
 *       channels; per tap it loads {@code NV} weight vectors (weights packed per block of
 *       channels as {@code [j][NV·L]}) and broadcasts {@code MR} inputs, so each load
 *       feeds several multiply-adds: 16×1, 14×2 or 6×4 positions × vectors, whichever wastes
 *       fewest lanes and positions for the geometry;</li>
 *   <li>backward filter: {@code dW[j][k] = Σ_p xp[base(p) + off[j]]·dY[p][k]} with {@code dy}
 *       transposed to positions × channels; a tile holds 16, 12 or 6 taps × 1, 2 or 4 vectors
 *       of channels and sums over every position of a chunk of images, images in order;</li>
 *   <li>backward data (stride 1): the forward convolution of {@code dy} with the flipped,
 *       transposed kernel and padding {@code ·dh - pad}, so input channels fill the lanes.</li>
 * </ul>
 * Suits many channels and small planes (Fashion-MNIST's second layer, VGG and ResNet blocks),
 * where vectorising along output rows wastes most lanes. Every output and weight gradient is
 * one fused multiply-add chain in a fixed order, and tasks split outputs or weights, never a
 * sum, so results do not depend on the thread count. Float32 error ({@code u = 2⁻²⁴}): forward
 * {@code ≤ (C/G·R·S + 1)·u·(Σ|w||x| + |b|)}; backward filter {@code ≤ N·P·u·Σ|dy||x|}.
 * Thread-safe.
 */
final class FloatChannelLaneConvolution {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();
    /**
     * Floats of padded input and transposed gradient that backward filter prepares at once: 2 MiB
     * (with the whole batch at once, each tile streamed the gradient from memory again). Each
     * chunk costs two barriers; on the AMD EPYC, Fashion-MNIST conv2's backward filter took 2-4 %
     * less time with 2 MiB chunks (5-6 images more each) than with 1 MiB, and 6 % more with 512 KiB.
     */
    private static final long CHUNK_BUDGET = 1L << 19;
    /**
     * Whether a gather is one instruction (x86's AVX2 and AVX-512), so the gradient's transpose
     * reads a position's channels at once (2.6× the scalar copy); elsewhere the Vector API
     * emulates gathers element by element and the scalar copy is faster.
     */
    static final boolean GATHERS = switch (System.getProperty("os.arch", "")) {
        case "amd64", "x86_64" -> L >= 8;
        default -> false;
    };

    /**
     * Forward tasks per worker, claimed by whichever thread is free: with one task each, a thread
     * that ran slower for the whole process (seen on the 2-vCPU VM: every other JVM, one thread
     * at a third of the other's speed, VGG's block at 22 ms instead of 11.5) held the call until
     * its half was done; with four, the other takes over its share (11.5-12.5 ms in every run,
     * no slower otherwise). ResNet's block: 21.6-32 ms -> 21.2-22.6 ms.
     */
    private static final int TASKS_PER_THREAD = 4;

    /** A forward register tile: {@code mr} positions × {@code nv} vectors of channels. */
    private record Tile(int nv, int mr) {
    }

    private static final Tile[] FORWARD_TILES = {new Tile(1, 16), new Tile(2, 14), new Tile(4, 6)};
    /** Backward-filter tiles: {@code mr} taps × {@code nv} vectors. */
    private static final Tile[] FILTER_TILES = {new Tile(1, 16), new Tile(2, 12), new Tile(4, 6)};

    static {
        float[] x = new float[64], w = new float[8 * L], acc = new float[16 * 4 * L];
        int[] off = {0, 1}, bases = {0, 1}, o = new int[16];
        JitWarmup.run(() -> {
            forward1x16(x, 0, 1, w, 0, off, acc);
            forward2x14(x, 0, 1, w, 0, off, acc);
            forward4x6(x, 0, 1, w, 0, off, acc);
            forward1x16Unit(x, 0, w, 0, off, acc);
            forward2x14Unit(x, 0, w, 0, off, acc);
            forward4x6Unit(x, 0, w, 0, off, acc);
            filter16x1(x, bases, 0, 2, o, w, 0, acc, 0, L);
            filter12x2(x, bases, 0, 2, o, w, 0, acc, 0, 2 * L);
            filter6x4(x, bases, 0, 2, o, w, 0, acc, 0, 4 * L);
        });
    }

    private final WorkerPool pool;
    private final FloatLoweredConvolution lowered;

    FloatChannelLaneConvolution(WorkerPool pool, FloatLoweredConvolution lowered) {
        this.pool = pool;
        this.lowered = lowered;
    }

    /** Padded planes: {@code Hp×Wp} per channel. */
    private record Layout(int hp, int wp, int plane) {
        static Layout of(ConvGeometry g) {
            int hp = g.h() + g.padTop() + g.padBottom(), wp = g.w() + g.padLeft() + g.padRight();
            return new Layout(hp, wp, hp * wp);
        }

        /** Offsets of the taps of one group's {@code cpg} channels, in (c, r, s) order. */
        int[] tapOffsets(ConvGeometry g) {
            int[] off = new int[g.cPerGroup() * g.r() * g.s()];
            int j = 0;
            for (int c = 0; c < g.cPerGroup(); c++) {
                for (int r = 0; r < g.r(); r++) {
                    for (int s = 0; s < g.s(); s++) {
                        off[j++] = c * plane + r * g.dilationH() * wp + s * g.dilationW();
                    }
                }
            }
            return off;
        }
    }

    /** Share of the forward tile's multiply-adds that are useful: lanes × positions × the store's overhead. */
    static double forwardEfficiency(ConvGeometry g) {
        return forwardEfficiency(g, forwardTile(g));
    }

    private static double forwardEfficiency(ConvGeometry g, Tile t) {
        int kpg = g.kPerGroup(), ow = g.outW(), taps = g.cPerGroup() * g.r() * g.s();
        int vectors = (kpg + L - 1) / L, padded = (vectors + t.nv - 1) / t.nv * t.nv * L;
        double lanes = (double) kpg / padded;
        double positions = (double) ow / (((ow + t.mr - 1) / t.mr) * t.mr);
        // Each tile's results leave through a transposing store of about L element moves per
        // tap's worth of multiply-adds.
        double store = (double) taps / (taps + L);
        return lanes * positions * store * issue(t);
    }

    /**
     * The tile's multiply-adds per step over its loads (one per vector, one broadcast per
     * position or tap), capped at 1: two of each issue per cycle, so a tile with more loads than
     * multiply-adds waits on the loads.
     */
    private static double issue(Tile t) {
        int fmas = t.nv * t.mr, loads = t.nv + t.mr;
        return Math.min(1.0, (double) fmas / loads);
    }

    private static Tile forwardTile(ConvGeometry g) {
        Tile best = FORWARD_TILES[0];
        for (Tile t : FORWARD_TILES) {
            if (forwardEfficiency(g, t) >= forwardEfficiency(g, best)) {
                best = t;
            }
        }
        return best;
    }

    /** Share of the backward-filter tile's multiply-adds that are useful. */
    static double filterEfficiency(ConvGeometry g) {
        return filterEfficiency(g, filterTile(g));
    }

    private static double filterEfficiency(ConvGeometry g, Tile t) {
        int kpg = g.kPerGroup(), taps = g.cPerGroup() * g.r() * g.s();
        int vectors = (kpg + L - 1) / L, padded = (vectors + t.nv - 1) / t.nv * t.nv * L;
        double lanes = (double) kpg / padded;
        double tapShare = (double) taps / (((taps + t.mr - 1) / t.mr) * t.mr);
        return lanes * tapShare * issue(t);
    }

    private static Tile filterTile(ConvGeometry g) {
        Tile best = FILTER_TILES[0];
        for (Tile t : FILTER_TILES) {
            if (filterEfficiency(g, t) >= filterEfficiency(g, best)) {
                best = t;
            }
        }
        return best;
    }

    /** Backward data as a forward convolution: stride 1, no side padded beyond the dilated kernel span. */
    static boolean appliesBackwardData(ConvGeometry g) {
        return FloatDirectConvolution.appliesBackwardData(g);
    }

    /**
     * Weights as {@code [group][block][j][width]} in the calling thread's
     * {@link ConvScratch#WEIGHTS} (valid until its next convolution): each tile streams its
     * block's weights contiguously (interleaving the blocks, {@code [j][K]}, made the stream
     * strided and the forward pass twice as slow); channels past the group's last are zero.
     */
    private static float[] packWeights(ConvGeometry g, float[] w, int width, int blocks) {
        int kpg = g.kPerGroup(), taps = g.cPerGroup() * g.r() * g.s();
        int size = g.groups() * blocks * taps * width;
        float[] wp = ConvScratch.get().floats(ConvScratch.WEIGHTS, size);
        if (kpg % width != 0) {
            Arrays.fill(wp, 0, size, 0f);
        }
        for (int k = 0; k < g.k(); k++) {
            int grp = k / kpg, kl = k % kpg, b = kl / width, lane = kl % width;
            int base = (grp * blocks + b) * taps * width + lane;
            for (int j = 0; j < taps; j++) {
                wp[base + j * width] = w[k * taps + j];
            }
        }
        return wp;
    }

    /**
     * Copies channels {@code c0 .. c0+count} of image {@code n} into zero-padded planes at
     * {@code dstOff}, writing only the border's zeros (filling whole planes first cost as much
     * again as the copy).
     */
    private static void pad(ConvGeometry g, Layout lay, float[] x, int n, int c0, int count, float[] dst, int dstOff) {
        int top = g.padTop() * lay.wp, left = g.padLeft(), right = g.padRight();
        int bottom = lay.plane - (g.padTop() + g.h()) * lay.wp;
        for (int c = 0; c < count; c++) {
            int src = ((n * g.c() + c0 + c) * g.h()) * g.w();
            int plane = dstOff + c * lay.plane;
            Arrays.fill(dst, plane, plane + top + left, 0f);
            int row = plane + top + left;
            for (int iy = 0; iy < g.h(); iy++, row += lay.wp) {
                System.arraycopy(x, src + iy * g.w(), dst, row, g.w());
                // This row's right border and the next row's left border are adjacent.
                Arrays.fill(dst, row + g.w(), row + g.w() + right + (iy + 1 < g.h() ? left : 0), 0f);
            }
            Arrays.fill(dst, plane + lay.plane - bottom, plane + lay.plane, 0f);
        }
    }

    void forward(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y) {
        Layout lay = Layout.of(g);
        Tile tile = forwardTile(g);
        int blockWidth = tile.nv * L;
        float[] wp = packWeights(g, w, blockWidth, (g.kPerGroup() + blockWidth - 1) / blockWidth);
        int[] off = lay.tapOffsets(g);
        int items = g.n() * g.groups() * g.outH();
        int tasks = Math.min(pool.threads() * TASKS_PER_THREAD, items);
        pool.run(tasks, t -> forwardRows(g, x, bias, y, lay, tile, wp, off, (int) ((long) items * t / tasks),
                (int) ((long) items * (t + 1) / tasks)));
    }

    /**
     * Output rows {@code from .. to} (in image, group, row order) of {@link #forward}. A method of
     * its own rather than the task's lambda: with this loop nest in the lambda, VGG's block ran
     * at 18-20 ms instead of 12.5-14 in about half of all JVMs (and in a JVM, sometimes from the
     * next layer's call on), with the same C2 compilations and inlining of every method
     * involved; the cause was not found, the difference was there in every run (BENCHMARKS.md).
     */
    private static void forwardRows(ConvGeometry g, float[] x, float[] bias, float[] y, Layout lay, Tile tile,
                                    float[] wp, int[] off, int from, int to) {
        int cpg = g.cPerGroup(), kpg = g.kPerGroup(), oh = g.outH(), ow = g.outW(), p = oh * ow;
        int blockWidth = tile.nv * L;
        int blocks = (kpg + blockWidth - 1) / blockWidth;
        int taps = off.length;
        // Reads past the last row's last tile land in this slack and are discarded.
        int slack = tile.mr * g.strideW();
        ConvScratch scratch = ConvScratch.get();
        float[] xp = scratch.floats(ConvScratch.COLS, (long) cpg * lay.plane + slack);
        // Whole vectors of positions for the gathers, which read L of them.
        float[] out = scratch.floats(ConvScratch.OUT, (long) Math.max(tile.mr, L) * blockWidth);
        int padded = -1;
        for (int i = from; i < to; i++) {
            int oy = i % oh, ng = i / oh, n = ng / g.groups(), grp = ng % g.groups();
            if (ng != padded) {
                pad(g, lay, x, n, grp * cpg, cpg, xp, 0);
                padded = ng;
            }
            int rowAt = oy * g.strideH() * lay.wp;
            for (int b = 0; b < blocks; b++) {
                int wAt = (grp * blocks + b) * taps * blockWidth;
                int k0 = b * blockWidth, kCount = Math.min(blockWidth, kpg - k0);
                for (int ox0 = 0; ox0 < ow; ox0 += tile.mr) {
                    int at0 = rowAt + ox0 * g.strideW();
                    if (g.strideW() == 1) {
                        switch (tile.nv) {
                            case 1 -> forward1x16Unit(xp, at0, wp, wAt, off, out);
                            case 2 -> forward2x14Unit(xp, at0, wp, wAt, off, out);
                            default -> forward4x6Unit(xp, at0, wp, wAt, off, out);
                        }
                    } else {
                        switch (tile.nv) {
                            case 1 -> forward1x16(xp, at0, g.strideW(), wp, wAt, off, out);
                            case 2 -> forward2x14(xp, at0, g.strideW(), wp, wAt, off, out);
                            default -> forward4x6(xp, at0, g.strideW(), wp, wAt, off, out);
                        }
                    }
                    int count = Math.min(tile.mr, ow - ox0);
                    int dst = (n * g.k() + grp * kpg + k0) * p + oy * ow + ox0;
                    if (GATHERS) {
                        storeByGathers(out, tile, count, ox0 + L <= ow, bias, grp * kpg + k0, kCount, y, dst, p);
                    } else {
                        for (int kk = 0; kk < kCount; kk++, dst += p) {
                            float bk = bias == null ? 0f : bias[grp * kpg + k0 + kk];
                            for (int q = 0; q < count; q++) {
                                y[dst + q] = out[q * blockWidth + kk] + bk;
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * A forward tile's {@code count} positions × {@code kCount} channels ({@code out}, positions
     * {@code nv·L} floats apart) into the channels' planes from {@code y[dst]}, one gather of a
     * channel's positions per channel: element by element this store was a tenth of VGG's block
     * (a 16×16 in-register transpose with masked stores, a fifth). With {@code whole}, all
     * {@code L} lanes are stored, those past {@code count} on positions that the row's next
     * tile, later in the same task, overwrites.
     */
    private static void storeByGathers(float[] out, Tile tile, int count, boolean whole, float[] bias, int k0,
                                       int kCount, float[] y, int dst, int p) {
        int[] positions = POSITION_GATHERS[tile.nv];
        // No mask object where none is needed: C2 unboxing a null mask merged with a real one
        // dereferenced null (a JVM crash on ResNet's block).
        VectorMask<Float> stored = SPECIES.indexInRange(0, whole ? L : count);
        for (int kk = 0; kk < kCount; kk++, dst += p) {
            float bk = bias == null ? 0f : bias[k0 + kk];
            FloatVector v = FloatVector.fromArray(SPECIES, out, kk, positions, 0).add(bk);
            if (whole) {
                v.intoArray(y, dst);
            } else {
                v.intoArray(y, dst, stored);
            }
        }
    }

    /** By vectors per tile row {@code nv}: lane {@code q} reads position {@code q}'s element, {@code nv·L} floats apart. */
    private static final int[][] POSITION_GATHERS = new int[5][];

    static {
        for (int nv : new int[] {1, 2, 4}) {
            POSITION_GATHERS[nv] = new int[L];
            for (int q = 0; q < L; q++) {
                POSITION_GATHERS[nv][q] = q * nv * L;
            }
        }
    }

    void backwardData(ConvGeometry g, float[] dy, float[] w, float[] dx) {
        forward(FloatDirectConvolution.backwardDataGeometry(g), dy, FloatDirectConvolution.flipTransposed(g, w),
                null, dx);
    }

    void backwardFilter(ConvGeometry g, float[] x, float[] dy, float[] dw, float[] dbias) {
        Layout lay = Layout.of(g);
        Tile tile = filterTile(g);
        int cpg = g.cPerGroup(), kpg = g.kPerGroup(), oh = g.outH(), ow = g.outW(), p = oh * ow;
        int blockWidth = tile.nv * L;
        int blocks = (kpg + blockWidth - 1) / blockWidth, kp = blocks * blockWidth;
        int[] off = lay.tapOffsets(g);
        int taps = off.length, tapTiles = (taps + tile.mr - 1) / tile.mr;
        int image = g.c() * lay.plane;
        // Images per chunk: padded input plus transposed gradient within the budget.
        long perImage = (long) image + (long) p * g.groups() * kp;
        int chunk = (int) Math.max(1, Math.min(g.n(), CHUNK_BUDGET / perImage));
        ConvScratch scratch = ConvScratch.get();
        float[] xp = scratch.floats(ConvScratch.COLS, (long) chunk * image + (long) tile.mr * g.strideW() + 1);
        float[] dyT = scratch.floats(ConvScratch.OUT, (long) chunk * p * g.groups() * kp);
        // Accumulators [group][tap][kp], carried across chunks.
        float[] acc = scratch.floats(ConvScratch.WEIGHTS, (long) g.groups() * taps * kp);
        Arrays.fill(acc, 0, g.groups() * taps * kp, 0f);
        int tilesPerGroup = tapTiles * blocks, items = g.groups() * tilesPerGroup;
        int threads = pool.threads();
        int vectors = g.groups() * blocks * (blockWidth / L);
        int[] lanesApart = lanesApart(p, kpg);
        for (int n0 = 0; n0 < g.n(); n0 += chunk) {
            int count = Math.min(chunk, g.n() - n0), first = n0;
            // With fewer images than workers, each image's copy is split by channels, so that
            // preparing a one-image chunk does not leave the other workers idle.
            int parts = (threads + count - 1) / count;
            parallel(count * parts, u -> {
                int i = u / parts, part = u % parts;
                int c0 = g.c() * part / parts, c1 = g.c() * (part + 1) / parts;
                pad(g, lay, x, first + i, c0, c1 - c0, xp, i * image + c0 * lay.plane);
                transpose(g, dy, first + i, i, count, blockWidth, blocks, vectors * part / parts,
                        vectors * (part + 1) / parts, lanesApart, GATHERS, dyT);
            });
            int[] bases = positionBases(g, lay, count, image);
            int tasks = Math.min(pool.threads(), items);
            // Positions per block: 32 KiB of each channel block's gradient, which stays in L1 while
            // every tile of the task passes over it (on the 48 KiB L1 of the AMD EPYC, against
            // 16 KiB: VGG's block 2-3 % and ResNet's 3-6 % faster; 64 KiB: VGG's 4 % slower).
            int block = Math.max(16, 8192 / blockWidth);
            int blockPlane = count * p * blockWidth;
            pool.run(tasks, t -> {
                int from = (int) ((long) items * t / tasks), to = (int) ((long) items * (t + 1) / tasks);
                int[][] o = new int[to - from][tile.mr];
                for (int it = from; it < to; it++) {
                    int grp = it / tilesPerGroup, j0 = (it % tilesPerGroup) / blocks * tile.mr;
                    for (int q = 0; q < tile.mr; q++) {
                        // Taps past the last one repeat it; their sums are never stored.
                        o[it - from][q] = grp * cpg * lay.plane + off[Math.min(j0 + q, taps - 1)];
                    }
                }
                float[] part = new float[tile.mr * blockWidth];
                for (int q0 = 0; q0 < bases.length; q0 += block) {
                    int q1 = Math.min(bases.length, q0 + block);
                    for (int it = from; it < to; it++) {
                        int grp = it / tilesPerGroup, rest = it % tilesPerGroup, b = rest % blocks;
                        int j0 = rest / blocks * tile.mr;
                        int accAt = (grp * taps + j0) * kp + b * blockWidth;
                        filterTile(tile, xp, bases, q0, q1, o[it - from], dyT, (grp * blocks + b) * blockPlane,
                                acc, accAt, kp, Math.min(tile.mr, taps - j0), part);
                    }
                }
            });
        }
        for (int k = 0; k < g.k(); k++) {
            int grp = k / kpg, kl = k % kpg;
            for (int j = 0; j < taps; j++) {
                dw[k * taps + j] = acc[(grp * taps + j) * kp + kl];
            }
        }
        lowered.biasGradient(g, dy, dbias);
    }

    private record BasesKey(ConvGeometry g, int count) {
    }

    /** {@link #positionBases} by geometry and chunk: the same few layers every step. */
    private static final BoundedCache<BasesKey, int[]> BASES = new BoundedCache<>(64);

    /**
     * Where, in the chunk's padded images, each output position's first tap lies, positions in
     * order (shared: read only).
     */
    private static int[] positionBases(ConvGeometry g, Layout lay, int count, int image) {
        return BASES.get(new BasesKey(g, count), key -> computePositionBases(g, lay, count, image));
    }

    private static int[] computePositionBases(ConvGeometry g, Layout lay, int count, int image) {
        int[] bases = new int[count * g.outH() * g.outW()];
        for (int n = 0, i = 0; n < count; n++) {
            for (int oy = 0; oy < g.outH(); oy++) {
                for (int ox = 0; ox < g.outW(); ox++) {
                    bases[i++] = n * image + oy * g.strideH() * lay.wp + ox * g.strideW();
                }
            }
        }
        return bases;
    }

    /**
     * Vectors {@code v0 .. v1} (in group, block, vector order) of image {@code n}, the
     * {@code i}-th of a chunk of {@code count}, into {@code dyT[group][block][i·P + p][width] =
     * dy[n][group·kpg + block·width + lane][p]}, zero past each group's channels: every channel
     * block's gradient contiguous, so that a tile steps through it with a constant stride.
     * One gather reads a position's {@code L} channels, {@link #lanesApart} apart.
     */
    /**
     * Gather offsets for {@link #transpose}: {@code lane·P} for a full vector of channels, then
     * the same for a group's last, partial vector with its unused lanes at 0 (the Vector API
     * checks the bounds of masked-off lanes too).
     */
    static int[] lanesApart(int p, int kpg) {
        int[] map = new int[2 * L];
        for (int lane = 0; lane < L; lane++) {
            map[lane] = lane * p;
            map[L + lane] = lane < kpg % L ? lane * p : 0;
        }
        return map;
    }

    static void transpose(ConvGeometry g, float[] dy, int n, int i, int count, int width, int blocks,
                          int v0, int v1, int[] lanesApart, boolean gathers, float[] dyT) {
        int p = g.outH() * g.outW(), kpg = g.kPerGroup(), plane = count * p * width, perBlock = width / L;
        for (int v = v0; v < v1; v++) {
            int grp = v / (blocks * perBlock), b = v / perBlock % blocks, k0 = b * width + v % perBlock * L;
            int col = (grp * blocks + b) * plane + i * p * width + v % perBlock * L;
            int real = Math.min(L, kpg - k0);
            if (real <= 0) {
                FloatVector zero = FloatVector.zero(SPECIES);
                for (int q = 0; q < p; q++) {
                    zero.intoArray(dyT, col + q * width);
                }
                continue;
            }
            int src = (n * g.k() + grp * kpg + k0) * p;
            if (real == L && L == 16) {
                // In-register 16×16 transposes, not a gather per position (Fashion-MNIST conv2's
                // backward filter, one thread: 7.75 -> 7.09 ms). Adding -0 copies
                // every value exactly, negative zeros included.
                for (int q0 = 0; q0 < p; q0 += L) {
                    LaneTranspose.transpose(dy, src + q0, p, L, Math.min(L, p - q0), dyT, col + q0 * width, width, -0f);
                }
            } else if (real == L && gathers) {
                for (int q = 0; q < p; q++) {
                    FloatVector.fromArray(SPECIES, dy, src + q, lanesApart, 0).intoArray(dyT, col + q * width);
                }
            } else if (gathers) {
                VectorMask<Float> lanes = SPECIES.indexInRange(0, real);
                for (int q = 0; q < p; q++) {
                    FloatVector.fromArray(SPECIES, dy, src + q, lanesApart, L, lanes).intoArray(dyT, col + q * width);
                }
            } else {
                for (int q0 = 0; q0 < p; q0 += 16) {
                    int q1 = Math.min(p, q0 + 16);
                    for (int lane = 0; lane < L; lane++) {
                        for (int q = q0; q < q1; q++) {
                            dyT[col + q * width + lane] = lane < real ? dy[src + lane * p + q] : 0f;
                        }
                    }
                }
            }
        }
    }

    /**
     * Runs the backward-filter tile; when fewer than {@code tile.mr} taps are real, the repeated
     * taps' sums go to a scratch row instead of another tap's accumulators.
     */
    private static void filterTile(Tile tile, float[] xp, int[] bases, int q0, int q1, int[] o, float[] dyT, int dyAt,
                                   float[] acc, int accAt, int accLd, int real, float[] part) {
        if (real == tile.mr) {
            switch (tile.nv) {
                case 1 -> filter16x1(xp, bases, q0, q1, o, dyT, dyAt, acc, accAt, accLd);
                case 2 -> filter12x2(xp, bases, q0, q1, o, dyT, dyAt, acc, accAt, accLd);
                default -> filter6x4(xp, bases, q0, q1, o, dyT, dyAt, acc, accAt, accLd);
            }
            return;
        }
        int width = tile.nv * L;
        for (int q = 0; q < real; q++) {
            System.arraycopy(acc, accAt + q * accLd, part, q * width, width);
        }
        switch (tile.nv) {
            case 1 -> filter16x1(xp, bases, q0, q1, o, dyT, dyAt, part, 0, width);
            case 2 -> filter12x2(xp, bases, q0, q1, o, dyT, dyAt, part, 0, width);
            default -> filter6x4(xp, bases, q0, q1, o, dyT, dyAt, part, 0, width);
        }
        for (int q = 0; q < real; q++) {
            System.arraycopy(part, q * width, acc, accAt + q * accLd, width);
        }
    }

    /** Splits {@code items} into contiguous ranges, one per worker. */
    private void parallel(int items, java.util.function.IntConsumer body) {
        int tasks = Math.min(pool.threads(), items);
        pool.run(tasks, t -> {
            int from = (int) ((long) items * t / tasks), to = (int) ((long) items * (t + 1) / tasks);
            for (int i = from; i < to; i++) body.accept(i);
        });
    }

    // The tile kernels index with constant multiples of their loop counter (j·NV·L, q·NV·L), so
    // that C2 hoists those bounds checks out of the loop; carried as "wAt += kp" they stayed, a
    // compare-and-branch per load competing with the multiply-adds for a port.

    /** Forward tile: 16 positions of one row × 1 vector(s) of output channels; see {@link #forward}. */
    private static void forward1x16(float[] xp, int at0, int sw, float[] wp, int wAt, int[] off,
                                   float[] tile) {
        FloatVector z = FloatVector.zero(SPECIES);
        FloatVector a0_0 = z, a1_0 = z, a2_0 = z, a3_0 = z, a4_0 = z, a5_0 = z, a6_0 = z, a7_0 = z;
        FloatVector a8_0 = z, a9_0 = z, a10_0 = z, a11_0 = z, a12_0 = z, a13_0 = z, a14_0 = z, a15_0 = z;
        for (int j = 0; j < off.length; j++) {
            int wj = wAt + j * L;
            FloatVector w0 = FloatVector.fromArray(SPECIES, wp, wj);
            int at = at0 + off[j];
            FloatVector x0 = FloatVector.broadcast(SPECIES, xp[at]);
            a0_0 = x0.fma(w0, a0_0);
            FloatVector x1 = FloatVector.broadcast(SPECIES, xp[at + sw]);
            a1_0 = x1.fma(w0, a1_0);
            FloatVector x2 = FloatVector.broadcast(SPECIES, xp[at + 2 * sw]);
            a2_0 = x2.fma(w0, a2_0);
            FloatVector x3 = FloatVector.broadcast(SPECIES, xp[at + 3 * sw]);
            a3_0 = x3.fma(w0, a3_0);
            FloatVector x4 = FloatVector.broadcast(SPECIES, xp[at + 4 * sw]);
            a4_0 = x4.fma(w0, a4_0);
            FloatVector x5 = FloatVector.broadcast(SPECIES, xp[at + 5 * sw]);
            a5_0 = x5.fma(w0, a5_0);
            FloatVector x6 = FloatVector.broadcast(SPECIES, xp[at + 6 * sw]);
            a6_0 = x6.fma(w0, a6_0);
            FloatVector x7 = FloatVector.broadcast(SPECIES, xp[at + 7 * sw]);
            a7_0 = x7.fma(w0, a7_0);
            FloatVector x8 = FloatVector.broadcast(SPECIES, xp[at + 8 * sw]);
            a8_0 = x8.fma(w0, a8_0);
            FloatVector x9 = FloatVector.broadcast(SPECIES, xp[at + 9 * sw]);
            a9_0 = x9.fma(w0, a9_0);
            FloatVector x10 = FloatVector.broadcast(SPECIES, xp[at + 10 * sw]);
            a10_0 = x10.fma(w0, a10_0);
            FloatVector x11 = FloatVector.broadcast(SPECIES, xp[at + 11 * sw]);
            a11_0 = x11.fma(w0, a11_0);
            FloatVector x12 = FloatVector.broadcast(SPECIES, xp[at + 12 * sw]);
            a12_0 = x12.fma(w0, a12_0);
            FloatVector x13 = FloatVector.broadcast(SPECIES, xp[at + 13 * sw]);
            a13_0 = x13.fma(w0, a13_0);
            FloatVector x14 = FloatVector.broadcast(SPECIES, xp[at + 14 * sw]);
            a14_0 = x14.fma(w0, a14_0);
            FloatVector x15 = FloatVector.broadcast(SPECIES, xp[at + 15 * sw]);
            a15_0 = x15.fma(w0, a15_0);
        }
        a0_0.intoArray(tile, 0 * L);
        a1_0.intoArray(tile, 1 * L);
        a2_0.intoArray(tile, 2 * L);
        a3_0.intoArray(tile, 3 * L);
        a4_0.intoArray(tile, 4 * L);
        a5_0.intoArray(tile, 5 * L);
        a6_0.intoArray(tile, 6 * L);
        a7_0.intoArray(tile, 7 * L);
        a8_0.intoArray(tile, 8 * L);
        a9_0.intoArray(tile, 9 * L);
        a10_0.intoArray(tile, 10 * L);
        a11_0.intoArray(tile, 11 * L);
        a12_0.intoArray(tile, 12 * L);
        a13_0.intoArray(tile, 13 * L);
        a14_0.intoArray(tile, 14 * L);
        a15_0.intoArray(tile, 15 * L);
    }

    /** {@link #forward1x16} at stride 1: constant displacements, so C2 checks the 16 reads' bounds once. */
    private static void forward1x16Unit(float[] xp, int at0, float[] wp, int wAt, int[] off, float[] tile) {
        FloatVector z = FloatVector.zero(SPECIES);
        FloatVector a0_0 = z, a1_0 = z, a2_0 = z, a3_0 = z, a4_0 = z, a5_0 = z, a6_0 = z, a7_0 = z;
        FloatVector a8_0 = z, a9_0 = z, a10_0 = z, a11_0 = z, a12_0 = z, a13_0 = z, a14_0 = z, a15_0 = z;
        for (int j = 0; j < off.length; j++) {
            int wj = wAt + j * L;
            FloatVector w0 = FloatVector.fromArray(SPECIES, wp, wj);
            int at = at0 + off[j];
            FloatVector x0 = FloatVector.broadcast(SPECIES, xp[at]);
            a0_0 = x0.fma(w0, a0_0);
            FloatVector x1 = FloatVector.broadcast(SPECIES, xp[at + 1]);
            a1_0 = x1.fma(w0, a1_0);
            FloatVector x2 = FloatVector.broadcast(SPECIES, xp[at + 2]);
            a2_0 = x2.fma(w0, a2_0);
            FloatVector x3 = FloatVector.broadcast(SPECIES, xp[at + 3]);
            a3_0 = x3.fma(w0, a3_0);
            FloatVector x4 = FloatVector.broadcast(SPECIES, xp[at + 4]);
            a4_0 = x4.fma(w0, a4_0);
            FloatVector x5 = FloatVector.broadcast(SPECIES, xp[at + 5]);
            a5_0 = x5.fma(w0, a5_0);
            FloatVector x6 = FloatVector.broadcast(SPECIES, xp[at + 6]);
            a6_0 = x6.fma(w0, a6_0);
            FloatVector x7 = FloatVector.broadcast(SPECIES, xp[at + 7]);
            a7_0 = x7.fma(w0, a7_0);
            FloatVector x8 = FloatVector.broadcast(SPECIES, xp[at + 8]);
            a8_0 = x8.fma(w0, a8_0);
            FloatVector x9 = FloatVector.broadcast(SPECIES, xp[at + 9]);
            a9_0 = x9.fma(w0, a9_0);
            FloatVector x10 = FloatVector.broadcast(SPECIES, xp[at + 10]);
            a10_0 = x10.fma(w0, a10_0);
            FloatVector x11 = FloatVector.broadcast(SPECIES, xp[at + 11]);
            a11_0 = x11.fma(w0, a11_0);
            FloatVector x12 = FloatVector.broadcast(SPECIES, xp[at + 12]);
            a12_0 = x12.fma(w0, a12_0);
            FloatVector x13 = FloatVector.broadcast(SPECIES, xp[at + 13]);
            a13_0 = x13.fma(w0, a13_0);
            FloatVector x14 = FloatVector.broadcast(SPECIES, xp[at + 14]);
            a14_0 = x14.fma(w0, a14_0);
            FloatVector x15 = FloatVector.broadcast(SPECIES, xp[at + 15]);
            a15_0 = x15.fma(w0, a15_0);
        }
        a0_0.intoArray(tile, 0 * L);
        a1_0.intoArray(tile, 1 * L);
        a2_0.intoArray(tile, 2 * L);
        a3_0.intoArray(tile, 3 * L);
        a4_0.intoArray(tile, 4 * L);
        a5_0.intoArray(tile, 5 * L);
        a6_0.intoArray(tile, 6 * L);
        a7_0.intoArray(tile, 7 * L);
        a8_0.intoArray(tile, 8 * L);
        a9_0.intoArray(tile, 9 * L);
        a10_0.intoArray(tile, 10 * L);
        a11_0.intoArray(tile, 11 * L);
        a12_0.intoArray(tile, 12 * L);
        a13_0.intoArray(tile, 13 * L);
        a14_0.intoArray(tile, 14 * L);
        a15_0.intoArray(tile, 15 * L);
    }

    /** Forward tile: 14 positions of one row × 2 vector(s) of output channels; see {@link #forward}. */
    private static void forward2x14(float[] xp, int at0, int sw, float[] wp, int wAt, int[] off,
                                   float[] tile) {
        FloatVector z = FloatVector.zero(SPECIES);
        FloatVector a0_0 = z, a0_1 = z, a1_0 = z, a1_1 = z, a2_0 = z, a2_1 = z, a3_0 = z, a3_1 = z;
        FloatVector a4_0 = z, a4_1 = z, a5_0 = z, a5_1 = z, a6_0 = z, a6_1 = z, a7_0 = z, a7_1 = z;
        FloatVector a8_0 = z, a8_1 = z, a9_0 = z, a9_1 = z, a10_0 = z, a10_1 = z, a11_0 = z, a11_1 = z;
        FloatVector a12_0 = z, a12_1 = z, a13_0 = z, a13_1 = z;
        for (int j = 0; j < off.length; j++) {
            int wj = wAt + j * 2 * L;
            FloatVector w0 = FloatVector.fromArray(SPECIES, wp, wj);
            FloatVector w1 = FloatVector.fromArray(SPECIES, wp, wj + 1 * L);
            int at = at0 + off[j];
            FloatVector x0 = FloatVector.broadcast(SPECIES, xp[at]);
            a0_0 = x0.fma(w0, a0_0);
            a0_1 = x0.fma(w1, a0_1);
            FloatVector x1 = FloatVector.broadcast(SPECIES, xp[at + sw]);
            a1_0 = x1.fma(w0, a1_0);
            a1_1 = x1.fma(w1, a1_1);
            FloatVector x2 = FloatVector.broadcast(SPECIES, xp[at + 2 * sw]);
            a2_0 = x2.fma(w0, a2_0);
            a2_1 = x2.fma(w1, a2_1);
            FloatVector x3 = FloatVector.broadcast(SPECIES, xp[at + 3 * sw]);
            a3_0 = x3.fma(w0, a3_0);
            a3_1 = x3.fma(w1, a3_1);
            FloatVector x4 = FloatVector.broadcast(SPECIES, xp[at + 4 * sw]);
            a4_0 = x4.fma(w0, a4_0);
            a4_1 = x4.fma(w1, a4_1);
            FloatVector x5 = FloatVector.broadcast(SPECIES, xp[at + 5 * sw]);
            a5_0 = x5.fma(w0, a5_0);
            a5_1 = x5.fma(w1, a5_1);
            FloatVector x6 = FloatVector.broadcast(SPECIES, xp[at + 6 * sw]);
            a6_0 = x6.fma(w0, a6_0);
            a6_1 = x6.fma(w1, a6_1);
            FloatVector x7 = FloatVector.broadcast(SPECIES, xp[at + 7 * sw]);
            a7_0 = x7.fma(w0, a7_0);
            a7_1 = x7.fma(w1, a7_1);
            FloatVector x8 = FloatVector.broadcast(SPECIES, xp[at + 8 * sw]);
            a8_0 = x8.fma(w0, a8_0);
            a8_1 = x8.fma(w1, a8_1);
            FloatVector x9 = FloatVector.broadcast(SPECIES, xp[at + 9 * sw]);
            a9_0 = x9.fma(w0, a9_0);
            a9_1 = x9.fma(w1, a9_1);
            FloatVector x10 = FloatVector.broadcast(SPECIES, xp[at + 10 * sw]);
            a10_0 = x10.fma(w0, a10_0);
            a10_1 = x10.fma(w1, a10_1);
            FloatVector x11 = FloatVector.broadcast(SPECIES, xp[at + 11 * sw]);
            a11_0 = x11.fma(w0, a11_0);
            a11_1 = x11.fma(w1, a11_1);
            FloatVector x12 = FloatVector.broadcast(SPECIES, xp[at + 12 * sw]);
            a12_0 = x12.fma(w0, a12_0);
            a12_1 = x12.fma(w1, a12_1);
            FloatVector x13 = FloatVector.broadcast(SPECIES, xp[at + 13 * sw]);
            a13_0 = x13.fma(w0, a13_0);
            a13_1 = x13.fma(w1, a13_1);
        }
        a0_0.intoArray(tile, 0 * L);
        a0_1.intoArray(tile, 1 * L);
        a1_0.intoArray(tile, 2 * L);
        a1_1.intoArray(tile, 3 * L);
        a2_0.intoArray(tile, 4 * L);
        a2_1.intoArray(tile, 5 * L);
        a3_0.intoArray(tile, 6 * L);
        a3_1.intoArray(tile, 7 * L);
        a4_0.intoArray(tile, 8 * L);
        a4_1.intoArray(tile, 9 * L);
        a5_0.intoArray(tile, 10 * L);
        a5_1.intoArray(tile, 11 * L);
        a6_0.intoArray(tile, 12 * L);
        a6_1.intoArray(tile, 13 * L);
        a7_0.intoArray(tile, 14 * L);
        a7_1.intoArray(tile, 15 * L);
        a8_0.intoArray(tile, 16 * L);
        a8_1.intoArray(tile, 17 * L);
        a9_0.intoArray(tile, 18 * L);
        a9_1.intoArray(tile, 19 * L);
        a10_0.intoArray(tile, 20 * L);
        a10_1.intoArray(tile, 21 * L);
        a11_0.intoArray(tile, 22 * L);
        a11_1.intoArray(tile, 23 * L);
        a12_0.intoArray(tile, 24 * L);
        a12_1.intoArray(tile, 25 * L);
        a13_0.intoArray(tile, 26 * L);
        a13_1.intoArray(tile, 27 * L);
    }

    /** {@link #forward2x14} at stride 1: constant displacements, so C2 checks the 14 reads' bounds once. */
    private static void forward2x14Unit(float[] xp, int at0, float[] wp, int wAt, int[] off, float[] tile) {
        FloatVector z = FloatVector.zero(SPECIES);
        FloatVector a0_0 = z, a0_1 = z, a1_0 = z, a1_1 = z, a2_0 = z, a2_1 = z, a3_0 = z, a3_1 = z;
        FloatVector a4_0 = z, a4_1 = z, a5_0 = z, a5_1 = z, a6_0 = z, a6_1 = z, a7_0 = z, a7_1 = z;
        FloatVector a8_0 = z, a8_1 = z, a9_0 = z, a9_1 = z, a10_0 = z, a10_1 = z, a11_0 = z, a11_1 = z;
        FloatVector a12_0 = z, a12_1 = z, a13_0 = z, a13_1 = z;
        for (int j = 0; j < off.length; j++) {
            int wj = wAt + j * 2 * L;
            FloatVector w0 = FloatVector.fromArray(SPECIES, wp, wj);
            FloatVector w1 = FloatVector.fromArray(SPECIES, wp, wj + 1 * L);
            int at = at0 + off[j];
            FloatVector x0 = FloatVector.broadcast(SPECIES, xp[at]);
            a0_0 = x0.fma(w0, a0_0);
            a0_1 = x0.fma(w1, a0_1);
            FloatVector x1 = FloatVector.broadcast(SPECIES, xp[at + 1]);
            a1_0 = x1.fma(w0, a1_0);
            a1_1 = x1.fma(w1, a1_1);
            FloatVector x2 = FloatVector.broadcast(SPECIES, xp[at + 2]);
            a2_0 = x2.fma(w0, a2_0);
            a2_1 = x2.fma(w1, a2_1);
            FloatVector x3 = FloatVector.broadcast(SPECIES, xp[at + 3]);
            a3_0 = x3.fma(w0, a3_0);
            a3_1 = x3.fma(w1, a3_1);
            FloatVector x4 = FloatVector.broadcast(SPECIES, xp[at + 4]);
            a4_0 = x4.fma(w0, a4_0);
            a4_1 = x4.fma(w1, a4_1);
            FloatVector x5 = FloatVector.broadcast(SPECIES, xp[at + 5]);
            a5_0 = x5.fma(w0, a5_0);
            a5_1 = x5.fma(w1, a5_1);
            FloatVector x6 = FloatVector.broadcast(SPECIES, xp[at + 6]);
            a6_0 = x6.fma(w0, a6_0);
            a6_1 = x6.fma(w1, a6_1);
            FloatVector x7 = FloatVector.broadcast(SPECIES, xp[at + 7]);
            a7_0 = x7.fma(w0, a7_0);
            a7_1 = x7.fma(w1, a7_1);
            FloatVector x8 = FloatVector.broadcast(SPECIES, xp[at + 8]);
            a8_0 = x8.fma(w0, a8_0);
            a8_1 = x8.fma(w1, a8_1);
            FloatVector x9 = FloatVector.broadcast(SPECIES, xp[at + 9]);
            a9_0 = x9.fma(w0, a9_0);
            a9_1 = x9.fma(w1, a9_1);
            FloatVector x10 = FloatVector.broadcast(SPECIES, xp[at + 10]);
            a10_0 = x10.fma(w0, a10_0);
            a10_1 = x10.fma(w1, a10_1);
            FloatVector x11 = FloatVector.broadcast(SPECIES, xp[at + 11]);
            a11_0 = x11.fma(w0, a11_0);
            a11_1 = x11.fma(w1, a11_1);
            FloatVector x12 = FloatVector.broadcast(SPECIES, xp[at + 12]);
            a12_0 = x12.fma(w0, a12_0);
            a12_1 = x12.fma(w1, a12_1);
            FloatVector x13 = FloatVector.broadcast(SPECIES, xp[at + 13]);
            a13_0 = x13.fma(w0, a13_0);
            a13_1 = x13.fma(w1, a13_1);
        }
        a0_0.intoArray(tile, 0 * L);
        a0_1.intoArray(tile, 1 * L);
        a1_0.intoArray(tile, 2 * L);
        a1_1.intoArray(tile, 3 * L);
        a2_0.intoArray(tile, 4 * L);
        a2_1.intoArray(tile, 5 * L);
        a3_0.intoArray(tile, 6 * L);
        a3_1.intoArray(tile, 7 * L);
        a4_0.intoArray(tile, 8 * L);
        a4_1.intoArray(tile, 9 * L);
        a5_0.intoArray(tile, 10 * L);
        a5_1.intoArray(tile, 11 * L);
        a6_0.intoArray(tile, 12 * L);
        a6_1.intoArray(tile, 13 * L);
        a7_0.intoArray(tile, 14 * L);
        a7_1.intoArray(tile, 15 * L);
        a8_0.intoArray(tile, 16 * L);
        a8_1.intoArray(tile, 17 * L);
        a9_0.intoArray(tile, 18 * L);
        a9_1.intoArray(tile, 19 * L);
        a10_0.intoArray(tile, 20 * L);
        a10_1.intoArray(tile, 21 * L);
        a11_0.intoArray(tile, 22 * L);
        a11_1.intoArray(tile, 23 * L);
        a12_0.intoArray(tile, 24 * L);
        a12_1.intoArray(tile, 25 * L);
        a13_0.intoArray(tile, 26 * L);
        a13_1.intoArray(tile, 27 * L);
    }

    /** Forward tile: 6 positions of one row × 4 vector(s) of output channels; see {@link #forward}. */
    private static void forward4x6(float[] xp, int at0, int sw, float[] wp, int wAt, int[] off,
                                   float[] tile) {
        FloatVector z = FloatVector.zero(SPECIES);
        FloatVector a0_0 = z, a0_1 = z, a0_2 = z, a0_3 = z, a1_0 = z, a1_1 = z, a1_2 = z, a1_3 = z;
        FloatVector a2_0 = z, a2_1 = z, a2_2 = z, a2_3 = z, a3_0 = z, a3_1 = z, a3_2 = z, a3_3 = z;
        FloatVector a4_0 = z, a4_1 = z, a4_2 = z, a4_3 = z, a5_0 = z, a5_1 = z, a5_2 = z, a5_3 = z;
        for (int j = 0; j < off.length; j++) {
            int wj = wAt + j * 4 * L;
            FloatVector w0 = FloatVector.fromArray(SPECIES, wp, wj);
            FloatVector w1 = FloatVector.fromArray(SPECIES, wp, wj + 1 * L);
            FloatVector w2 = FloatVector.fromArray(SPECIES, wp, wj + 2 * L);
            FloatVector w3 = FloatVector.fromArray(SPECIES, wp, wj + 3 * L);
            int at = at0 + off[j];
            FloatVector x0 = FloatVector.broadcast(SPECIES, xp[at]);
            a0_0 = x0.fma(w0, a0_0);
            a0_1 = x0.fma(w1, a0_1);
            a0_2 = x0.fma(w2, a0_2);
            a0_3 = x0.fma(w3, a0_3);
            FloatVector x1 = FloatVector.broadcast(SPECIES, xp[at + sw]);
            a1_0 = x1.fma(w0, a1_0);
            a1_1 = x1.fma(w1, a1_1);
            a1_2 = x1.fma(w2, a1_2);
            a1_3 = x1.fma(w3, a1_3);
            FloatVector x2 = FloatVector.broadcast(SPECIES, xp[at + 2 * sw]);
            a2_0 = x2.fma(w0, a2_0);
            a2_1 = x2.fma(w1, a2_1);
            a2_2 = x2.fma(w2, a2_2);
            a2_3 = x2.fma(w3, a2_3);
            FloatVector x3 = FloatVector.broadcast(SPECIES, xp[at + 3 * sw]);
            a3_0 = x3.fma(w0, a3_0);
            a3_1 = x3.fma(w1, a3_1);
            a3_2 = x3.fma(w2, a3_2);
            a3_3 = x3.fma(w3, a3_3);
            FloatVector x4 = FloatVector.broadcast(SPECIES, xp[at + 4 * sw]);
            a4_0 = x4.fma(w0, a4_0);
            a4_1 = x4.fma(w1, a4_1);
            a4_2 = x4.fma(w2, a4_2);
            a4_3 = x4.fma(w3, a4_3);
            FloatVector x5 = FloatVector.broadcast(SPECIES, xp[at + 5 * sw]);
            a5_0 = x5.fma(w0, a5_0);
            a5_1 = x5.fma(w1, a5_1);
            a5_2 = x5.fma(w2, a5_2);
            a5_3 = x5.fma(w3, a5_3);
        }
        a0_0.intoArray(tile, 0 * L);
        a0_1.intoArray(tile, 1 * L);
        a0_2.intoArray(tile, 2 * L);
        a0_3.intoArray(tile, 3 * L);
        a1_0.intoArray(tile, 4 * L);
        a1_1.intoArray(tile, 5 * L);
        a1_2.intoArray(tile, 6 * L);
        a1_3.intoArray(tile, 7 * L);
        a2_0.intoArray(tile, 8 * L);
        a2_1.intoArray(tile, 9 * L);
        a2_2.intoArray(tile, 10 * L);
        a2_3.intoArray(tile, 11 * L);
        a3_0.intoArray(tile, 12 * L);
        a3_1.intoArray(tile, 13 * L);
        a3_2.intoArray(tile, 14 * L);
        a3_3.intoArray(tile, 15 * L);
        a4_0.intoArray(tile, 16 * L);
        a4_1.intoArray(tile, 17 * L);
        a4_2.intoArray(tile, 18 * L);
        a4_3.intoArray(tile, 19 * L);
        a5_0.intoArray(tile, 20 * L);
        a5_1.intoArray(tile, 21 * L);
        a5_2.intoArray(tile, 22 * L);
        a5_3.intoArray(tile, 23 * L);
    }

    /** {@link #forward4x6} at stride 1: constant displacements, so C2 checks the 6 reads' bounds once. */
    private static void forward4x6Unit(float[] xp, int at0, float[] wp, int wAt, int[] off, float[] tile) {
        FloatVector z = FloatVector.zero(SPECIES);
        FloatVector a0_0 = z, a0_1 = z, a0_2 = z, a0_3 = z, a1_0 = z, a1_1 = z, a1_2 = z, a1_3 = z;
        FloatVector a2_0 = z, a2_1 = z, a2_2 = z, a2_3 = z, a3_0 = z, a3_1 = z, a3_2 = z, a3_3 = z;
        FloatVector a4_0 = z, a4_1 = z, a4_2 = z, a4_3 = z, a5_0 = z, a5_1 = z, a5_2 = z, a5_3 = z;
        for (int j = 0; j < off.length; j++) {
            int wj = wAt + j * 4 * L;
            FloatVector w0 = FloatVector.fromArray(SPECIES, wp, wj);
            FloatVector w1 = FloatVector.fromArray(SPECIES, wp, wj + 1 * L);
            FloatVector w2 = FloatVector.fromArray(SPECIES, wp, wj + 2 * L);
            FloatVector w3 = FloatVector.fromArray(SPECIES, wp, wj + 3 * L);
            int at = at0 + off[j];
            FloatVector x0 = FloatVector.broadcast(SPECIES, xp[at]);
            a0_0 = x0.fma(w0, a0_0);
            a0_1 = x0.fma(w1, a0_1);
            a0_2 = x0.fma(w2, a0_2);
            a0_3 = x0.fma(w3, a0_3);
            FloatVector x1 = FloatVector.broadcast(SPECIES, xp[at + 1]);
            a1_0 = x1.fma(w0, a1_0);
            a1_1 = x1.fma(w1, a1_1);
            a1_2 = x1.fma(w2, a1_2);
            a1_3 = x1.fma(w3, a1_3);
            FloatVector x2 = FloatVector.broadcast(SPECIES, xp[at + 2]);
            a2_0 = x2.fma(w0, a2_0);
            a2_1 = x2.fma(w1, a2_1);
            a2_2 = x2.fma(w2, a2_2);
            a2_3 = x2.fma(w3, a2_3);
            FloatVector x3 = FloatVector.broadcast(SPECIES, xp[at + 3]);
            a3_0 = x3.fma(w0, a3_0);
            a3_1 = x3.fma(w1, a3_1);
            a3_2 = x3.fma(w2, a3_2);
            a3_3 = x3.fma(w3, a3_3);
            FloatVector x4 = FloatVector.broadcast(SPECIES, xp[at + 4]);
            a4_0 = x4.fma(w0, a4_0);
            a4_1 = x4.fma(w1, a4_1);
            a4_2 = x4.fma(w2, a4_2);
            a4_3 = x4.fma(w3, a4_3);
            FloatVector x5 = FloatVector.broadcast(SPECIES, xp[at + 5]);
            a5_0 = x5.fma(w0, a5_0);
            a5_1 = x5.fma(w1, a5_1);
            a5_2 = x5.fma(w2, a5_2);
            a5_3 = x5.fma(w3, a5_3);
        }
        a0_0.intoArray(tile, 0 * L);
        a0_1.intoArray(tile, 1 * L);
        a0_2.intoArray(tile, 2 * L);
        a0_3.intoArray(tile, 3 * L);
        a1_0.intoArray(tile, 4 * L);
        a1_1.intoArray(tile, 5 * L);
        a1_2.intoArray(tile, 6 * L);
        a1_3.intoArray(tile, 7 * L);
        a2_0.intoArray(tile, 8 * L);
        a2_1.intoArray(tile, 9 * L);
        a2_2.intoArray(tile, 10 * L);
        a2_3.intoArray(tile, 11 * L);
        a3_0.intoArray(tile, 12 * L);
        a3_1.intoArray(tile, 13 * L);
        a3_2.intoArray(tile, 14 * L);
        a3_3.intoArray(tile, 15 * L);
        a4_0.intoArray(tile, 16 * L);
        a4_1.intoArray(tile, 17 * L);
        a4_2.intoArray(tile, 18 * L);
        a4_3.intoArray(tile, 19 * L);
        a5_0.intoArray(tile, 20 * L);
        a5_1.intoArray(tile, 21 * L);
        a5_2.intoArray(tile, 22 * L);
        a5_3.intoArray(tile, 23 * L);
    }

    /** Backward-filter tile: 16 taps × 1 vector(s) of output channels, summed over positions {@code q0 .. q1}. */
    private static void filter16x1(float[] xp, int[] bases, int q0, int q1, int[] o, float[] dyT, int dyAt,
                                 float[] acc, int accAt, int accLd) {
        int o0 = o[0];
        int o1 = o[1];
        int o2 = o[2];
        int o3 = o[3];
        int o4 = o[4];
        int o5 = o[5];
        int o6 = o[6];
        int o7 = o[7];
        int o8 = o[8];
        int o9 = o[9];
        int o10 = o[10];
        int o11 = o[11];
        int o12 = o[12];
        int o13 = o[13];
        int o14 = o[14];
        int o15 = o[15];
        FloatVector a0_0 = FloatVector.fromArray(SPECIES, acc, accAt + 0 * accLd);
        FloatVector a1_0 = FloatVector.fromArray(SPECIES, acc, accAt + 1 * accLd);
        FloatVector a2_0 = FloatVector.fromArray(SPECIES, acc, accAt + 2 * accLd);
        FloatVector a3_0 = FloatVector.fromArray(SPECIES, acc, accAt + 3 * accLd);
        FloatVector a4_0 = FloatVector.fromArray(SPECIES, acc, accAt + 4 * accLd);
        FloatVector a5_0 = FloatVector.fromArray(SPECIES, acc, accAt + 5 * accLd);
        FloatVector a6_0 = FloatVector.fromArray(SPECIES, acc, accAt + 6 * accLd);
        FloatVector a7_0 = FloatVector.fromArray(SPECIES, acc, accAt + 7 * accLd);
        FloatVector a8_0 = FloatVector.fromArray(SPECIES, acc, accAt + 8 * accLd);
        FloatVector a9_0 = FloatVector.fromArray(SPECIES, acc, accAt + 9 * accLd);
        FloatVector a10_0 = FloatVector.fromArray(SPECIES, acc, accAt + 10 * accLd);
        FloatVector a11_0 = FloatVector.fromArray(SPECIES, acc, accAt + 11 * accLd);
        FloatVector a12_0 = FloatVector.fromArray(SPECIES, acc, accAt + 12 * accLd);
        FloatVector a13_0 = FloatVector.fromArray(SPECIES, acc, accAt + 13 * accLd);
        FloatVector a14_0 = FloatVector.fromArray(SPECIES, acc, accAt + 14 * accLd);
        FloatVector a15_0 = FloatVector.fromArray(SPECIES, acc, accAt + 15 * accLd);
        // One flat loop over a table of positions: with nested row and column loops C2 kept
        // the accumulators boxed (measured 50x slower).
        for (int q = q0; q < q1; q++) {
            int base = bases[q], d = dyAt + q * L;
            FloatVector d0 = FloatVector.fromArray(SPECIES, dyT, d);
            FloatVector x0 = FloatVector.broadcast(SPECIES, xp[base + o0]);
            a0_0 = x0.fma(d0, a0_0);
            FloatVector x1 = FloatVector.broadcast(SPECIES, xp[base + o1]);
            a1_0 = x1.fma(d0, a1_0);
            FloatVector x2 = FloatVector.broadcast(SPECIES, xp[base + o2]);
            a2_0 = x2.fma(d0, a2_0);
            FloatVector x3 = FloatVector.broadcast(SPECIES, xp[base + o3]);
            a3_0 = x3.fma(d0, a3_0);
            FloatVector x4 = FloatVector.broadcast(SPECIES, xp[base + o4]);
            a4_0 = x4.fma(d0, a4_0);
            FloatVector x5 = FloatVector.broadcast(SPECIES, xp[base + o5]);
            a5_0 = x5.fma(d0, a5_0);
            FloatVector x6 = FloatVector.broadcast(SPECIES, xp[base + o6]);
            a6_0 = x6.fma(d0, a6_0);
            FloatVector x7 = FloatVector.broadcast(SPECIES, xp[base + o7]);
            a7_0 = x7.fma(d0, a7_0);
            FloatVector x8 = FloatVector.broadcast(SPECIES, xp[base + o8]);
            a8_0 = x8.fma(d0, a8_0);
            FloatVector x9 = FloatVector.broadcast(SPECIES, xp[base + o9]);
            a9_0 = x9.fma(d0, a9_0);
            FloatVector x10 = FloatVector.broadcast(SPECIES, xp[base + o10]);
            a10_0 = x10.fma(d0, a10_0);
            FloatVector x11 = FloatVector.broadcast(SPECIES, xp[base + o11]);
            a11_0 = x11.fma(d0, a11_0);
            FloatVector x12 = FloatVector.broadcast(SPECIES, xp[base + o12]);
            a12_0 = x12.fma(d0, a12_0);
            FloatVector x13 = FloatVector.broadcast(SPECIES, xp[base + o13]);
            a13_0 = x13.fma(d0, a13_0);
            FloatVector x14 = FloatVector.broadcast(SPECIES, xp[base + o14]);
            a14_0 = x14.fma(d0, a14_0);
            FloatVector x15 = FloatVector.broadcast(SPECIES, xp[base + o15]);
            a15_0 = x15.fma(d0, a15_0);
        }
        a0_0.intoArray(acc, accAt + 0 * accLd);
        a1_0.intoArray(acc, accAt + 1 * accLd);
        a2_0.intoArray(acc, accAt + 2 * accLd);
        a3_0.intoArray(acc, accAt + 3 * accLd);
        a4_0.intoArray(acc, accAt + 4 * accLd);
        a5_0.intoArray(acc, accAt + 5 * accLd);
        a6_0.intoArray(acc, accAt + 6 * accLd);
        a7_0.intoArray(acc, accAt + 7 * accLd);
        a8_0.intoArray(acc, accAt + 8 * accLd);
        a9_0.intoArray(acc, accAt + 9 * accLd);
        a10_0.intoArray(acc, accAt + 10 * accLd);
        a11_0.intoArray(acc, accAt + 11 * accLd);
        a12_0.intoArray(acc, accAt + 12 * accLd);
        a13_0.intoArray(acc, accAt + 13 * accLd);
        a14_0.intoArray(acc, accAt + 14 * accLd);
        a15_0.intoArray(acc, accAt + 15 * accLd);
    }

    /** Backward-filter tile: 12 taps × 2 vector(s) of output channels, summed over positions {@code q0 .. q1}. */
    private static void filter12x2(float[] xp, int[] bases, int q0, int q1, int[] o, float[] dyT, int dyAt,
                                 float[] acc, int accAt, int accLd) {
        int o0 = o[0];
        int o1 = o[1];
        int o2 = o[2];
        int o3 = o[3];
        int o4 = o[4];
        int o5 = o[5];
        int o6 = o[6];
        int o7 = o[7];
        int o8 = o[8];
        int o9 = o[9];
        int o10 = o[10];
        int o11 = o[11];
        FloatVector a0_0 = FloatVector.fromArray(SPECIES, acc, accAt + 0 * accLd);
        FloatVector a0_1 = FloatVector.fromArray(SPECIES, acc, accAt + 0 * accLd + 1 * L);
        FloatVector a1_0 = FloatVector.fromArray(SPECIES, acc, accAt + 1 * accLd);
        FloatVector a1_1 = FloatVector.fromArray(SPECIES, acc, accAt + 1 * accLd + 1 * L);
        FloatVector a2_0 = FloatVector.fromArray(SPECIES, acc, accAt + 2 * accLd);
        FloatVector a2_1 = FloatVector.fromArray(SPECIES, acc, accAt + 2 * accLd + 1 * L);
        FloatVector a3_0 = FloatVector.fromArray(SPECIES, acc, accAt + 3 * accLd);
        FloatVector a3_1 = FloatVector.fromArray(SPECIES, acc, accAt + 3 * accLd + 1 * L);
        FloatVector a4_0 = FloatVector.fromArray(SPECIES, acc, accAt + 4 * accLd);
        FloatVector a4_1 = FloatVector.fromArray(SPECIES, acc, accAt + 4 * accLd + 1 * L);
        FloatVector a5_0 = FloatVector.fromArray(SPECIES, acc, accAt + 5 * accLd);
        FloatVector a5_1 = FloatVector.fromArray(SPECIES, acc, accAt + 5 * accLd + 1 * L);
        FloatVector a6_0 = FloatVector.fromArray(SPECIES, acc, accAt + 6 * accLd);
        FloatVector a6_1 = FloatVector.fromArray(SPECIES, acc, accAt + 6 * accLd + 1 * L);
        FloatVector a7_0 = FloatVector.fromArray(SPECIES, acc, accAt + 7 * accLd);
        FloatVector a7_1 = FloatVector.fromArray(SPECIES, acc, accAt + 7 * accLd + 1 * L);
        FloatVector a8_0 = FloatVector.fromArray(SPECIES, acc, accAt + 8 * accLd);
        FloatVector a8_1 = FloatVector.fromArray(SPECIES, acc, accAt + 8 * accLd + 1 * L);
        FloatVector a9_0 = FloatVector.fromArray(SPECIES, acc, accAt + 9 * accLd);
        FloatVector a9_1 = FloatVector.fromArray(SPECIES, acc, accAt + 9 * accLd + 1 * L);
        FloatVector a10_0 = FloatVector.fromArray(SPECIES, acc, accAt + 10 * accLd);
        FloatVector a10_1 = FloatVector.fromArray(SPECIES, acc, accAt + 10 * accLd + 1 * L);
        FloatVector a11_0 = FloatVector.fromArray(SPECIES, acc, accAt + 11 * accLd);
        FloatVector a11_1 = FloatVector.fromArray(SPECIES, acc, accAt + 11 * accLd + 1 * L);
        // One flat loop over a table of positions: with nested row and column loops C2 kept
        // the accumulators boxed (measured 50x slower).
        for (int q = q0; q < q1; q++) {
            int base = bases[q], d = dyAt + q * 2 * L;
            FloatVector d0 = FloatVector.fromArray(SPECIES, dyT, d);
            FloatVector d1 = FloatVector.fromArray(SPECIES, dyT, d + 1 * L);
            FloatVector x0 = FloatVector.broadcast(SPECIES, xp[base + o0]);
            a0_0 = x0.fma(d0, a0_0);
            a0_1 = x0.fma(d1, a0_1);
            FloatVector x1 = FloatVector.broadcast(SPECIES, xp[base + o1]);
            a1_0 = x1.fma(d0, a1_0);
            a1_1 = x1.fma(d1, a1_1);
            FloatVector x2 = FloatVector.broadcast(SPECIES, xp[base + o2]);
            a2_0 = x2.fma(d0, a2_0);
            a2_1 = x2.fma(d1, a2_1);
            FloatVector x3 = FloatVector.broadcast(SPECIES, xp[base + o3]);
            a3_0 = x3.fma(d0, a3_0);
            a3_1 = x3.fma(d1, a3_1);
            FloatVector x4 = FloatVector.broadcast(SPECIES, xp[base + o4]);
            a4_0 = x4.fma(d0, a4_0);
            a4_1 = x4.fma(d1, a4_1);
            FloatVector x5 = FloatVector.broadcast(SPECIES, xp[base + o5]);
            a5_0 = x5.fma(d0, a5_0);
            a5_1 = x5.fma(d1, a5_1);
            FloatVector x6 = FloatVector.broadcast(SPECIES, xp[base + o6]);
            a6_0 = x6.fma(d0, a6_0);
            a6_1 = x6.fma(d1, a6_1);
            FloatVector x7 = FloatVector.broadcast(SPECIES, xp[base + o7]);
            a7_0 = x7.fma(d0, a7_0);
            a7_1 = x7.fma(d1, a7_1);
            FloatVector x8 = FloatVector.broadcast(SPECIES, xp[base + o8]);
            a8_0 = x8.fma(d0, a8_0);
            a8_1 = x8.fma(d1, a8_1);
            FloatVector x9 = FloatVector.broadcast(SPECIES, xp[base + o9]);
            a9_0 = x9.fma(d0, a9_0);
            a9_1 = x9.fma(d1, a9_1);
            FloatVector x10 = FloatVector.broadcast(SPECIES, xp[base + o10]);
            a10_0 = x10.fma(d0, a10_0);
            a10_1 = x10.fma(d1, a10_1);
            FloatVector x11 = FloatVector.broadcast(SPECIES, xp[base + o11]);
            a11_0 = x11.fma(d0, a11_0);
            a11_1 = x11.fma(d1, a11_1);
        }
        a0_0.intoArray(acc, accAt + 0 * accLd);
        a0_1.intoArray(acc, accAt + 0 * accLd + 1 * L);
        a1_0.intoArray(acc, accAt + 1 * accLd);
        a1_1.intoArray(acc, accAt + 1 * accLd + 1 * L);
        a2_0.intoArray(acc, accAt + 2 * accLd);
        a2_1.intoArray(acc, accAt + 2 * accLd + 1 * L);
        a3_0.intoArray(acc, accAt + 3 * accLd);
        a3_1.intoArray(acc, accAt + 3 * accLd + 1 * L);
        a4_0.intoArray(acc, accAt + 4 * accLd);
        a4_1.intoArray(acc, accAt + 4 * accLd + 1 * L);
        a5_0.intoArray(acc, accAt + 5 * accLd);
        a5_1.intoArray(acc, accAt + 5 * accLd + 1 * L);
        a6_0.intoArray(acc, accAt + 6 * accLd);
        a6_1.intoArray(acc, accAt + 6 * accLd + 1 * L);
        a7_0.intoArray(acc, accAt + 7 * accLd);
        a7_1.intoArray(acc, accAt + 7 * accLd + 1 * L);
        a8_0.intoArray(acc, accAt + 8 * accLd);
        a8_1.intoArray(acc, accAt + 8 * accLd + 1 * L);
        a9_0.intoArray(acc, accAt + 9 * accLd);
        a9_1.intoArray(acc, accAt + 9 * accLd + 1 * L);
        a10_0.intoArray(acc, accAt + 10 * accLd);
        a10_1.intoArray(acc, accAt + 10 * accLd + 1 * L);
        a11_0.intoArray(acc, accAt + 11 * accLd);
        a11_1.intoArray(acc, accAt + 11 * accLd + 1 * L);
    }

    /** Backward-filter tile: 6 taps × 4 vector(s) of output channels, summed over positions {@code q0 .. q1}. */
    private static void filter6x4(float[] xp, int[] bases, int q0, int q1, int[] o, float[] dyT, int dyAt,
                                 float[] acc, int accAt, int accLd) {
        int o0 = o[0];
        int o1 = o[1];
        int o2 = o[2];
        int o3 = o[3];
        int o4 = o[4];
        int o5 = o[5];
        FloatVector a0_0 = FloatVector.fromArray(SPECIES, acc, accAt + 0 * accLd);
        FloatVector a0_1 = FloatVector.fromArray(SPECIES, acc, accAt + 0 * accLd + 1 * L);
        FloatVector a0_2 = FloatVector.fromArray(SPECIES, acc, accAt + 0 * accLd + 2 * L);
        FloatVector a0_3 = FloatVector.fromArray(SPECIES, acc, accAt + 0 * accLd + 3 * L);
        FloatVector a1_0 = FloatVector.fromArray(SPECIES, acc, accAt + 1 * accLd);
        FloatVector a1_1 = FloatVector.fromArray(SPECIES, acc, accAt + 1 * accLd + 1 * L);
        FloatVector a1_2 = FloatVector.fromArray(SPECIES, acc, accAt + 1 * accLd + 2 * L);
        FloatVector a1_3 = FloatVector.fromArray(SPECIES, acc, accAt + 1 * accLd + 3 * L);
        FloatVector a2_0 = FloatVector.fromArray(SPECIES, acc, accAt + 2 * accLd);
        FloatVector a2_1 = FloatVector.fromArray(SPECIES, acc, accAt + 2 * accLd + 1 * L);
        FloatVector a2_2 = FloatVector.fromArray(SPECIES, acc, accAt + 2 * accLd + 2 * L);
        FloatVector a2_3 = FloatVector.fromArray(SPECIES, acc, accAt + 2 * accLd + 3 * L);
        FloatVector a3_0 = FloatVector.fromArray(SPECIES, acc, accAt + 3 * accLd);
        FloatVector a3_1 = FloatVector.fromArray(SPECIES, acc, accAt + 3 * accLd + 1 * L);
        FloatVector a3_2 = FloatVector.fromArray(SPECIES, acc, accAt + 3 * accLd + 2 * L);
        FloatVector a3_3 = FloatVector.fromArray(SPECIES, acc, accAt + 3 * accLd + 3 * L);
        FloatVector a4_0 = FloatVector.fromArray(SPECIES, acc, accAt + 4 * accLd);
        FloatVector a4_1 = FloatVector.fromArray(SPECIES, acc, accAt + 4 * accLd + 1 * L);
        FloatVector a4_2 = FloatVector.fromArray(SPECIES, acc, accAt + 4 * accLd + 2 * L);
        FloatVector a4_3 = FloatVector.fromArray(SPECIES, acc, accAt + 4 * accLd + 3 * L);
        FloatVector a5_0 = FloatVector.fromArray(SPECIES, acc, accAt + 5 * accLd);
        FloatVector a5_1 = FloatVector.fromArray(SPECIES, acc, accAt + 5 * accLd + 1 * L);
        FloatVector a5_2 = FloatVector.fromArray(SPECIES, acc, accAt + 5 * accLd + 2 * L);
        FloatVector a5_3 = FloatVector.fromArray(SPECIES, acc, accAt + 5 * accLd + 3 * L);
        // One flat loop over a table of positions: with nested row and column loops C2 kept
        // the accumulators boxed (measured 50x slower).
        for (int q = q0; q < q1; q++) {
            int base = bases[q], d = dyAt + q * 4 * L;
            FloatVector d0 = FloatVector.fromArray(SPECIES, dyT, d);
            FloatVector d1 = FloatVector.fromArray(SPECIES, dyT, d + 1 * L);
            FloatVector d2 = FloatVector.fromArray(SPECIES, dyT, d + 2 * L);
            FloatVector d3 = FloatVector.fromArray(SPECIES, dyT, d + 3 * L);
            FloatVector x0 = FloatVector.broadcast(SPECIES, xp[base + o0]);
            a0_0 = x0.fma(d0, a0_0);
            a0_1 = x0.fma(d1, a0_1);
            a0_2 = x0.fma(d2, a0_2);
            a0_3 = x0.fma(d3, a0_3);
            FloatVector x1 = FloatVector.broadcast(SPECIES, xp[base + o1]);
            a1_0 = x1.fma(d0, a1_0);
            a1_1 = x1.fma(d1, a1_1);
            a1_2 = x1.fma(d2, a1_2);
            a1_3 = x1.fma(d3, a1_3);
            FloatVector x2 = FloatVector.broadcast(SPECIES, xp[base + o2]);
            a2_0 = x2.fma(d0, a2_0);
            a2_1 = x2.fma(d1, a2_1);
            a2_2 = x2.fma(d2, a2_2);
            a2_3 = x2.fma(d3, a2_3);
            FloatVector x3 = FloatVector.broadcast(SPECIES, xp[base + o3]);
            a3_0 = x3.fma(d0, a3_0);
            a3_1 = x3.fma(d1, a3_1);
            a3_2 = x3.fma(d2, a3_2);
            a3_3 = x3.fma(d3, a3_3);
            FloatVector x4 = FloatVector.broadcast(SPECIES, xp[base + o4]);
            a4_0 = x4.fma(d0, a4_0);
            a4_1 = x4.fma(d1, a4_1);
            a4_2 = x4.fma(d2, a4_2);
            a4_3 = x4.fma(d3, a4_3);
            FloatVector x5 = FloatVector.broadcast(SPECIES, xp[base + o5]);
            a5_0 = x5.fma(d0, a5_0);
            a5_1 = x5.fma(d1, a5_1);
            a5_2 = x5.fma(d2, a5_2);
            a5_3 = x5.fma(d3, a5_3);
        }
        a0_0.intoArray(acc, accAt + 0 * accLd);
        a0_1.intoArray(acc, accAt + 0 * accLd + 1 * L);
        a0_2.intoArray(acc, accAt + 0 * accLd + 2 * L);
        a0_3.intoArray(acc, accAt + 0 * accLd + 3 * L);
        a1_0.intoArray(acc, accAt + 1 * accLd);
        a1_1.intoArray(acc, accAt + 1 * accLd + 1 * L);
        a1_2.intoArray(acc, accAt + 1 * accLd + 2 * L);
        a1_3.intoArray(acc, accAt + 1 * accLd + 3 * L);
        a2_0.intoArray(acc, accAt + 2 * accLd);
        a2_1.intoArray(acc, accAt + 2 * accLd + 1 * L);
        a2_2.intoArray(acc, accAt + 2 * accLd + 2 * L);
        a2_3.intoArray(acc, accAt + 2 * accLd + 3 * L);
        a3_0.intoArray(acc, accAt + 3 * accLd);
        a3_1.intoArray(acc, accAt + 3 * accLd + 1 * L);
        a3_2.intoArray(acc, accAt + 3 * accLd + 2 * L);
        a3_3.intoArray(acc, accAt + 3 * accLd + 3 * L);
        a4_0.intoArray(acc, accAt + 4 * accLd);
        a4_1.intoArray(acc, accAt + 4 * accLd + 1 * L);
        a4_2.intoArray(acc, accAt + 4 * accLd + 2 * L);
        a4_3.intoArray(acc, accAt + 4 * accLd + 3 * L);
        a5_0.intoArray(acc, accAt + 5 * accLd);
        a5_1.intoArray(acc, accAt + 5 * accLd + 1 * L);
        a5_2.intoArray(acc, accAt + 5 * accLd + 2 * L);
        a5_3.intoArray(acc, accAt + 5 * accLd + 3 * L);
    }
}
