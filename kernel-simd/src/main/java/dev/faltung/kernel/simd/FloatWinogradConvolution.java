package dev.faltung.kernel.simd;

import dev.faltung.kernel.conv.ConvGeometry;
import dev.faltung.kernel.conv.WinogradConvolution;
import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * float32 Winograd F(4×4, 3×3) and F(2×2, 5×5) (Lavin &amp; Gray 2015, the matrices of the shared
 * {@code WinogradConvolution}; both tiles are 6×6 and use the points {@code 0, ±1, ±2, ∞}, so one
 * {@code Bᵀ}), with the transforms vectorised over tiles and the channel reduction one product
 * per transform position: {@code M_ξ [K/G, T] = U_ξ [K/G, C/G]·V_ξ [C/G, T]}.
 * <p>To make the tiles' 6×6 windows contiguous in memory, each input plane is split once into
 * {@code m²} phase planes {@code ph[py][px][ty][tx] = x[m·ty + py - padTop][m·tx + px - padLeft]}
 * (rows of {@code tilesX + reach}, {@code reach = 5/m} the tile columns a window spans past its
 * own); element {@code (i, j)} of tile {@code t} is then
 * {@code ph[i%m][j%m][t + (i/m)·(tilesX+reach) + j/m]}, so {@code L} consecutive tiles load as one
 * vector. Tile indices run over {@code tilesY × (tilesX + reach)}: {@code reach} columns of tiles
 * per row are computed and discarded. Every pass is fused, unit of tiles by unit (see {@link #run}),
 * the transforms never going through memory.
 * <p>Backward data is this algorithm on {@code dy} with the kernel flipped, channel axes swapped
 * and padding {@code r - 1 - pad} (negative padding crops). Backward filter is its adjoint:
 * transformed gradients by transformed inputs, summed over tiles (see {@link #backwardFilter}). Applies at stride 1
 * and dilation 1 to 3×3 kernels with outputs of at least 8×8 in every direction it is used for
 * (where the shared planner's variant rule picks F(4×4)), and to 5×5 kernels; otherwise the
 * caller runs the shared implementation.
 * <p>Float32 error: the shared bound with the products summing in float and the transforms in float:
 * {@code |ŷ - y| ≤ (C/G + 6)·u·(C/G)·max|x|·max|w|·a² + u·|y|}, {@code a²} the tile's
 * {@link Tile#amplification()}. Tasks split tiles, images or channels, never a sum (backward
 * filter sums fixed slices of the batch, then adds them in order): results do not depend on
 * the thread count. Backward filter: each tile's contribution is amplified as above and the
 * sum over {@code N·T} tiles adds its own rounding: {@code ≤ (a² + N·T + 6)·u·Σ|dy||x|}. Thread-safe.
 */
final class FloatWinogradConvolution {

    /** The tiles this class computes, each with its filter transform {@code G} (6×r). */
    enum Tile {
        F4X4_3X3(4, 3, WinogradConvolution.F4X4_3X3, new double[][] {
                {1.0 / 4, 0, 0},
                {-1.0 / 6, -1.0 / 6, -1.0 / 6},
                {-1.0 / 6, 1.0 / 6, -1.0 / 6},
                {1.0 / 24, 1.0 / 12, 1.0 / 6},
                {1.0 / 24, -1.0 / 12, 1.0 / 6},
                {0, 0, 1}}),
        F2X2_5X5(2, 5, WinogradConvolution.F2X2_5X5, new double[][] {
                {1.0 / 4, 0, 0, 0, 0},
                {-1.0 / 6, -1.0 / 6, -1.0 / 6, -1.0 / 6, -1.0 / 6},
                {-1.0 / 6, 1.0 / 6, -1.0 / 6, 1.0 / 6, -1.0 / 6},
                {1.0 / 24, 1.0 / 12, 1.0 / 6, 1.0 / 3, 2.0 / 3},
                {1.0 / 24, -1.0 / 12, 1.0 / 6, -1.0 / 3, 2.0 / 3},
                {0, 0, 0, 0, 1}});

        /** Output tile side, which is also the phase planes' step. */
        final int m;
        /** Kernel side. */
        final int r;
        /** Tile columns (and rows) a 6-wide window reaches past its own: {@code 5 / m}. */
        final int reach;
        private final WinogradConvolution shared;
        private final double[][] g;

        Tile(int m, int r, WinogradConvolution shared, double[][] g) {
            this.m = m;
            this.r = r;
            this.reach = 5 / m;
            this.shared = shared;
            this.g = g;
        }

        /** The factor {@code a²} of the error bound: the shared implementation's. */
        double amplification() {
            return shared.amplification();
        }
    }

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> DOUBLES = DoubleVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();
    private static final int POSITIONS = 36;
    /** Tiles per unit of the fused forward: two vectors, so each broadcast weight feeds two multiply-adds. */
    private static final int UNIT = 2 * L;
    /** Output channels per block of {@link #product}: with two vectors of tiles, 16 accumulators. */
    private static final int KT = 8;
    /** Floats of the transforms' temporaries. */
    private static final int TEMPORARY = 56 * L;
    /**
     * Units of work per worker, claimed by whichever thread is free: on the 2-vCPU VM one thread
     * sometimes runs slower for a whole process (see FloatChannelLaneConvolution).
     */
    private static final int TASKS_PER_THREAD = 4;
    /** Floats of phase planes per worker (1 MiB). */
    private static final long PHASE_BUDGET = 1L << 18;

    static {
        float[] u = new float[2 * KT], v = new float[2 * UNIT], m = new float[KT * UNIT];
        JitWarmup.run(() -> product(u, 0, v, 0, 2, m, 0));
    }

    /** Floats of the backward filter's per-slice sums {@code dU} (32 MiB): fewer slices beyond. */
    static final long SUMS_BUDGET = 1L << 23;

    private final WorkerPool pool;
    private final long sumsBudget;

    FloatWinogradConvolution(WorkerPool pool) {
        this(pool, SUMS_BUDGET);
    }

    /** With the backward filter's per-slice sums limited to {@code sumsBudget} floats where one slice allows. */
    FloatWinogradConvolution(WorkerPool pool, long sumsBudget) {
        this.pool = pool;
        this.sumsBudget = sumsBudget;
    }

    /**
     * The tile for the forward pass of {@code g}, or null where this class has none: stride 1,
     * dilation 1, and 3×3 with an output of at least 8×8, or 5×5.
     */
    static Tile tile(ConvGeometry g) {
        if (g.strideH() != 1 || g.strideW() != 1 || g.dilationH() != 1 || g.dilationW() != 1) return null;
        if (g.r() == 3 && g.s() == 3) return g.outH() >= 8 && g.outW() >= 8 ? Tile.F4X4_3X3 : null;
        return g.r() == 5 && g.s() == 5 ? Tile.F2X2_5X5 : null;
    }

    /** The tile for backward data, or null: as forward, with the input (its output) at least 8×8 for 3×3. */
    static Tile backwardDataTile(ConvGeometry g) {
        Tile tile = tile(g);
        return tile == Tile.F4X4_3X3 && (g.h() < 8 || g.w() < 8) ? null : tile;
    }

    /** Whether {@link #backwardFilter} computes {@code g}: wherever forward does. */
    static boolean appliesBackwardFilter(ConvGeometry g) {
        return tile(g) != null;
    }

    void forward(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y) {
        run(tile(g), g.n(), g.c(), g.h(), g.w(), g.k(), g.groups(), g.padTop(), g.padLeft(), g.outH(), g.outW(),
                x, w, bias, y);
    }

    void backwardData(ConvGeometry g, float[] dy, float[] w, float[] dx) {
        Tile tile = backwardDataTile(g);
        int cpg = g.cPerGroup(), kpg = g.kPerGroup(), taps = tile.r * tile.r, last = tile.r - 1;
        // w'[c, k_in_group, r-1-i, r-1-j] = w[k, c_in_group, i, j], in the caller's slot (run's
        // tasks use the others)
        float[] flipped = ConvScratch.get().floats(ConvScratch.KERNEL, g.weightSize());
        for (int k = 0; k < g.k(); k++) {
            int grp = k / kpg, ki = k % kpg;
            for (int ci = 0; ci < cpg; ci++) {
                int c = grp * cpg + ci;
                for (int tap = 0; tap < taps; tap++) {
                    flipped[(c * kpg + ki) * taps + taps - 1 - tap] = w[(k * cpg + ci) * taps + tap];
                }
            }
        }
        run(tile, g.n(), g.k(), g.outH(), g.outW(), g.c(), g.groups(), last - g.padTop(), last - g.padLeft(),
                g.h(), g.w(), dy, flipped, null, dx);
    }

    /**
     * {@code y[n][k][oy][ox] = bias[k] + Σ_{c∈group(k), r, s} w[k][c][r][s]·x[n][c][oy + r - padTop][ox + s - padLeft]}
     * for {@code oy < outH, ox < outW}, inputs outside the {@code h×w} planes reading 0.
     * <p>Fused, one unit of {@link #UNIT} tiles at a time: the unit's transformed inputs
     * ({@code 36×C/G×UNIT} floats, 288 KiB for VGG's block) stay in the worker's L2 while each
     * block of {@link #KT} output channels is multiplied out ({@link #product}, 36 KiB of products
     * in L1) and transformed back. Transforming whole chunks of images for 36 library GEMMs
     * (16 MiB each way) spent more time moving the transforms through memory and packing them
     * than multiplying: VGG's block 10.3 ms, of which the GEMMs 5.0 at 46 % of peak.
     */
    private void run(Tile tile, int n, int c, int h, int w, int k, int groups, int padTop, int padLeft, int outH,
                     int outW, float[] x, float[] wt, float[] bias, float[] y) {
        int cg = c / groups, kg = k / groups, kTiles = (kg + KT - 1) / KT;
        int tm = tile.m, phases = tm * tm, reach = tile.reach;
        int tilesY = (outH + tm - 1) / tm, tilesX = (outW + tm - 1) / tm, tx1 = tilesX + reach;
        int units = (tilesY * tx1 + UNIT - 1) / UNIT;
        // Bands of units whose phase planes, all channels', are made once and fit the budget,
        // and enough of them to keep every worker busy.
        int minBands = (pool.threads() * TASKS_PER_THREAD + n * groups - 1) / (n * groups);
        int bandUnits = bandUnits(units, minBands, cg * phases, tx1, reach), phaseSize = bandPhaseSize(bandUnits, tx1, reach);
        int bandsPerImage = (units + bandUnits - 1) / bandUnits;
        int vStride = positionStride(cg, UNIT), mStride = positionStride(KT, UNIT);
        // The caller's slot, written by the workers below and then only read: the transformed
        // filters took a quarter of the forward pass on one thread while the other waited
        // (ResNet's block), and a new array every call.
        float[] u = ConvScratch.get().floats(ConvScratch.WEIGHTS, (long) groups * kTiles * POSITIONS * cg * KT);
        ranges(groups * kTiles, TASKS_PER_THREAD, (from, to) -> filterTransform(tile, wt, from, to, kg, cg, u));
        ranges(n * groups * bandsPerImage, TASKS_PER_THREAD, (from, to) -> {
            ConvScratch scratch = ConvScratch.get();
            int line = cg * phases * phaseSize, tmpAt = POSITIONS * mStride;
            float[] ph = scratch.floats(ConvScratch.COLS, (long) line + lineLength(tm, tx1));
            float[] v = scratch.floats(ConvScratch.OUT, (long) POSITIONS * vStride);
            // For 2×2 tiles, the unit's outputs of every channel are staged after the temporaries.
            int stageAt = POSITIONS * mStride + TEMPORARY;
            float[] m = scratch.floats(ConvScratch.SPECTRA, (long) stageAt + (tm == 2 ? 4L * UNIT * kg + L : 0));
            for (int i = from; i < to; i++) {
                int band = i % bandsPerImage, ng = i / bandsPerImage, img = ng / groups, grp = ng % groups;
                int u0 = band * bandUnits, u1 = Math.min(units, u0 + bandUnits);
                // Tile rows the band's tiles read: each window reaches `reach` tile rows down.
                int ty0 = u0 * UNIT / tx1, ty1 = Math.min(tilesY + reach, (u1 * UNIT - 1) / tx1 + 1 + reach);
                int tBase = ty0 * tx1;
                for (int ci = 0; ci < cg; ci++) {
                    int plane = (img * c + grp * cg + ci) * h * w;
                    phaseRows(tm, x, plane, h, w, padTop, padLeft, ty0, ty1, tx1, phaseSize, ph, ci * phases * phaseSize,
                            line);
                }
                for (int t0 = u0 * UNIT; t0 < u1 * UNIT; t0 += UNIT) {
                    int t1 = t0 + UNIT;
                    for (int ci = 0; ci < cg; ci++) {
                        inputTransform(tm, ph, ci * phases * phaseSize - tBase, phaseSize, tx1, t0, t1, m, tmpAt, v,
                                ci * UNIT, vStride);
                    }
                    for (int kt = 0; kt < kTiles; kt++) {
                        int uAt = (grp * kTiles + kt) * POSITIONS * cg * KT;
                        for (int xi = 0; xi < POSITIONS; xi++) {
                            product(u, uAt + xi * cg * KT, v, xi * vStride, cg, m, xi * mStride);
                        }
                        for (int kk = 0, k0 = grp * kg + kt * KT; kk < Math.min(KT, kg - kt * KT); kk++) {
                            float b = bias == null ? 0f : bias[k0 + kk];
                            if (tm == 2) {
                                outputTransform2(m, kk * UNIT, mStride, b, m, tmpAt, m, stageAt + (kt * KT + kk) * 4 * UNIT);
                            } else {
                                outputTransform(m, kk * UNIT, mStride, t0, t1, tx1, tilesX, tilesY, y,
                                        (img * k + k0 + kk) * outH * outW, outH, outW, b, m, tmpAt);
                            }
                        }
                    }
                    if (tm == 2) {
                        unstage(m, stageAt, kg, t0, t1, tx1, tilesX, tilesY, y, (img * k + grp * kg) * outH * outW,
                                outH, outW);
                    }
                }
            }
        });
    }

    /**
     * Units per band of an image: the fewest bands, at least {@code minBands}, whose
     * {@code planes} phase planes fit {@link #PHASE_BUDGET}.
     */
    private static int bandUnits(int units, int minBands, int planes, int tx1, int reach) {
        int bands = Math.max(1, Math.min(units, minBands));
        while (bands < units && (long) planes * bandPhaseSize((units + bands - 1) / bands, tx1, reach) > PHASE_BUDGET) {
            bands++;
        }
        return (units + bands - 1) / bands;
    }

    /**
     * Floats of one phase plane of a band of {@code bandUnits}: the tile rows its tiles read
     * ({@code reach} rows more than they span, and one for a band starting mid-row), then slack
     * for a vector read {@code reach} columns to the right and for the phase rows' whole-vector stores.
     */
    private static int bandPhaseSize(int bandUnits, int tx1, int reach) {
        return ((bandUnits * UNIT + tx1 - 1) / tx1 + 1 + reach) * tx1 + 2 * L;
    }

    /** Slices of the batch whose filter gradients are summed apart, then in order: fixed, so the result does not depend on the thread count. */
    private static final int SLICES = 8;

    /**
     * {@code dw} by the adjoint of the forward algorithm: {@code Y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A} per
     * tile gives {@code ∂/∂g = Gᵀ[(A dY Aᵀ) ⊙ (Bᵀ d B)]G}, summed over tiles and images. Fused
     * like the forward pass: {@code dU_ξ [C/G, K/G] = Σ_tiles V_ξ[c, t]·Z_ξ[t, k]} with
     * {@code V = Bᵀ d B} the input tiles and {@code Z = A dY Aᵀ} (6×6 from each tile of the
     * output gradient), then {@code dw = Gᵀ dU G}. Per unit of {@link #UNIT} tiles both
     * transforms stay in cache and each position's products ({@link #filterProducts}: input
     * channels broadcast, output channels in the lanes, so the gradient planes are first
     * transposed to {@code [position][K/G]}) add into the slice's {@code dU}. Nothing of size
     * {@code 36·(C+K)·tiles} goes through memory: the 3×3 path through 36 library GEMMs moved
     * 16 MB chunks of transforms each way and took as long as direct on VGG's block.
     * <p>Images are split into {@link #SLICES} slices (fewer where their sums would pass the
     * budget: 8 of VGG-16's 512×512 layers would take 300 MB), each summed by one task in order,
     * and the slices are added in order in {@link #filterGradient}: one summation order for any
     * thread count. Tasks also split the input channels where slices alone are too few to keep
     * every worker busy; that changes who sums, not the order. Tiles past a row's or the
     * plane's end are skipped, their transforms never read.
     */
    void backwardFilter(ConvGeometry g, float[] x, float[] dy, float[] dw, float[] dbias, FloatLoweredConvolution lowered) {
        Tile tile = tile(g);
        int n = g.n(), c = g.c(), h = g.h(), w = g.w(), k = g.k(), outH = g.outH(), outW = g.outW();
        int groups = g.groups(), cg = g.cPerGroup(), kg = g.kPerGroup(), kv = (kg + L - 1) / L, kvL = kv * L;
        int tm = tile.m, phases = tm * tm, reach = tile.reach;
        int tilesY = (outH + tm - 1) / tm, tilesX = (outW + tm - 1) / tm, tx1 = tilesX + reach;
        int units = (tilesY * tx1 + UNIT - 1) / UNIT;
        long duFloats = (long) POSITIONS * cg * kvL;
        int slices = (int) Math.max(1, Math.min(Math.min(n, SLICES), sumsBudget / (groups * duFloats)));
        // Asked for first: a layer too large for one Java array fails here, with the sizes, before
        // any index below could overflow.
        float[] du = ConvScratch.get().floats(ConvScratch.WEIGHTS, slices * groups * duFloats);
        int duSize = (int) duFloats, planeSize = outH * outW;
        // Blocks of input channels where slices leave workers idle: each block transforms its
        // own inputs and all the gradients.
        int sums = slices * groups, threads = pool.threads();
        int wanted = sums >= threads ? 1 : Math.min((cg + 3) / 4, (threads * TASKS_PER_THREAD + sums - 1) / sums);
        int cb = (cg + wanted - 1) / wanted, blocks = (cg + cb - 1) / cb;
        int bandUnits = bandUnits(units, 1, cb * phases, tx1, reach), phaseSize = bandPhaseSize(bandUnits, tx1, reach);
        int vStride = positionStride(cb, UNIT), zStride = UNIT * kvL + L;
        // The transposed gradient: whole tiles, zero past the plane.
        int paddedH = tilesY * tm, paddedW = tilesX * tm;
        ranges(sums * blocks, TASKS_PER_THREAD, (from, to) -> {
            ConvScratch scratch = ConvScratch.get();
            int line = cb * phases * phaseSize, tmpAt = POSITIONS * zStride, dyAt = tmpAt + TEMPORARY;
            float[] ph = scratch.floats(ConvScratch.COLS, (long) line + lineLength(tm, tx1));
            float[] v = scratch.floats(ConvScratch.OUT, (long) POSITIONS * vStride);
            float[] z = scratch.floats(ConvScratch.SPECTRA, (long) dyAt + (long) paddedH * paddedW * kvL + L);
            int[] inside = new int[UNIT];
            for (int item = from; item < to; item++) {
                int slice = item / blocks / groups, grp = item / blocks % groups, block = item % blocks;
                int c0 = block * cb, c1 = Math.min(cg, c0 + cb), duAt = (slice * groups + grp) * duSize + c0 * kvL;
                for (int xi = 0; xi < POSITIONS; xi++) {
                    Arrays.fill(du, duAt + xi * cg * kvL, duAt + xi * cg * kvL + (c1 - c0) * kvL, 0f);
                }
                for (int img = n * slice / slices; img < n * (slice + 1) / slices; img++) {
                    transposeGradient(dy, (img * k + grp * kg) * planeSize, kg, outH, outW, paddedH, paddedW, z, dyAt,
                            kvL);
                    for (int u0 = 0; u0 < units; u0 += bandUnits) {
                        int u1 = Math.min(units, u0 + bandUnits);
                        int ty0 = u0 * UNIT / tx1, ty1 = Math.min(tilesY + reach, (u1 * UNIT - 1) / tx1 + 1 + reach);
                        int tBase = ty0 * tx1;
                        for (int ci = c0; ci < c1; ci++) {
                            int plane = (img * c + grp * cg + ci) * h * w;
                            phaseRows(tm, x, plane, h, w, g.padTop(), g.padLeft(), ty0, ty1, tx1, phaseSize, ph,
                                    (ci - c0) * phases * phaseSize, line);
                        }
                        for (int t0 = u0 * UNIT; t0 < u1 * UNIT; t0 += UNIT) {
                            int t1 = t0 + UNIT;
                            // The unit's tiles inside the plane: the others' transforms are
                            // computed with the rest (whole vectors) and never read.
                            int count = 0;
                            for (int t = t0, ty = t0 / tx1, tx = t0 % tx1; t < t1; t++) {
                                if (ty < tilesY && tx < tilesX) inside[count++] = t - t0;
                                if (++tx == tx1) {
                                    tx = 0;
                                    ty++;
                                }
                            }
                            if (count == 0) continue;
                            for (int ci = 0; ci < c1 - c0; ci++) {
                                inputTransform(tm, ph, ci * phases * phaseSize - tBase, phaseSize, tx1, t0, t1,
                                        z, tmpAt, v, ci * UNIT, vStride);
                            }
                            if (tm == 2) {
                                gradientTransform2(z, dyAt, kv, kvL, t0, tx1, inside, count, paddedW, z, zStride);
                            } else {
                                gradientTransform4(z, dyAt, kv, kvL, t0, tx1, inside, count, paddedW, z, tmpAt, z,
                                        zStride);
                            }
                            for (int xi = 0; xi < POSITIONS; xi++) {
                                filterProducts(v, xi * vStride, z, xi * zStride, inside, count, c1 - c0, kv, kvL, du,
                                        duAt + xi * cg * kvL);
                            }
                        }
                    }
                }
            }
        });
        for (int grp = 0; grp < groups; grp++) {
            int group = grp;
            ranges(cg, (c0, c1) -> filterGradient(tile, du, duSize, slices, groups, group, c0, c1, cg, kg, kvL, dw));
        }
        lowered.biasGradient(g, dy, dbias);
    }

    /**
     * {@code kg} gradient planes of {@code outH×outW} from {@code dy[at]} to
     * {@code [oy][ox][kvL]} at {@code dst[dstAt]}, {@code paddedH×paddedW} positions, the rows
     * and columns past the plane's and the lanes past {@code kg} zero: a tile's gradients load
     * without a test (a vector chosen by a condition is a new object each time: 450 MB/s).
     */
    private static void transposeGradient(float[] dy, int at, int kg, int outH, int outW, int paddedH, int paddedW,
                                          float[] dst, int dstAt, int kvL) {
        int row = paddedW * kvL, size = outH * outW;
        if (kg < kvL) {
            Arrays.fill(dst, dstAt, dstAt + outH * row, 0f);
        } else {
            for (int oy = 0; oy < outH; oy++) {
                Arrays.fill(dst, dstAt + oy * row + outW * kvL, dstAt + (oy + 1) * row, 0f);
            }
        }
        Arrays.fill(dst, dstAt + outH * row, dstAt + paddedH * row, 0f);
        for (int k0 = 0; k0 < kg; k0 += L) {
            for (int oy = 0; oy < outH; oy++) {
                for (int ox = 0; ox < outW; ox += L) {
                    LaneTranspose.transpose(dy, at + k0 * size + oy * outW + ox, size, Math.min(L, kg - k0),
                            Math.min(L, outW - ox), dst, dstAt + oy * row + ox * kvL + k0, kvL, 0f);
                }
            }
        }
    }

    /**
     * {@code Z = A dY Aᵀ} ({@code A = Aᵀᵀ}, 6×4) for the tiles {@code t0 + inside[i]},
     * {@code i < count}, from the transposed gradient at {@code g[gAt]} ({@code [oy][ox][kvL]},
     * rows of {@code width} positions, zero past the plane): position {@code ξ} of tile
     * {@code t} at {@code z[ξ·zStride + (t - t0)·kvL]}, all output channels; the row transforms
     * in {@code tmp[tmpAt ..]}.
     */
    private static void gradientTransform4(float[] g, int gAt, int kv, int kvL, int t0, int tx1, int[] inside,
                                           int count, int width, float[] tmp, int tmpAt, float[] z, int zStride) {
        int right = kvL, down = width * kvL;
        for (int i = 0; i < count; i++) {
            int t = t0 + inside[i], ty = t / tx1, tx = t - ty * tx1, zt = inside[i] * kvL;
            int corner = gAt + (4 * ty * width + 4 * tx) * kvL;
            for (int o = 0; o < kvL; o += L) {
                // e_r[b] = Σ_j A[b][j]·d_rj, then Z[a][b] = Σ_r A[a][r]·e_r[b].
                for (int r = 0; r < 4; r++) {
                    int at = corner + r * down + o;
                    a(FloatVector.fromArray(SPECIES, g, at), FloatVector.fromArray(SPECIES, g, at + right),
                            FloatVector.fromArray(SPECIES, g, at + 2 * right),
                            FloatVector.fromArray(SPECIES, g, at + 3 * right), tmp, tmpAt + r * 6 * L, L);
                }
                for (int b = 0; b < 6; b++) {
                    int at = tmpAt + b * L;
                    a(FloatVector.fromArray(SPECIES, tmp, at), FloatVector.fromArray(SPECIES, tmp, at + 6 * L),
                            FloatVector.fromArray(SPECIES, tmp, at + 12 * L),
                            FloatVector.fromArray(SPECIES, tmp, at + 18 * L), z, zt + o + b * zStride, 6 * zStride);
                }
            }
        }
    }

    /**
     * {@code Z = A dY Aᵀ} ({@code A = Aᵀᵀ}, 6×2) for the tiles {@code t0 + inside[i]},
     * {@code i < count}, from the transposed gradient at {@code g[gAt]} ({@code [oy][ox][kvL]},
     * rows of {@code width} positions, zero past the plane): position {@code ξ} of tile
     * {@code t} at {@code z[ξ·zStride + (t - t0)·kvL]}, all output channels.
     */
    private static void gradientTransform2(float[] g, int gAt, int kv, int kvL, int t0, int tx1, int[] inside,
                                           int count, int width, float[] z, int zStride) {
        for (int i = 0; i < count; i++) {
            int t = t0 + inside[i], ty = t / tx1, tx = t - ty * tx1, zt = inside[i] * kvL;
            int at = gAt + (2 * ty * width + 2 * tx) * kvL, down = width * kvL;
            for (int kvec = 0, o = 0; kvec < kv; kvec++, o += L) {
                FloatVector d00 = FloatVector.fromArray(SPECIES, g, at + o);
                FloatVector d01 = FloatVector.fromArray(SPECIES, g, at + kvL + o);
                FloatVector d10 = FloatVector.fromArray(SPECIES, g, at + down + o);
                FloatVector d11 = FloatVector.fromArray(SPECIES, g, at + down + kvL + o);
                // e_i[b] = Σ_j A[b][j]·d_ij, A = [1 0; 1 1; 1 -1; 1 2; 1 -2; 0 1]; Z[a][b] = Σ_i A[a][i]·e_i[b].
                // Written out: through a helper taking vectors, C2 (not inlining it) boxed every
                // vector, 450 MB/s of garbage.
                FloatVector twice01 = d01.mul(2f), twice11 = d11.mul(2f);
                int b0 = zt + o;
                for (int b = 0; b < 6; b++, b0 += zStride) {
                    FloatVector e0 = b == 0 ? d00 : b == 1 ? d00.add(d01) : b == 2 ? d00.sub(d01)
                            : b == 3 ? d00.add(twice01) : b == 4 ? d00.sub(twice01) : d01;
                    FloatVector e1 = b == 0 ? d10 : b == 1 ? d10.add(d11) : b == 2 ? d10.sub(d11)
                            : b == 3 ? d10.add(twice11) : b == 4 ? d10.sub(twice11) : d11;
                    FloatVector twice = e1.mul(2f);
                    e0.intoArray(z, b0);
                    e0.add(e1).intoArray(z, b0 + 6 * zStride);
                    e0.sub(e1).intoArray(z, b0 + 12 * zStride);
                    e0.add(twice).intoArray(z, b0 + 18 * zStride);
                    e0.sub(twice).intoArray(z, b0 + 24 * zStride);
                    e1.intoArray(z, b0 + 30 * zStride);
                }
            }
        }
    }

    /**
     * {@code du[duAt + c·kvL + k] += Σ_t v[vAt + c·UNIT + t]·z[zAt + t·kvL + k]} for {@code c < cg},
     * {@code k < kvL}: one position's products over the tiles {@code t = inside[i]}, {@code i < count}, in order. Blocks of
     * four input channels by four vectors of output channels (16 accumulators, each broadcast
     * feeding four multiply-adds); the channels left over one by one.
     */
    private static void filterProducts(float[] v, int vAt, float[] z, int zAt, int[] inside, int count, int cg,
                                       int kv, int kvL, float[] du, int duAt) {
        int c = 0;
        for (; c + 4 <= cg; c += 4) {
            int kvec = 0;
            for (; kvec + 4 <= kv; kvec += 4) {
                filterProducts4x4(v, vAt + c * UNIT, z, zAt + kvec * L, inside, count, kvL, du, duAt + c * kvL + kvec * L);
            }
            for (; kvec < kv; kvec++) {
                for (int ci = c; ci < c + 4; ci++) {
                    filterProducts1x1(v, vAt + ci * UNIT, z, zAt + kvec * L, inside, count, kvL, du, duAt + ci * kvL + kvec * L);
                }
            }
        }
        for (; c < cg; c++) {
            for (int kvec = 0; kvec < kv; kvec++) {
                filterProducts1x1(v, vAt + c * UNIT, z, zAt + kvec * L, inside, count, kvL, du, duAt + c * kvL + kvec * L);
            }
        }
    }

    private static void filterProducts4x4(float[] v, int vAt, float[] z, int zAt, int[] inside, int count, int kvL,
                                          float[] du, int dAt) {
        int d1 = dAt + kvL, d2 = d1 + kvL, d3 = d2 + kvL;
        FloatVector a0 = FloatVector.fromArray(SPECIES, du, dAt), a1 = FloatVector.fromArray(SPECIES, du, dAt + L);
        FloatVector a2 = FloatVector.fromArray(SPECIES, du, dAt + 2 * L), a3 = FloatVector.fromArray(SPECIES, du, dAt + 3 * L);
        FloatVector b0 = FloatVector.fromArray(SPECIES, du, d1), b1 = FloatVector.fromArray(SPECIES, du, d1 + L);
        FloatVector b2 = FloatVector.fromArray(SPECIES, du, d1 + 2 * L), b3 = FloatVector.fromArray(SPECIES, du, d1 + 3 * L);
        FloatVector c0 = FloatVector.fromArray(SPECIES, du, d2), c1 = FloatVector.fromArray(SPECIES, du, d2 + L);
        FloatVector c2 = FloatVector.fromArray(SPECIES, du, d2 + 2 * L), c3 = FloatVector.fromArray(SPECIES, du, d2 + 3 * L);
        FloatVector e0 = FloatVector.fromArray(SPECIES, du, d3), e1 = FloatVector.fromArray(SPECIES, du, d3 + L);
        FloatVector e2 = FloatVector.fromArray(SPECIES, du, d3 + 2 * L), e3 = FloatVector.fromArray(SPECIES, du, d3 + 3 * L);
        for (int i = 0; i < count; i++) {
            int t = inside[i], zt = zAt + t * kvL;
            FloatVector z0 = FloatVector.fromArray(SPECIES, z, zt), z1 = FloatVector.fromArray(SPECIES, z, zt + L);
            FloatVector z2 = FloatVector.fromArray(SPECIES, z, zt + 2 * L), z3 = FloatVector.fromArray(SPECIES, z, zt + 3 * L);
            FloatVector s = FloatVector.broadcast(SPECIES, v[vAt + t]);
            a0 = s.fma(z0, a0);
            a1 = s.fma(z1, a1);
            a2 = s.fma(z2, a2);
            a3 = s.fma(z3, a3);
            s = FloatVector.broadcast(SPECIES, v[vAt + UNIT + t]);
            b0 = s.fma(z0, b0);
            b1 = s.fma(z1, b1);
            b2 = s.fma(z2, b2);
            b3 = s.fma(z3, b3);
            s = FloatVector.broadcast(SPECIES, v[vAt + 2 * UNIT + t]);
            c0 = s.fma(z0, c0);
            c1 = s.fma(z1, c1);
            c2 = s.fma(z2, c2);
            c3 = s.fma(z3, c3);
            s = FloatVector.broadcast(SPECIES, v[vAt + 3 * UNIT + t]);
            e0 = s.fma(z0, e0);
            e1 = s.fma(z1, e1);
            e2 = s.fma(z2, e2);
            e3 = s.fma(z3, e3);
        }
        a0.intoArray(du, dAt);
        a1.intoArray(du, dAt + L);
        a2.intoArray(du, dAt + 2 * L);
        a3.intoArray(du, dAt + 3 * L);
        b0.intoArray(du, d1);
        b1.intoArray(du, d1 + L);
        b2.intoArray(du, d1 + 2 * L);
        b3.intoArray(du, d1 + 3 * L);
        c0.intoArray(du, d2);
        c1.intoArray(du, d2 + L);
        c2.intoArray(du, d2 + 2 * L);
        c3.intoArray(du, d2 + 3 * L);
        e0.intoArray(du, d3);
        e1.intoArray(du, d3 + L);
        e2.intoArray(du, d3 + 2 * L);
        e3.intoArray(du, d3 + 3 * L);
    }

    private static void filterProducts1x1(float[] v, int vAt, float[] z, int zAt, int[] inside, int count, int kvL,
                                          float[] du, int dAt) {
        FloatVector a = FloatVector.fromArray(SPECIES, du, dAt);
        for (int i = 0; i < count; i++) {
            int t = inside[i];
            a = FloatVector.broadcast(SPECIES, v[vAt + t]).fma(FloatVector.fromArray(SPECIES, z, zAt + t * kvL), a);
        }
        a.intoArray(du, dAt);
    }

    /**
     * {@code dw = Gᵀ (Σ_slices dU) G} for input channels {@code c0 .. c1} of group {@code grp},
     * every output channel in the lanes: slices added in order, then the 6×6 → r×r transform in
     * float vectors (rounding a few times where a double transform would round once: small
     * next to the products' {@code a²}).
     */
    private static void filterGradient(Tile tile, float[] du, int duSize, int slices, int groups, int grp, int c0,
                                       int c1, int cg, int kg, int kvL, float[] dw) {
        double[][] G = tile.g;
        int r = tile.r, taps = r * r;
        float[] sum = new float[POSITIONS * kvL], half = new float[6 * r * kvL], out = new float[taps * kvL];
        for (int ci = c0; ci < c1; ci++) {
            for (int xi = 0; xi < POSITIONS; xi++) {
                for (int o = 0; o < kvL; o += L) {
                    FloatVector s = FloatVector.zero(SPECIES);
                    for (int sl = 0; sl < slices; sl++) {
                        s = s.add(FloatVector.fromArray(SPECIES, du, (sl * groups + grp) * duSize + (xi * cg + ci) * kvL + o));
                    }
                    s.intoArray(sum, xi * kvL + o);
                }
            }
            // half[a][j] = Σ_b dU[a][b]·G[b][j]; out[i][j] = Σ_a G[a][i]·half[a][j]
            for (int a = 0; a < 6; a++) {
                for (int j = 0; j < r; j++) {
                    for (int o = 0; o < kvL; o += L) {
                        FloatVector s = FloatVector.zero(SPECIES);
                        for (int b = 0; b < 6; b++) {
                            s = s.add(FloatVector.fromArray(SPECIES, sum, (a * 6 + b) * kvL + o).mul((float) G[b][j]));
                        }
                        s.intoArray(half, (a * r + j) * kvL + o);
                    }
                }
            }
            for (int i = 0; i < r; i++) {
                for (int j = 0; j < r; j++) {
                    for (int o = 0; o < kvL; o += L) {
                        FloatVector s = FloatVector.zero(SPECIES);
                        for (int a = 0; a < 6; a++) {
                            s = s.add(FloatVector.fromArray(SPECIES, half, (a * r + j) * kvL + o).mul((float) G[a][i]));
                        }
                        s.intoArray(out, (i * r + j) * kvL + o);
                    }
                }
            }
            for (int ki = 0; ki < kg; ki++) {
                int dst = ((grp * kg + ki) * cg + ci) * taps;
                for (int tap = 0; tap < taps; tap++) {
                    dw[dst + tap] = out[tap * kvL + ki];
                }
            }
        }
    }

    /** The six rows of {@code A·d} stored at {@code at + a·step}: {@code A = Aᵀᵀ}, 6×4. */
    private static void a(FloatVector d0, FloatVector d1, FloatVector d2, FloatVector d3, float[] dst, int at, int step) {
        // A = [1 0 0 0; 1 1 1 1; 1 -1 1 -1; 1 2 4 8; 1 -2 4 -8; 0 0 0 1]
        FloatVector even = d0.add(d2), odd = d1.add(d3);
        FloatVector even4 = d0.add(d2.mul(4f)), odd2 = d1.mul(2f).add(d3.mul(8f));
        d0.intoArray(dst, at);
        even.add(odd).intoArray(dst, at + step);
        even.sub(odd).intoArray(dst, at + 2 * step);
        even4.add(odd2).intoArray(dst, at + 3 * step);
        even4.sub(odd2).intoArray(dst, at + 4 * step);
        d3.intoArray(dst, at + 5 * step);
    }

    /**
     * {@code U_ξ = (G g Gᵀ)_ξ} for blocks {@code from .. to} of {@link #KT} output channels (in
     * group, block order) into {@code u} as {@code [group][block][ξ][C/G][KT]}, the layout
     * {@link #product} broadcasts from, channels past the group's last zero; in double, rounded
     * once. The input channels run in the innermost loops, in double vectors (C2 did not
     * vectorise these loops over two arrays: a tenth of F(2×2,5×5)'s forward pass).
     */
    private static void filterTransform(Tile tile, float[] wt, int from, int to, int kg, int cg, float[] u) {
        int kTiles = (kg + KT - 1) / KT, r = tile.r, taps = r * r, dl = DOUBLES.length();
        double[][] G = tile.g;
        // A vector of slack after each array: whole-vector loads past the last channel.
        double[] tap = new double[taps * cg + dl], t = new double[6 * r * cg + dl], sum = new double[cg + dl];
        for (int block = from; block < to; block++) {
            int grp = block / kTiles, kt = block % kTiles, at = block * POSITIONS * cg * KT;
            if ((kt + 1) * KT > kg) {
                Arrays.fill(u, at, at + POSITIONS * cg * KT, 0f);
            }
            for (int kk = 0; kk < Math.min(KT, kg - kt * KT); kk++) {
                int src = (grp * kg + kt * KT + kk) * cg * taps;
                for (int ci = 0; ci < cg; ci++) {
                    for (int j = 0; j < taps; j++) {
                        tap[j * cg + ci] = wt[src + ci * taps + j];
                    }
                }
                // t[a][s] = Σ_q G[a][q]·g[q][s]
                for (int a = 0; a < 6; a++) {
                    for (int s = 0; s < r; s++) {
                        int dst = (a * r + s) * cg;
                        for (int ci = 0; ci < cg; ci += dl) {
                            DoubleVector acc = DoubleVector.zero(DOUBLES);
                            for (int q = 0; q < r; q++) {
                                acc = acc.add(DoubleVector.fromArray(DOUBLES, tap, (q * r + s) * cg + ci).mul(G[a][q]));
                            }
                            acc.intoArray(t, dst + ci, DOUBLES.indexInRange(ci, cg));
                        }
                    }
                }
                // U[a][b] = Σ_s t[a][s]·G[b][s]
                for (int a = 0; a < 6; a++) {
                    for (int b = 0; b < 6; b++) {
                        for (int ci = 0; ci < cg; ci += dl) {
                            DoubleVector acc = DoubleVector.zero(DOUBLES);
                            for (int s = 0; s < r; s++) {
                                acc = acc.add(DoubleVector.fromArray(DOUBLES, t, (a * r + s) * cg + ci).mul(G[b][s]));
                            }
                            acc.intoArray(sum, ci);
                        }
                        int dst = at + (a * 6 + b) * cg * KT + kk;
                        for (int ci = 0; ci < cg; ci++) {
                            u[dst + ci * KT] = (float) sum[ci];
                        }
                    }
                }
            }
        }
    }

    /**
     * {@code m[mAt + kk·UNIT + t] = Σ_c u[uAt + c·KT + kk]·v[vAt + c·UNIT + t]} for {@code kk < KT},
     * {@code t < UNIT}: one transform position's products for a block of output channels and a
     * unit of tiles, summed over input channels in order.
     */
    private static void product(float[] u, int uAt, float[] v, int vAt, int cg, float[] m, int mAt) {
        FloatVector z = FloatVector.zero(SPECIES);
        FloatVector a0 = z, b0 = z, a1 = z, b1 = z, a2 = z, b2 = z, a3 = z, b3 = z;
        FloatVector a4 = z, b4 = z, a5 = z, b5 = z, a6 = z, b6 = z, a7 = z, b7 = z;
        for (int c = 0; c < cg; c++) {
            int vc = vAt + c * UNIT, uc = uAt + c * KT;
            FloatVector v0 = FloatVector.fromArray(SPECIES, v, vc), v1 = FloatVector.fromArray(SPECIES, v, vc + L);
            FloatVector w = FloatVector.broadcast(SPECIES, u[uc]);
            a0 = w.fma(v0, a0);
            b0 = w.fma(v1, b0);
            w = FloatVector.broadcast(SPECIES, u[uc + 1]);
            a1 = w.fma(v0, a1);
            b1 = w.fma(v1, b1);
            w = FloatVector.broadcast(SPECIES, u[uc + 2]);
            a2 = w.fma(v0, a2);
            b2 = w.fma(v1, b2);
            w = FloatVector.broadcast(SPECIES, u[uc + 3]);
            a3 = w.fma(v0, a3);
            b3 = w.fma(v1, b3);
            w = FloatVector.broadcast(SPECIES, u[uc + 4]);
            a4 = w.fma(v0, a4);
            b4 = w.fma(v1, b4);
            w = FloatVector.broadcast(SPECIES, u[uc + 5]);
            a5 = w.fma(v0, a5);
            b5 = w.fma(v1, b5);
            w = FloatVector.broadcast(SPECIES, u[uc + 6]);
            a6 = w.fma(v0, a6);
            b6 = w.fma(v1, b6);
            w = FloatVector.broadcast(SPECIES, u[uc + 7]);
            a7 = w.fma(v0, a7);
            b7 = w.fma(v1, b7);
        }
        a0.intoArray(m, mAt);
        b0.intoArray(m, mAt + L);
        a1.intoArray(m, mAt + UNIT);
        b1.intoArray(m, mAt + UNIT + L);
        a2.intoArray(m, mAt + 2 * UNIT);
        b2.intoArray(m, mAt + 2 * UNIT + L);
        a3.intoArray(m, mAt + 3 * UNIT);
        b3.intoArray(m, mAt + 3 * UNIT + L);
        a4.intoArray(m, mAt + 4 * UNIT);
        b4.intoArray(m, mAt + 4 * UNIT + L);
        a5.intoArray(m, mAt + 5 * UNIT);
        b5.intoArray(m, mAt + 5 * UNIT + L);
        a6.intoArray(m, mAt + 6 * UNIT);
        b6.intoArray(m, mAt + 6 * UNIT + L);
        a7.intoArray(m, mAt + 7 * UNIT);
        b7.intoArray(m, mAt + 7 * UNIT + L);
    }

    /**
     * By phase {@code px}, lane {@code t} takes lane {@code (4t + px) mod L} (with two-vector
     * shuffles, one per half, splitting a row cost 85 µs per 64 planes of 56×56, a gather per
     * phase 126, the scalar copy 117).
     */
    private static final VectorShuffle<Float> FOURTH_0 = everyFourth(0), FOURTH_1 = everyFourth(1),
            FOURTH_2 = everyFourth(2), FOURTH_3 = everyFourth(3);
    private static final VectorMask<Float> FROM_SECOND_QUARTER = SPECIES.indexInRange(-L / 4, 3 * L / 4);
    private static final VectorMask<Float> FROM_HALF = SPECIES.indexInRange(-L / 2, L / 2);
    private static final VectorMask<Float> FROM_LAST_QUARTER = SPECIES.indexInRange(-3 * L / 4, L / 4);

    private static VectorShuffle<Float> everyFourth(int px) {
        return VectorShuffle.fromOp(SPECIES, t -> (4 * t + px) % L);
    }

    /** The same for two phases: lane {@code t} takes lane {@code (2t + px) mod L}. */
    private static final VectorShuffle<Float> SECOND_0 = everySecond(0), SECOND_1 = everySecond(1);

    private static VectorShuffle<Float> everySecond(int px) {
        return VectorShuffle.fromOp(SPECIES, t -> (2 * t + px) % L);
    }

    /** Floats of the zero-padded line that {@link #phaseRows} splits: whole blocks of {@code m} vectors. */
    private static int lineLength(int m, int tx1) {
        return (m * tx1 + m * L - 1) / (m * L) * (m * L);
    }

    /**
     * Tile rows {@code ty0 .. ty1} of the {@code m²} phase planes of one padded plane at {@code ph[phAt]}:
     * {@code ph[phAt + (py·m + px)·phaseSize + (ty - ty0)·tx1 + tx] = x[plane + iy·w + ix]} with
     * {@code iy = m·ty + py - padTop}, {@code ix = m·tx + px - padLeft}, 0 outside the
     * {@code h×w} plane. Each input row goes through a zero-padded line at {@code ph[lineAt]}
     * (loading the row itself with masks took 7-20 times as long) and is split by {@code m} in vectors; a row's last vector spills into the next row, which is
     * written after it (and past row {@code ty1 - 1}, into slack that no real tile reads).
     */
    private static void phaseRows(int m, float[] x, int plane, int h, int w, int padTop, int padLeft, int ty0,
                                  int ty1, int tx1, int phaseSize, float[] ph, int phAt, int lineAt) {
        int length = lineLength(m, tx1);
        int from = Math.max(0, padLeft), to = Math.min(length, w + padLeft);
        // The padding around each row's copy, once for all rows.
        Arrays.fill(ph, lineAt, lineAt + Math.min(from, length), 0f);
        Arrays.fill(ph, lineAt + Math.max(to, from), lineAt + length, 0f);
        for (int ty = ty0; ty < ty1; ty++) {
            for (int py = 0; py < m; py++) {
                int iy = m * ty + py - padTop, dst = phAt + (py * m) * phaseSize + (ty - ty0) * tx1;
                if (iy < 0 || iy >= h || from >= to) {
                    FloatVector zero = FloatVector.zero(SPECIES);
                    for (int px = 0; px < m; px++) {
                        for (int tx = 0; tx < tx1; tx += L) {
                            zero.intoArray(ph, dst + px * phaseSize + tx);
                        }
                    }
                    continue;
                }
                if (m == 2) {
                    // Straight from x where the vectors lie inside it, lanes outside the row
                    // zeroed: the copy into the padded line cost more than the split.
                    FloatVector zero = FloatVector.zero(SPECIES);
                    int row = plane + iy * w - padLeft;
                    for (int q = 0, tx = 0; q < length; q += 2 * L, tx += L) {
                        FloatVector l0, l1;
                        if (row + q >= 0 && row + q + 2 * L <= x.length) {
                            l0 = zero.blend(FloatVector.fromArray(SPECIES, x, row + q), SPECIES.indexInRange(q - padLeft, w));
                            l1 = zero.blend(FloatVector.fromArray(SPECIES, x, row + q + L),
                                    SPECIES.indexInRange(q + L - padLeft, w));
                        } else {
                            System.arraycopy(x, plane + iy * w + from - padLeft, ph, lineAt + from, to - from);
                            l0 = FloatVector.fromArray(SPECIES, ph, lineAt + q);
                            l1 = FloatVector.fromArray(SPECIES, ph, lineAt + q + L);
                        }
                        l0.rearrange(SECOND_0).blend(l1.rearrange(SECOND_0), FROM_HALF).intoArray(ph, dst + tx);
                        l0.rearrange(SECOND_1).blend(l1.rearrange(SECOND_1), FROM_HALF)
                                .intoArray(ph, dst + phaseSize + tx);
                    }
                    continue;
                }
                System.arraycopy(x, plane + iy * w + from - padLeft, ph, lineAt + from, to - from);
                for (int q = 0, tx = 0; q < length; q += 4 * L, tx += L) {
                    FloatVector l0 = FloatVector.fromArray(SPECIES, ph, lineAt + q);
                    FloatVector l1 = FloatVector.fromArray(SPECIES, ph, lineAt + q + L);
                    FloatVector l2 = FloatVector.fromArray(SPECIES, ph, lineAt + q + 2 * L);
                    FloatVector l3 = FloatVector.fromArray(SPECIES, ph, lineAt + q + 3 * L);
                    everyFourth(l0, l1, l2, l3, FOURTH_0).intoArray(ph, dst + tx);
                    everyFourth(l0, l1, l2, l3, FOURTH_1).intoArray(ph, dst + phaseSize + tx);
                    everyFourth(l0, l1, l2, l3, FOURTH_2).intoArray(ph, dst + 2 * phaseSize + tx);
                    everyFourth(l0, l1, l2, l3, FOURTH_3).intoArray(ph, dst + 3 * phaseSize + tx);
                }
            }
        }
    }

    /**
     * Lane {@code t} of the result is element {@code 4t + px} of {@code l0 l1 l2 l3} (4L floats):
     * its quarter {@code q} comes from {@code l_q}, all four moved by the one shuffle
     * {@code t -> (4t + px) mod L}.
     */
    private static FloatVector everyFourth(FloatVector l0, FloatVector l1, FloatVector l2, FloatVector l3,
                                           VectorShuffle<Float> px) {
        return l0.rearrange(px).blend(l1.rearrange(px), FROM_SECOND_QUARTER).blend(l2.rearrange(px), FROM_HALF)
                .blend(l3.rearrange(px), FROM_LAST_QUARTER);
    }

    /**
     * {@code V = Bᵀ d B} for tiles {@code t0 .. t1} (whole vectors) of the phase planes whose
     * tile 0 lies at {@code ph[phAt]}; position {@code ξ}'s row at {@code v[out + ξ·posStride + t - t0]}, the
     * row transforms in {@code tmp[tmpAt ..]}.
     */
    private static void inputTransform(int m, float[] ph, int phAt, int phaseSize, int tx1, int t0, int t1,
                                       float[] tmp, int tmpAt, float[] v, int out, int posStride) {
        // Column j of a tile's window: phase plane j % m, j / m tiles to the right.
        int c1 = (1 % m) * phaseSize + 1 / m, c2 = (2 % m) * phaseSize + 2 / m, c3 = (3 % m) * phaseSize + 3 / m;
        int c4 = (4 % m) * phaseSize + 4 / m, c5 = (5 % m) * phaseSize + 5 / m;
        for (int t = t0; t < t1; t += L) {
            for (int i = 0; i < 6; i++) {
                int rowBase = phAt + ((i % m) * m) * phaseSize + t + (i / m) * tx1;
                FloatVector d0 = FloatVector.fromArray(SPECIES, ph, rowBase);
                FloatVector d1 = FloatVector.fromArray(SPECIES, ph, rowBase + c1);
                FloatVector d2 = FloatVector.fromArray(SPECIES, ph, rowBase + c2);
                FloatVector d3 = FloatVector.fromArray(SPECIES, ph, rowBase + c3);
                FloatVector d4 = FloatVector.fromArray(SPECIES, ph, rowBase + c4);
                FloatVector d5 = FloatVector.fromArray(SPECIES, ph, rowBase + c5);
                bt(d0, d1, d2, d3, d4, d5, tmp, tmpAt + i * 6 * L, L);
            }
            for (int j = 0; j < 6; j++) {
                int at = tmpAt + j * L;
                FloatVector r0 = FloatVector.fromArray(SPECIES, tmp, at);
                FloatVector r1 = FloatVector.fromArray(SPECIES, tmp, at + 6 * L);
                FloatVector r2 = FloatVector.fromArray(SPECIES, tmp, at + 12 * L);
                FloatVector r3 = FloatVector.fromArray(SPECIES, tmp, at + 18 * L);
                FloatVector r4 = FloatVector.fromArray(SPECIES, tmp, at + 24 * L);
                FloatVector r5 = FloatVector.fromArray(SPECIES, tmp, at + 30 * L);
                // V[a][j] for a = 0..5 at position ξ = a·6 + j
                bt(r0, r1, r2, r3, r4, r5, v, out + j * posStride + t - t0, 6 * posStride);
            }
        }
    }

    /** The six rows of {@code Bᵀ·d} stored at {@code at + a·step}, {@code a = 0..5}. */
    private static void bt(FloatVector d0, FloatVector d1, FloatVector d2, FloatVector d3, FloatVector d4,
                           FloatVector d5, float[] dst, int at, int step) {
        // Bᵀ = [4 0 -5 0 1 0; 0 -4 -4 1 1 0; 0 4 -4 -1 1 0; 0 -2 -1 2 1 0; 0 2 -1 -2 1 0; 0 4 0 -5 0 1]
        FloatVector s = d4.sub(d2.mul(4f));          // d4 - 4·d2
        FloatVector t = d3.sub(d1.mul(4f));          // d3 - 4·d1
        FloatVector p = d4.sub(d2);                  // d4 - d2
        FloatVector q = d3.sub(d1).mul(2f);          // 2·(d3 - d1)
        d0.mul(4f).sub(d2.mul(5f)).add(d4).intoArray(dst, at);
        s.add(t).intoArray(dst, at + step);
        s.sub(t).intoArray(dst, at + 2 * step);
        p.add(q).intoArray(dst, at + 3 * step);
        p.sub(q).intoArray(dst, at + 4 * step);
        d1.mul(4f).sub(d3.mul(5f)).add(d5).intoArray(dst, at + 5 * step);
    }

    /**
     * {@code Y = Aᵀ M A} for tiles {@code t0 .. t1} (whole vectors) of one output plane, tile
     * {@code t}'s position {@code ξ} at {@code m[in + ξ·posStride + t - t0]}, written to {@code y}
     * (plus {@code bias}) where inside the {@code outH×outW} plane; temporaries in {@code tmp[tmpAt ..]}.
     */
    private static void outputTransform(float[] m, int in, int posStride, int t0, int t1, int tx1, int tilesX,
                                        int tilesY, float[] y, int plane, int outH, int outW, float bias,
                                        float[] tmp, int tmpAt) {
        int rowsAt = tmpAt, outAt = tmpAt + 24 * L, tilesAt = tmpAt + 40 * L;
        for (int t = t0; t < t1; t += L) {
            // Rows a = 0..5: A applied along the second index.
            for (int a = 0; a < 6; a++) {
                int at = in + a * 6 * posStride + t - t0;
                at(FloatVector.fromArray(SPECIES, m, at), FloatVector.fromArray(SPECIES, m, at + posStride),
                        FloatVector.fromArray(SPECIES, m, at + 2 * posStride), FloatVector.fromArray(SPECIES, m, at + 3 * posStride),
                        FloatVector.fromArray(SPECIES, m, at + 4 * posStride), FloatVector.fromArray(SPECIES, m, at + 5 * posStride),
                        tmp, rowsAt + a * 4 * L, L);
            }
            for (int j = 0; j < 4; j++) {
                int at = rowsAt + j * L;
                at(FloatVector.fromArray(SPECIES, tmp, at), FloatVector.fromArray(SPECIES, tmp, at + 4 * L),
                        FloatVector.fromArray(SPECIES, tmp, at + 8 * L), FloatVector.fromArray(SPECIES, tmp, at + 12 * L),
                        FloatVector.fromArray(SPECIES, tmp, at + 16 * L), FloatVector.fromArray(SPECIES, tmp, at + 20 * L),
                        tmp, outAt + j * L, 4 * L);
            }
            if (L == 16) {
                // Tiles to rows (each tile's 16 outputs, plus the bias, contiguous), then four
                // 4-float copies per tile: the element-by-element scatter below, with a division
                // per tile, took more time than the transforms and was half this method.
                LaneTranspose.transpose(tmp, outAt, L, 16, L, tmp, tilesAt, 16, bias);
                for (int lane = 0, tile = t, ty = t / tx1, tx = t % tx1; lane < L; lane++, tile++) {
                    if (ty < tilesY && tx < tilesX) {
                        int oy = 4 * ty, ox = 4 * tx, from = tilesAt + lane * 16;
                        if (oy + 4 <= outH && ox + 4 <= outW) {
                            for (int i = 0, row = plane + oy * outW + ox; i < 4; i++, row += outW) {
                                FloatVector.fromArray(FloatVector.SPECIES_128, tmp, from + 4 * i)
                                        .intoArray(y, row);
                            }
                        } else {
                            for (int i = 0; i < 4 && oy + i < outH; i++) {
                                for (int j = 0; j < 4 && ox + j < outW; j++) {
                                    y[plane + (oy + i) * outW + ox + j] = tmp[from + 4 * i + j];
                                }
                            }
                        }
                    }
                    if (++tx == tx1) {
                        tx = 0;
                        ty++;
                    }
                }
                continue;
            }
            for (int lane = 0; lane < L; lane++) {
                int tile = t + lane, ty = tile / tx1, tx = tile % tx1;
                if (ty >= tilesY || tx >= tilesX) continue;
                for (int i = 0; i < 4; i++) {
                    int oy = 4 * ty + i;
                    if (oy >= outH) break;
                    int row = plane + oy * outW;
                    for (int j = 0; j < 4; j++) {
                        int ox = 4 * tx + j;
                        if (ox >= outW) break;
                        y[row + ox] = tmp[outAt + (i * 4 + j) * L + lane] + bias;
                    }
                }
            }
        }
    }

    /**
     * {@code Y = Aᵀ M A} (plus {@code bias}) for 2×2 output tiles, one unit of {@link #UNIT} tiles of
     * one output channel, into the stage at {@code st[stAt]}: output row {@code i} of tile {@code t}
     * at {@code st[stAt + i·2·UNIT + 2t .. +2]}, so that a tile row's outputs lie as in {@code y}.
     * Written to {@code y} one element at a time, the outputs took a fifth of the forward pass;
     * staged, they are whole-vector stores here and row copies in {@link #unstage}.
     */
    private static void outputTransform2(float[] m, int in, int posStride, float bias, float[] tmp, int tmpAt,
                                         float[] st, int stAt) {
        int rowsAt = tmpAt, outAt = tmpAt + 12 * L;
        for (int t = 0; t < UNIT; t += L) {
            for (int a = 0; a < 6; a++) {
                int at = in + a * 6 * posStride + t;
                at2(FloatVector.fromArray(SPECIES, m, at), FloatVector.fromArray(SPECIES, m, at + posStride),
                        FloatVector.fromArray(SPECIES, m, at + 2 * posStride), FloatVector.fromArray(SPECIES, m, at + 3 * posStride),
                        FloatVector.fromArray(SPECIES, m, at + 4 * posStride), FloatVector.fromArray(SPECIES, m, at + 5 * posStride),
                        0f, tmp, rowsAt + a * 2 * L, L);
            }
            for (int j = 0; j < 2; j++) {
                int at = rowsAt + j * L;
                at2(FloatVector.fromArray(SPECIES, tmp, at), FloatVector.fromArray(SPECIES, tmp, at + 2 * L),
                        FloatVector.fromArray(SPECIES, tmp, at + 4 * L), FloatVector.fromArray(SPECIES, tmp, at + 6 * L),
                        FloatVector.fromArray(SPECIES, tmp, at + 8 * L), FloatVector.fromArray(SPECIES, tmp, at + 10 * L),
                        bias, tmp, outAt + j * L, 2 * L);
            }
            // Y[i][j] of lane `lane` at tmp[outAt + (2i + j)·L + lane]; interleaved by j.
            for (int i = 0; i < 2; i++) {
                FloatVector y0 = FloatVector.fromArray(SPECIES, tmp, outAt + 2 * i * L);
                FloatVector y1 = FloatVector.fromArray(SPECIES, tmp, outAt + (2 * i + 1) * L);
                int to = stAt + i * 2 * UNIT + 2 * t;
                y0.rearrange(HALF_LOW).blend(y1.rearrange(HALF_LOW), ODD).intoArray(st, to);
                y0.rearrange(HALF_HIGH).blend(y1.rearrange(HALF_HIGH), ODD).intoArray(st, to + L);
            }
        }
    }

    /** Lane {@code t} takes lane {@code t/2} (low half) or {@code L/2 + t/2} (high half); odd lanes from the second vector. */
    private static final VectorShuffle<Float> HALF_LOW = VectorShuffle.fromOp(SPECIES, t -> t / 2),
            HALF_HIGH = VectorShuffle.fromOp(SPECIES, t -> L / 2 + t / 2);
    private static final VectorMask<Float> ODD = VectorMask.fromLong(SPECIES, 0xAAAAAAAAAAAAAAAAL);

    /**
     * The staged outputs of tiles {@code t0 .. t1} of {@code channels} consecutive output planes
     * (the first at {@code y[plane]}) copied to {@code y}, by the runs of real tiles in each tile row.
     */
    private static void unstage(float[] st, int stAt, int channels, int t0, int t1, int tx1, int tilesX, int tilesY,
                                float[] y, int plane, int outH, int outW) {
        int tyEnd = Math.min(tilesY, (t1 - 1) / tx1 + 1);
        for (int kk = 0; kk < channels; kk++, plane += outH * outW) {
            int from = stAt + kk * 4 * UNIT;
            for (int ty = t0 / tx1; ty < tyEnd; ty++) {
                int txa = Math.max(0, t0 - ty * tx1), txb = Math.min(tilesX, t1 - ty * tx1);
                if (txa >= txb) continue;
                int oy = 2 * ty, ox = 2 * txa, width = Math.min(2 * (txb - txa), outW - ox);
                int src = from + 2 * (ty * tx1 + txa - t0);
                copyRun(st, src, y, plane + oy * outW + ox, width);
                if (oy + 1 < outH) copyRun(st, src + 2 * UNIT, y, plane + (oy + 1) * outW + ox, width);
            }
        }
    }

    /**
     * {@code y[to .. to + width] = st[from .. from + width]} in vectors, the last one masked
     * ({@code st} has a vector of slack): runs are a row of a small plane, where
     * {@code System.arraycopy}'s call cost as much as the copy.
     */
    private static void copyRun(float[] st, int from, float[] y, int to, int width) {
        int i = 0;
        for (; i + L <= width; i += L) {
            FloatVector.fromArray(SPECIES, st, from + i).intoArray(y, to + i);
        }
        if (i < width) {
            FloatVector.fromArray(SPECIES, st, from + i).intoArray(y, to + i, SPECIES.indexInRange(i, width));
        }
    }

    /**
     * The two rows of {@code Aᵀ·m} ({@code Aᵀ = [1 1 1 1 1 0; 0 1 -1 2 -2 1]}) plus {@code add},
     * stored at {@code at} and {@code at + step}.
     */
    private static void at2(FloatVector m0, FloatVector m1, FloatVector m2, FloatVector m3, FloatVector m4,
                            FloatVector m5, float add, float[] dst, int at, int step) {
        FloatVector a = m1.add(m2), b = m1.sub(m2), c = m3.add(m4), d = m3.sub(m4);
        m0.add(a).add(c).add(add).intoArray(dst, at);
        b.add(d.mul(2f)).add(m5).add(add).intoArray(dst, at + step);
    }

    /** The four rows of {@code Aᵀ·m} stored at {@code at + i·step}, {@code i = 0..3}. */
    private static void at(FloatVector m0, FloatVector m1, FloatVector m2, FloatVector m3, FloatVector m4,
                           FloatVector m5, float[] dst, int at, int step) {
        // Aᵀ = [1 1 1 1 1 0; 0 1 -1 2 -2 0; 0 1 1 4 4 0; 0 1 -1 8 -8 1]
        FloatVector a = m1.add(m2), b = m1.sub(m2), c = m3.add(m4), d = m3.sub(m4);
        m0.add(a).add(c).intoArray(dst, at);
        b.add(d.mul(2f)).intoArray(dst, at + step);
        a.add(c.mul(4f)).intoArray(dst, at + 2 * step);
        b.add(d.mul(8f)).add(m5).intoArray(dst, at + 3 * step);
    }

    /**
     * Floats from one transform position's block of {@code rows × cols} to the next: one vector
     * more than the block, so that the 36 positions of a tile do not lie a multiple of 4 KiB apart
     * (ResNet's block: 128 × 896 floats, 112 × 4 KiB), all in the same L1 set, where the
     * transforms read or write all 36 for every vector of tiles.
     */
    private static int positionStride(int rows, int cols) {
        return rows * cols + L;
    }

    /** Splits {@code items} into contiguous ranges {@code [from, to)}, one per worker. */
    private void ranges(int items, RangeBody body) {
        ranges(items, 1, body);
    }

    /** The same with {@code tasksPerThread} ranges per worker, claimed by whichever is free. */
    private void ranges(int items, int tasksPerThread, RangeBody body) {
        int tasks = Math.min(pool.threads() * tasksPerThread, items);
        if (tasks <= 1) {
            body.run(0, items);
            return;
        }
        pool.run(tasks, t -> body.run((int) ((long) items * t / tasks), (int) ((long) items * (t + 1) / tasks)));
    }

    private interface RangeBody {
        void run(int from, int to);
    }
}
