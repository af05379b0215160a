package dev.faltung.kernel.simd;

import dev.faltung.kernel.conv.ConvGeometry;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * float32 Winograd F(4×4, 3×3) (Lavin &amp; Gray 2015, the matrices of the shared
 * {@code WinogradConvolution.F4X4_3X3}), with the transforms vectorised over tiles and the
 * channel reduction one product per transform position: {@code M_ξ [K/G, T] = U_ξ [K/G, C/G]·V_ξ [C/G, T]}.
 * <p>To make the tiles' 6×6 windows contiguous in memory, each input plane is split once into
 * 16 phase planes {@code ph[py][px][ty][tx] = x[4·ty + py - padTop][4·tx + px - padLeft]}
 * (rows of {@code tilesX + 1}); element {@code (i, j)} of tile {@code t} is then
 * {@code ph[i%4][j%4][t + (i/4)·(tilesX+1) + j/4]}, so {@code L} consecutive tiles load as one
 * vector. Tile indices run over {@code tilesY × (tilesX + 1)}: one column of tiles per row is
 * computed and discarded. The forward pass is fused, unit of tiles by unit (see {@link #run});
 * backward filter transforms chunks of images that keep {@code V} and {@code Z} under
 * {@link #BUDGET} floats each and multiplies them with the library GEMM.
 * <p>Backward data is this algorithm on {@code dy} with the kernel flipped, channel axes swapped
 * and padding {@code 2 - pad} (negative padding crops). Backward filter is its adjoint: 36 GEMMs
 * of transformed gradients by transformed inputs (see {@link #backwardFilter}). Applies to 3×3 kernels, stride 1,
 * dilation 1, and outputs of at least 8×8 in every direction it is used for (where the shared
 * planner's variant rule picks F(4×4)); otherwise the caller runs the shared implementation.
 * <p>Float32 error: the shared bound with this GEMM summing in float and the transforms in float:
 * {@code |ŷ - y| ≤ (C/G + 6)·u·(C/G)·max|x|·max|w|·a² + u·|y|}, {@code a² = 2304}. Products and
 * GEMMs run one per thread and tasks split tiles, positions, images or channels, never a sum: results do not depend
 * on the thread count. Backward filter: each tile's contribution is amplified as above and the
 * sum over {@code N·T} tiles adds its own rounding: {@code ≤ (a² + N·T + 6)·u·Σ|dy||x|}. Thread-safe.
 */
final class FloatWinogradConvolution {

    /** Floats of transformed inputs (and of products) per chunk of images. */
    static final long BUDGET = 1L << 22;
    /** The amplification {@code a²} of F(4×4, 3×3)'s error bound. */
    static final double AMPLIFICATION = 2304;

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
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

    private static final double[][] G = {
            {1.0 / 4, 0, 0},
            {-1.0 / 6, -1.0 / 6, -1.0 / 6},
            {-1.0 / 6, 1.0 / 6, -1.0 / 6},
            {1.0 / 24, 1.0 / 12, 1.0 / 6},
            {1.0 / 24, -1.0 / 12, 1.0 / 6},
            {0, 0, 1}};

    static {
        float[] u = new float[2 * KT], v = new float[2 * UNIT], m = new float[KT * UNIT];
        JitWarmup.run(() -> product(u, 0, v, 0, 2, m, 0));
    }

    private final WorkerPool pool;
    private final FloatGemm gemm;

    FloatWinogradConvolution(WorkerPool pool, FloatGemm gemm) {
        this.pool = pool;
        this.gemm = gemm;
    }

    /** Forward: 3×3, stride 1, dilation 1, output at least 8×8. */
    static boolean applies(ConvGeometry g) {
        return g.r() == 3 && g.s() == 3 && g.strideH() == 1 && g.strideW() == 1
                && g.dilationH() == 1 && g.dilationW() == 1 && g.outH() >= 8 && g.outW() >= 8;
    }

    /** Backward data: as forward, and the input (its output) at least 8×8. */
    static boolean appliesBackwardData(ConvGeometry g) {
        return applies(g) && g.h() >= 8 && g.w() >= 8;
    }

    void forward(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y) {
        run(g.n(), g.c(), g.h(), g.w(), g.k(), g.groups(), g.padTop(), g.padLeft(), g.outH(), g.outW(), x, w, bias, y);
    }

    void backwardData(ConvGeometry g, float[] dy, float[] w, float[] dx) {
        int cpg = g.cPerGroup(), kpg = g.kPerGroup();
        // w'[c, k_in_group, 2-r, 2-s] = w[k, c_in_group, r, s]
        float[] flipped = new float[g.weightSize()];
        for (int k = 0; k < g.k(); k++) {
            int grp = k / kpg, ki = k % kpg;
            for (int ci = 0; ci < cpg; ci++) {
                int c = grp * cpg + ci;
                for (int tap = 0; tap < 9; tap++) {
                    flipped[(c * kpg + ki) * 9 + 8 - tap] = w[(k * cpg + ci) * 9 + tap];
                }
            }
        }
        run(g.n(), g.k(), g.outH(), g.outW(), g.c(), g.groups(), 2 - g.padTop(), 2 - g.padLeft(), g.h(), g.w(),
                dy, flipped, null, dx);
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
    private void run(int n, int c, int h, int w, int k, int groups, int padTop, int padLeft, int outH, int outW,
                     float[] x, float[] wt, float[] bias, float[] y) {
        int cg = c / groups, kg = k / groups, kTiles = (kg + KT - 1) / KT;
        int tilesY = (outH + 3) / 4, tilesX = (outW + 3) / 4, tx1 = tilesX + 1;
        int units = (tilesY * tx1 + UNIT - 1) / UNIT;
        // Bands of units whose phase planes, all channels', are made once and fit the budget,
        // and enough of them to keep every worker busy.
        int bands = Math.max(1, Math.min(units, (pool.threads() * TASKS_PER_THREAD + n * groups - 1) / (n * groups)));
        while (bands < units && (long) cg * 16 * bandPhaseSize((units + bands - 1) / bands, tx1) > PHASE_BUDGET) {
            bands++;
        }
        int bandUnits = (units + bands - 1) / bands, phaseSize = bandPhaseSize(bandUnits, tx1);
        int bandsPerImage = (units + bandUnits - 1) / bandUnits;
        int vStride = positionStride(cg, UNIT), mStride = positionStride(KT, UNIT);
        // The caller's slot, written by the workers below and then only read: the transformed
        // filters took a quarter of the forward pass on one thread while the other waited
        // (ResNet's block), and a new array every call.
        float[] u = ConvScratch.get().floats(ConvScratch.WEIGHTS, (long) groups * kTiles * POSITIONS * cg * KT);
        ranges(groups * kTiles, TASKS_PER_THREAD, (from, to) -> filterTransform(wt, from, to, kg, cg, u));
        ranges(n * groups * bandsPerImage, TASKS_PER_THREAD, (from, to) -> {
            ConvScratch scratch = ConvScratch.get();
            int line = cg * 16 * phaseSize, tmpAt = POSITIONS * mStride;
            float[] ph = scratch.floats(ConvScratch.COLS, (long) line + lineLength(tx1));
            float[] v = scratch.floats(ConvScratch.OUT, (long) POSITIONS * vStride);
            float[] m = scratch.floats(ConvScratch.SPECTRA, (long) POSITIONS * mStride + TEMPORARY);
            for (int i = from; i < to; i++) {
                int band = i % bandsPerImage, ng = i / bandsPerImage, img = ng / groups, grp = ng % groups;
                int u0 = band * bandUnits, u1 = Math.min(units, u0 + bandUnits);
                // Tile rows the band's tiles read: each window reaches one tile row down.
                int ty0 = u0 * UNIT / tx1, ty1 = Math.min(tilesY + 1, (u1 * UNIT - 1) / tx1 + 2), tBase = ty0 * tx1;
                for (int ci = 0; ci < cg; ci++) {
                    int plane = (img * c + grp * cg + ci) * h * w;
                    phaseRows(x, plane, h, w, padTop, padLeft, ty0, ty1, tx1, phaseSize, ph, ci * 16 * phaseSize, line);
                }
                for (int t0 = u0 * UNIT; t0 < u1 * UNIT; t0 += UNIT) {
                    int t1 = t0 + UNIT;
                    for (int ci = 0; ci < cg; ci++) {
                        inputTransform(ph, ci * 16 * phaseSize - tBase, phaseSize, tx1, t0, t1, m, tmpAt, v, ci * UNIT,
                                vStride);
                    }
                    for (int kt = 0; kt < kTiles; kt++) {
                        int uAt = (grp * kTiles + kt) * POSITIONS * cg * KT;
                        for (int xi = 0; xi < POSITIONS; xi++) {
                            product(u, uAt + xi * cg * KT, v, xi * vStride, cg, m, xi * mStride);
                        }
                        for (int kk = 0, k0 = grp * kg + kt * KT; kk < Math.min(KT, kg - kt * KT); kk++) {
                            outputTransform(m, kk * UNIT, mStride, t0, t1, tx1, tilesX, tilesY, y,
                                    (img * k + k0 + kk) * outH * outW, outH, outW, bias == null ? 0f : bias[k0 + kk],
                                    m, tmpAt);
                        }
                    }
                }
            }
        });
    }

    /**
     * Floats of one phase plane of a band of {@code bandUnits}: the tile rows its tiles read
     * (a row more than they span, and one for a band starting mid-row), then slack for a
     * vector read one column to the right and for the phase rows' whole-vector stores.
     */
    private static int bandPhaseSize(int bandUnits, int tx1) {
        return ((bandUnits * UNIT + tx1 - 1) / tx1 + 2) * tx1 + 2 * L;
    }

    /**
     * Floats of one phase plane: the tile rows, and past the last tile that a vector of tiles
     * reads ({@code tiles}, rounded up) its window's reach of one row and one column, plus a
     * vector of slack for the phase rows' whole-vector stores.
     */
    private static int phaseSize(int tilesY, int tx1, int tiles) {
        return Math.max((tilesY + 1) * tx1, tiles + tx1 + 1) + L;
    }

    /**
     * {@code dw} by the adjoint of the forward algorithm: {@code Y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A} per
     * tile gives {@code ∂/∂g = Gᵀ[(A dY Aᵀ) ⊙ (Bᵀ d B)]G}, summed over tiles and images. The
     * sum over tiles of each position is one GEMM {@code dU_ξ [K/G, C/G] += Z_ξ [K/G, T]·V_ξᵀ [T, C/G]},
     * over chunks of images in order; {@code Gᵀ dU G} runs in double per weight.
     */
    void backwardFilter(ConvGeometry g, float[] x, float[] dy, float[] dw, float[] dbias, FloatLoweredConvolution lowered) {
        int n = g.n(), c = g.c(), h = g.h(), w = g.w(), k = g.k(), outH = g.outH(), outW = g.outW();
        int cg = g.cPerGroup(), kg = g.kPerGroup();
        int tilesY = (outH + 3) / 4, tilesX = (outW + 3) / 4, tx1 = tilesX + 1;
        int perImage = (tilesY * tx1 + L - 1) / L * L;
        int phaseSize = phaseSize(tilesY, tx1, perImage), lineAt = 16 * phaseSize, tmpAt = lineAt + lineLength(tx1);
        int chunk = (int) Math.max(1, Math.min(n, BUDGET / ((long) POSITIONS * Math.max(cg, kg) * perImage)));
        ConvScratch scratch = ConvScratch.get();
        float[] v = scratch.floats(ConvScratch.COLS, (long) POSITIONS * (cg * chunk * perImage + L));
        float[] z = scratch.floats(ConvScratch.OUT, (long) POSITIONS * (kg * chunk * perImage + L));
        float[] du = scratch.floats(ConvScratch.WEIGHTS, (long) POSITIONS * kg * cg);
        for (int grp = 0; grp < g.groups(); grp++) {
            int group = grp;
            for (int n0 = 0; n0 < n; n0 += chunk) {
                int count = Math.min(chunk, n - n0), cols = count * perImage, first = n0;
                int vStride = positionStride(cg, cols), zStride = positionStride(kg, cols);
                parallel(count * (cg + kg), i -> {
                    int img = i / (cg + kg), ch = i % (cg + kg);
                    float[] ph = ConvScratch.get().floats(ConvScratch.SPECTRA, (long) tmpAt + TEMPORARY);
                    // Past the last tile row, where slack tiles read: zero, as every tile sums into dU
                    // (left over from another call, a NaN there would reach every weight).
                    for (int plane = 0; plane < 16; plane++) {
                        Arrays.fill(ph, plane * phaseSize + (tilesY + 1) * tx1, (plane + 1) * phaseSize, 0f);
                    }
                    if (ch < cg) {
                        int plane = ((first + img) * c + group * cg + ch) * h * w;
                        phaseRows(x, plane, h, w, g.padTop(), g.padLeft(), 0, tilesY + 1, tx1, phaseSize, ph, 0, lineAt);
                        inputTransform(ph, 0, phaseSize, tx1, 0, perImage, ph, tmpAt, v, ch * cols + img * perImage, vStride);
                    } else {
                        int ki = ch - cg;
                        int plane = ((first + img) * k + group * kg + ki) * outH * outW;
                        phaseRows(dy, plane, outH, outW, 0, 0, 0, tilesY + 1, tx1, phaseSize, ph, 0, lineAt);
                        gradientTransform(ph, phaseSize, perImage, tmpAt, z, ki * cols + img * perImage, zStride);
                    }
                });
                float beta = n0 == 0 ? 0f : 1f;
                int tasks = Math.min(pool.threads(), POSITIONS);
                pool.run(tasks, t -> {
                    for (int xi = t; xi < POSITIONS; xi += tasks) {
                        gemm.gemm(false, true, kg, cg, cols, 1f, z, xi * zStride, cols, v, xi * vStride, cols,
                                beta, du, xi * kg * cg, cg, false);
                    }
                });
            }
            ranges(kg, (ki0, ki1) -> filterGradient(du, group, ki0, ki1, kg, cg, dw));
        }
        lowered.biasGradient(g, dy, dbias);
    }

    /**
     * {@code dW = Gᵀ dU G} for output channels {@code ki0 .. ki1} of the group, in double, rounded
     * once; input channels innermost, as in {@link #filterTransform}, each weight's sums in the
     * same order as one weight at a time.
     */
    private static void filterGradient(float[] du, int grp, int ki0, int ki1, int kg, int cg, float[] dw) {
        double[] row = new double[cg], sum = new double[cg];
        for (int ki = ki0; ki < ki1; ki++) {
            int dst = (grp * kg + ki) * cg * 9;
            for (int r = 0; r < 3; r++) {
                for (int s = 0; s < 3; s++) {
                    Arrays.fill(sum, 0);
                    for (int a = 0; a < 6; a++) {
                        Arrays.fill(row, 0);
                        for (int b = 0; b < 6; b++) {
                            double gb = G[b][s];
                            int at = ((a * 6 + b) * kg + ki) * cg;
                            for (int ci = 0; ci < cg; ci++) {
                                row[ci] += (double) du[at + ci] * gb;
                            }
                        }
                        double ga = G[a][r];
                        for (int ci = 0; ci < cg; ci++) {
                            sum[ci] += ga * row[ci];
                        }
                    }
                    for (int ci = 0; ci < cg; ci++) {
                        dw[dst + ci * 9 + r * 3 + s] = (float) sum[ci];
                    }
                }
            }
        }
    }

    /** {@code Z = A dY Aᵀ} (6×6 from each 4×4 tile of one gradient plane); position {@code ξ} at {@code out + ξ·posStride}. */
    private static void gradientTransform(float[] ph, int phaseSize, int perImage, int tmpAt, float[] zOut, int out,
                                          int posStride) {
        for (int t = 0; t < perImage; t += L) {
            for (int i = 0; i < 4; i++) {
                int rowBase = (i * 4) * phaseSize + t;
                a(FloatVector.fromArray(SPECIES, ph, rowBase), FloatVector.fromArray(SPECIES, ph, rowBase + phaseSize),
                        FloatVector.fromArray(SPECIES, ph, rowBase + 2 * phaseSize),
                        FloatVector.fromArray(SPECIES, ph, rowBase + 3 * phaseSize), ph, tmpAt + i * 6 * L, L);
            }
            for (int b = 0; b < 6; b++) {
                int at = tmpAt + b * L;
                a(FloatVector.fromArray(SPECIES, ph, at), FloatVector.fromArray(SPECIES, ph, at + 6 * L),
                        FloatVector.fromArray(SPECIES, ph, at + 12 * L), FloatVector.fromArray(SPECIES, ph, at + 18 * L),
                        zOut, out + b * posStride + t, 6 * posStride);
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
     * once. The input channels run in the innermost loops, over contiguous arrays that C2
     * vectorises.
     */
    private static void filterTransform(float[] wt, int from, int to, int kg, int cg, float[] u) {
        int kTiles = (kg + KT - 1) / KT;
        double[] taps = new double[9 * cg], t = new double[18 * cg];
        for (int block = from; block < to; block++) {
            int grp = block / kTiles, kt = block % kTiles, at = block * POSITIONS * cg * KT;
            if ((kt + 1) * KT > kg) {
                Arrays.fill(u, at, at + POSITIONS * cg * KT, 0f);
            }
            for (int kk = 0; kk < Math.min(KT, kg - kt * KT); kk++) {
                int src = (grp * kg + kt * KT + kk) * cg * 9;
                for (int ci = 0; ci < cg; ci++) {
                    for (int j = 0; j < 9; j++) {
                        taps[j * cg + ci] = wt[src + ci * 9 + j];
                    }
                }
                for (int a = 0; a < 6; a++) {
                    double g0 = G[a][0], g1 = G[a][1], g2 = G[a][2];
                    for (int s = 0; s < 3; s++) {
                        int to3 = (a * 3 + s) * cg;
                        for (int ci = 0; ci < cg; ci++) {
                            t[to3 + ci] = g0 * taps[s * cg + ci] + g1 * taps[(3 + s) * cg + ci] + g2 * taps[(6 + s) * cg + ci];
                        }
                    }
                }
                for (int a = 0; a < 6; a++) {
                    int t0 = a * 3 * cg, t1 = t0 + cg, t2 = t1 + cg;
                    for (int b = 0; b < 6; b++) {
                        double g0 = G[b][0], g1 = G[b][1], g2 = G[b][2];
                        int dst = at + (a * 6 + b) * cg * KT + kk;
                        for (int ci = 0; ci < cg; ci++) {
                            u[dst + ci * KT] = (float) (t[t0 + ci] * g0 + t[t1 + ci] * g1 + t[t2 + ci] * g2);
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

    /** Floats of the zero-padded line that {@link #phaseRows} splits: whole blocks of four vectors. */
    private static int lineLength(int tx1) {
        return (4 * tx1 + 4 * L - 1) / (4 * L) * (4 * L);
    }

    /**
     * Tile rows {@code ty0 .. ty1} of the 16 phase planes of one padded plane at {@code ph[phAt]}:
     * {@code ph[phAt + (py·4 + px)·phaseSize + (ty - ty0)·tx1 + tx] = x[plane + iy·w + ix]} with
     * {@code iy = 4·ty + py - padTop}, {@code ix = 4·tx + px - padLeft}, 0 outside the
     * {@code h×w} plane. Each input row goes through a zero-padded line at {@code ph[lineAt]}
     * (loading the row itself with masks took 7-20 times as long) and is split by four in vectors; a row's last vector spills into the next row, which is
     * written after it (and past row {@code ty1 - 1}, into slack that no real tile reads).
     */
    private static void phaseRows(float[] x, int plane, int h, int w, int padTop, int padLeft, int ty0, int ty1,
                                  int tx1, int phaseSize, float[] ph, int phAt, int lineAt) {
        int length = lineLength(tx1);
        int from = Math.max(0, padLeft), to = Math.min(length, w + padLeft);
        for (int ty = ty0; ty < ty1; ty++) {
            for (int py = 0; py < 4; py++) {
                int iy = 4 * ty + py - padTop, dst = phAt + (py * 4) * phaseSize + (ty - ty0) * tx1;
                if (iy < 0 || iy >= h || from >= to) {
                    FloatVector zero = FloatVector.zero(SPECIES);
                    for (int px = 0; px < 4; px++) {
                        for (int tx = 0; tx < tx1; tx += L) {
                            zero.intoArray(ph, dst + px * phaseSize + tx);
                        }
                    }
                    continue;
                }
                Arrays.fill(ph, lineAt, lineAt + from, 0f);
                System.arraycopy(x, plane + iy * w + from - padLeft, ph, lineAt + from, to - from);
                Arrays.fill(ph, lineAt + to, lineAt + length, 0f);
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
    private static void inputTransform(float[] ph, int phAt, int phaseSize, int tx1, int t0, int t1, float[] tmp,
                                       int tmpAt, float[] v, int out, int posStride) {
        for (int t = t0; t < t1; t += L) {
            for (int i = 0; i < 6; i++) {
                int rowBase = phAt + ((i % 4) * 4) * phaseSize + t + (i / 4) * tx1;
                FloatVector d0 = FloatVector.fromArray(SPECIES, ph, rowBase);
                FloatVector d1 = FloatVector.fromArray(SPECIES, ph, rowBase + phaseSize);
                FloatVector d2 = FloatVector.fromArray(SPECIES, ph, rowBase + 2 * phaseSize);
                FloatVector d3 = FloatVector.fromArray(SPECIES, ph, rowBase + 3 * phaseSize);
                FloatVector d4 = FloatVector.fromArray(SPECIES, ph, rowBase + 1);
                FloatVector d5 = FloatVector.fromArray(SPECIES, ph, rowBase + phaseSize + 1);
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

    /** Runs {@code body} for each of {@code items}, in contiguous ranges, one per worker. */
    private void parallel(int items, java.util.function.IntConsumer body) {
        ranges(items, (from, to) -> {
            for (int i = from; i < to; i++) body.accept(i);
        });
    }
}
