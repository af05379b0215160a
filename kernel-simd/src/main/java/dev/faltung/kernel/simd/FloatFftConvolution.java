package dev.faltung.kernel.simd;

import dev.faltung.kernel.conv.ConvGeometry;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * float32 FFT convolution with overlap-save tiles, the tiles of {@code L} (image, tile) pairs
 * transformed together, one per vector lane ({@link LaneFft}); real planes go two per complex
 * transform (input channels as real and imaginary part, separated by conjugate symmetry; output
 * channels likewise on the way back). The grid per tile is the shared
 * implementation's ({@code fftSize}: a power of two about twice the dilated kernel), so a 15×15
 * kernel on 64×64 planes costs 32×32 transforms instead of 225 multiply-adds per output.
 * <ul>
 *   <li>forward: kernel spectra once per call; per batch of lanes, the input spectra of every
 *       channel, then {@code Y_k = Σ_c X_c·conj(W_kc)} per frequency with the kernel spectrum
 *       broadcast, one inverse per output channel. Stride: the stride-1 result is computed and
 *       sampled.</li>
 *   <li>backward data (stride 1): the same correlation of {@code dy} with the flipped kernel,
 *       channel axes swapped.</li>
 *   <li>backward filter (stride 1): {@code dy} is cut in blocks; each block's spectrum
 *       multiplies the spectrum of the input window it read, and the products are summed over
 *       (image, block) pairs with frequencies along the lanes (spectra transposed), in a fixed
 *       order, then transformed back once per weight plane.</li>
 * </ul>
 * Tasks split lane batches (forward, backward data) or output channels (backward filter), never
 * a sum, so results do not depend on the thread count.
 *
 * <p>Float32 error: the FFT's error is normwise, not elementwise: about
 * {@code c·log₂(fh·fw)·u} of the tile's scale ({@code u = 2⁻²⁴}), so an output much smaller than
 * its neighbours keeps fewer correct digits than DIRECT would give it. The bound tested is
 * {@code |ŷ - y| ≤ ERROR_FACTOR·u·max|m|} with {@code m} the computation on absolute values.
 * Thread-safe; work arrays are per thread.
 */
final class FloatFftConvolution {

    /** Constant of the normwise bound above, for grids up to 2^16 points. */
    static final double ERROR_FACTOR = 64;

    private static final VectorSpecies<Float> SPECIES = LaneFft.SPECIES;
    private static final int L = LaneFft.L;
    /** Frequencies per block of the forward multiply-accumulate: its input spectra stay in L1. */
    private static final int BIN_BLOCK = 8;

    private final WorkerPool pool;
    private final FloatLoweredConvolution lowered;

    FloatFftConvolution(WorkerPool pool, FloatLoweredConvolution lowered) {
        this.pool = pool;
        this.lowered = lowered;
    }

    /** Backward data and backward filter: stride 1 (forward takes any geometry). */
    static boolean appliesBackward(ConvGeometry g) {
        return g.strideH() == 1 && g.strideW() == 1;
    }

    /** The shared implementation's grid rule: a power of two holding the fixed extent plus a tile of about {@code max(fixed, 8)}. */
    static int fftSize(int fixed, int tiled) {
        int n = fixed + Math.min(tiled, Math.max(fixed, 8)) - 1;
        return n <= 1 ? 1 : Integer.highestOneBit(n - 1) << 1;
    }

    void forward(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y) {
        int cpg = g.cPerGroup(), kpg = g.kPerGroup();
        int kh = g.dilationH() * (g.r() - 1) + 1, kw = g.dilationW() * (g.s() - 1) + 1;
        int h1 = (g.outH() - 1) * g.strideH() + 1, w1 = (g.outW() - 1) * g.strideW() + 1;
        for (int grp = 0; grp < g.groups(); grp++) {
            float[] ker = new float[kpg * cpg * kh * kw];
            for (int p = 0; p < kpg; p++) {
                for (int q = 0; q < cpg; q++) {
                    for (int r = 0; r < g.r(); r++) {
                        for (int s = 0; s < g.s(); s++) {
                            ker[((p * cpg + q) * kh + r * g.dilationH()) * kw + s * g.dilationW()] =
                                    w[(((grp * kpg + p) * cpg + q) * g.r() + r) * g.s() + s];
                        }
                    }
                }
            }
            Correlation c = new Correlation(g.n(), cpg, g.h(), g.w(), g.c() * g.h() * g.w(), grp * cpg,
                    g.padTop(), g.padLeft(), ker, kpg, kh, kw, h1, w1);
            correlate(c, x, y, g.k() * g.outH() * g.outW(), grp * kpg, g.outH(), g.outW(),
                    g.strideH(), g.strideW(), bias);
        }
    }

    void backwardData(ConvGeometry g, float[] dy, float[] w, float[] dx) {
        int cpg = g.cPerGroup(), kpg = g.kPerGroup();
        int kh = g.dilationH() * (g.r() - 1) + 1, kw = g.dilationW() * (g.s() - 1) + 1;
        for (int grp = 0; grp < g.groups(); grp++) {
            // ker[c][k] = w[k][c] dilated and flipped in both axes.
            float[] ker = new float[cpg * kpg * kh * kw];
            for (int c = 0; c < cpg; c++) {
                for (int k = 0; k < kpg; k++) {
                    for (int r = 0; r < g.r(); r++) {
                        for (int s = 0; s < g.s(); s++) {
                            ker[((c * kpg + k) * kh + kh - 1 - r * g.dilationH()) * kw + kw - 1 - s * g.dilationW()] =
                                    w[(((grp * kpg + k) * cpg + c) * g.r() + r) * g.s() + s];
                        }
                    }
                }
            }
            Correlation c = new Correlation(g.n(), kpg, g.outH(), g.outW(), g.k() * g.outH() * g.outW(), grp * kpg,
                    kh - 1 - g.padTop(), kw - 1 - g.padLeft(), ker, cpg, kh, kw, g.h(), g.w());
            correlate(c, dy, dx, g.c() * g.h() * g.w(), grp * cpg, g.h(), g.w(), 1, 1, null);
        }
    }

    /**
     * {@code out[n][p][oy][ox] = Σ_q Σ_{a<kh,b<kw} in[n][q][oy - offY + a][ox - offX + b]·ker[p][q][a][b]}
     * for {@code oy < outH, ox < outW}, reading 0 outside the {@code inH×inW} planes; plane
     * {@code q} of image {@code n} starts at {@code n·inImage + (inChannel + q)·inH·inW}.
     */
    private record Correlation(int images, int q, int inH, int inW, int inImage, int inChannel, int offY, int offX,
                               float[] ker, int p, int kh, int kw, int outH, int outW) {
        int fh() {
            return fftSize(kh, outH);
        }

        int fw() {
            return fftSize(kw, outW);
        }
    }

    /**
     * Runs {@code c}, writing output {@code (n, p, oy, ox)} with {@code oy, ox} multiples of the
     * strides to {@code out[n·outImage + (outChannel + p)·rows·cols + (oy/sh)·cols + ox/sw]},
     * plus {@code bias[outChannel + p]} when a bias is given.
     */
    private void correlate(Correlation c, float[] in, float[] out, int outImage, int outChannel, int rows, int cols,
                           int sh, int sw, float[] bias) {
        int fh = c.fh(), fw = c.fw(), f = fh * fw, grid = f * L;
        int th = fh - c.kh() + 1, tw = fw - c.kw() + 1;
        int tilesY = (c.outH() + th - 1) / th, tilesX = (c.outW() + tw - 1) / tw, tiles = tilesY * tilesX;
        int items = c.images() * tiles, batches = (items + L - 1) / L;
        int p = c.p(), q = c.q();
        // Kernel spectra as [p][bin][q], real parts then imaginary: contiguous over q for the
        // multiply-accumulate, which broadcasts them.
        int specIm = p * f * q;
        // Every element is written below. In the caller's scratch (its tasks use the other slots),
        // not a new array per call: 2 MiB for the 15×15 kernel, a humongous object each time,
        // and G1 ran a dozen collections a second while the forward pass ran.
        float[] spec = ConvScratch.get().floats(ConvScratch.WEIGHTS, 2L * specIm);
        int planes = p * q;
        parallel((planes + L - 1) / L, kb -> {
            float[] z = ConvScratch.get().floats(ConvScratch.SPECTRA, 2L * grid);
            Arrays.fill(z, 0, 2 * grid, 0f);
            int lanes = Math.min(L, planes - kb * L);
            for (int j = 0; j < lanes; j++) {
                int src = (kb * L + j) * c.kh() * c.kw();
                for (int a = 0; a < c.kh(); a++) {
                    for (int b = 0; b < c.kw(); b++) {
                        z[(a * fw + b) * L + j] = c.ker()[src + a * c.kw() + b];
                    }
                }
            }
            LaneFft.transform2d(z, 0, grid, fh, fw, c.kh(), false);
            for (int j = 0; j < lanes; j++) {
                int plane = kb * L + j, pi = plane / q, qi = plane % q;
                for (int bin = 0; bin < f; bin++) {
                    spec[(pi * f + bin) * q + qi] = z[bin * L + j];
                    spec[specIm + (pi * f + bin) * q + qi] = z[grid + bin * L + j];
                }
            }
        });
        float scale = 1f / f;
        parallel(batches, batch -> {
            ConvScratch scratch = ConvScratch.get();
            float[] xs = scratch.floats(ConvScratch.COLS, 2L * q * grid);
            float[] ys = scratch.floats(ConvScratch.OUT, 2L * p * grid);
            int lanes = Math.min(L, items - batch * L);
            Arrays.fill(xs, 0, 2 * q * grid, 0f);
            for (int j = 0; j < lanes; j++) {
                int item = batch * L + j, n = item / tiles, ty = (item % tiles) / tilesX, tx = item % tilesX;
                int y0 = ty * th - c.offY(), x0 = tx * tw - c.offX();
                int ya = Math.max(0, -y0), yb = Math.min(fh, c.inH() - y0);
                int xa = Math.max(0, -x0), xb = Math.min(fw, c.inW() - x0);
                for (int qi = 0; qi < q; qi++) {
                    int plane = n * c.inImage() + (c.inChannel() + qi) * c.inH() * c.inW();
                    // Channels in pairs: the even one as the real part of its slot, the odd one as
                    // the imaginary part of the even slot.
                    int slot = (qi & 1) == 0 ? qi * grid : (q + qi - 1) * grid;
                    for (int yy = ya; yy < yb; yy++) {
                        int row = plane + (y0 + yy) * c.inW() + x0, dst = slot + yy * fw * L + j;
                        for (int xx = xa; xx < xb; xx++) {
                            xs[dst + xx * L] = in[row + xx];
                        }
                    }
                }
            }
            for (int qi = 0; qi < q; qi += 2) {
                LaneFft.transform2d(xs, qi * grid, q * grid, fh, fw, fh, false);
                if (qi + 1 < q) separate(xs, qi * grid, (q + qi) * grid, (qi + 1) * grid, (q + qi + 1) * grid, fh, fw);
            }
            // Y_p = Σ_q X_q · conj(W_pq), per frequency; a block of frequencies at a time keeps
            // the input spectra it reads in L1 across all p.
            for (int b0 = 0; b0 < f; b0 += BIN_BLOCK) {
                int b1 = Math.min(f, b0 + BIN_BLOCK);
                for (int pi = 0; pi < p; pi += 2) {
                    boolean pair = pi + 1 < p;
                    int pj = pair ? pi + 1 : pi;
                    for (int bin = b0; bin < b1; bin++) {
                        FloatVector ar = FloatVector.zero(SPECIES), ai = ar, br = ar, bi = ar;
                        int wa = (pi * f + bin) * q, wb = (pj * f + bin) * q;
                        for (int qi = 0; qi < q; qi++) {
                            FloatVector xr = FloatVector.fromArray(SPECIES, xs, qi * grid + bin * L);
                            FloatVector xi = FloatVector.fromArray(SPECIES, xs, (q + qi) * grid + bin * L);
                            FloatVector wr = FloatVector.broadcast(SPECIES, spec[wa + qi]);
                            FloatVector wi = FloatVector.broadcast(SPECIES, spec[specIm + wa + qi]);
                            ar = xi.fma(wi, xr.fma(wr, ar));
                            ai = xr.neg().fma(wi, xi.fma(wr, ai));
                            wr = FloatVector.broadcast(SPECIES, spec[wb + qi]);
                            wi = FloatVector.broadcast(SPECIES, spec[specIm + wb + qi]);
                            br = xi.fma(wi, xr.fma(wr, br));
                            bi = xr.neg().fma(wi, xi.fma(wr, bi));
                        }
                        // Two real outputs per inverse: Z = Y_a + i·Y_b transforms back to y_a + i·y_b.
                        if (pair) {
                            ar = ar.sub(bi);
                            ai = ai.add(br);
                        }
                        ar.intoArray(ys, pi * grid + bin * L);
                        ai.intoArray(ys, (p + pi) * grid + bin * L);
                    }
                }
            }
            for (int pi = 0; pi < p; pi += 2) {
                boolean pair = pi + 1 < p;
                LaneFft.transform2d(ys, pi * grid, p * grid, fh, fw, fh, true);
                float ba = bias == null ? 0f : bias[outChannel + pi];
                float bb = bias == null || !pair ? 0f : bias[outChannel + pi + 1];
                for (int j = 0; j < lanes; j++) {
                    int item = batch * L + j, n = item / tiles, ty = (item % tiles) / tilesX, tx = item % tilesX;
                    int outPlane = n * outImage + (outChannel + pi) * rows * cols;
                    for (int yy = 0; yy < th; yy++) {
                        int oy = ty * th + yy;
                        if (oy >= c.outH()) break;
                        if (oy % sh != 0) continue;
                        int src = pi * grid + yy * fw * L + j, dst = outPlane + (oy / sh) * cols;
                        for (int xx = 0; xx < tw; xx++) {
                            int ox = tx * tw + xx;
                            if (ox >= c.outW()) break;
                            if (ox % sw != 0) continue;
                            out[dst + ox / sw] = ys[src + xx * L] * scale + ba;
                            if (pair) out[dst + rows * cols + ox / sw] = ys[p * grid + src + xx * L] * scale + bb;
                        }
                    }
                }
            }
        });
    }

    /**
     * Separates the spectrum {@code Z} of {@code a + i·b} (real grids {@code a}, {@code b}) into
     * {@code A = (Z[f] + conj Z[-f])/2} (written over {@code Z}) and {@code B = (Z[f] - conj Z[-f])/2i},
     * each pair of mirrored frequencies once.
     */
    private static void separate(float[] z, int ar, int ai, int br, int bi, int fh, int fw) {
        FloatVector half = FloatVector.broadcast(SPECIES, 0.5f);
        for (int fy = 0; fy < fh; fy++) {
            int my = (fh - fy) % fh;
            for (int fx = 0; fx < fw; fx++) {
                int f = fy * fw + fx, m = my * fw + (fw - fx) % fw;
                if (m < f) continue;
                int of = f * L, om = m * L;
                FloatVector zrf = FloatVector.fromArray(SPECIES, z, ar + of), zif = FloatVector.fromArray(SPECIES, z, ai + of);
                FloatVector zrm = FloatVector.fromArray(SPECIES, z, ar + om), zim = FloatVector.fromArray(SPECIES, z, ai + om);
                FloatVector sr = zrf.add(zrm).mul(half), di = zif.sub(zim).mul(half);
                FloatVector si = zif.add(zim).mul(half), dr = zrm.sub(zrf).mul(half);
                sr.intoArray(z, ar + of);
                di.intoArray(z, ai + of);
                si.intoArray(z, br + of);
                dr.intoArray(z, bi + of);
                if (m != f) {
                    sr.intoArray(z, ar + om);
                    di.neg().intoArray(z, ai + om);
                    si.intoArray(z, br + om);
                    dr.neg().intoArray(z, bi + om);
                }
            }
        }
    }

    /** Splits {@code items} into contiguous ranges, one per worker. */
    private void parallel(int items, java.util.function.IntConsumer body) {
        int tasks = Math.min(pool.threads(), items);
        if (tasks <= 1) {
            for (int i = 0; i < items; i++) body.accept(i);
            return;
        }
        pool.run(tasks, t -> {
            int from = (int) ((long) items * t / tasks), to = (int) ((long) items * (t + 1) / tasks);
            for (int i = from; i < to; i++) body.accept(i);
        });
    }

    void backwardFilter(ConvGeometry g, float[] x, float[] dy, float[] dw, float[] dbias) {
        int cpg = g.cPerGroup(), kpg = g.kPerGroup(), oh = g.outH(), ow = g.outW();
        int kh = g.dilationH() * (g.r() - 1) + 1, kw = g.dilationW() * (g.s() - 1) + 1;
        int fh = fftSize(kh, oh), fw = fftSize(kw, ow), f = fh * fw, grid = f * L;
        int bh = fh - kh + 1, bw = fw - kw + 1;
        int blocksX = (ow + bw - 1) / bw, blocks = ((oh + bh - 1) / bh) * blocksX;
        int items = g.n() * blocks, batches = (items + L - 1) / L;
        float scale = 1f / f;
        for (int grp = 0; grp < g.groups(); grp++) {
            int group = grp;
            // Tasks take whole pairs of output channels, so which planes share a transform (and
            // so every rounding) is the same for every thread count.
            int pairs = (kpg + 1) / 2, tasks = Math.min(pool.threads(), pairs);
            pool.run(tasks, t -> {
                int k0 = 2 * (pairs * t / tasks), kc = Math.min(kpg, 2 * (pairs * (t + 1) / tasks)) - k0;
                ConvScratch scratch = ConvScratch.get();
                float[] xs = scratch.floats(ConvScratch.COLS, 2L * cpg * grid);
                float[] ds = scratch.floats(ConvScratch.OUT, 2L * kc * grid);
                // Sums over (image, block) of X·conj(D) as [k][c][bin], real then imaginary.
                int accIm = kc * cpg * f;
                float[] acc = scratch.floats(ConvScratch.SPECTRA, 2L * accIm);
                Arrays.fill(acc, 0, 2 * accIm, 0f);
                // Spectra transposed to [plane][lane][bin], frequencies along the vectors.
                int planes = cpg + kc, tIm = planes * L * f;
                float[] tr = scratch.floats(ConvScratch.WEIGHTS, Math.max(2L * tIm, 2L * grid));
                for (int batch = 0; batch < batches; batch++) {
                    int lanes = Math.min(L, items - batch * L);
                    Arrays.fill(xs, 0, 2 * cpg * grid, 0f);
                    Arrays.fill(ds, 0, 2 * kc * grid, 0f);
                    for (int j = 0; j < lanes; j++) {
                        int item = batch * L + j, n = item / blocks;
                        int y0 = ((item % blocks) / blocksX) * bh, x0 = (item % blocksX) * bw;
                        int ya = Math.max(0, g.padTop() - y0), yb = Math.min(fh, g.h() + g.padTop() - y0);
                        int xa = Math.max(0, g.padLeft() - x0), xb = Math.min(fw, g.w() + g.padLeft() - x0);
                        for (int c = 0; c < cpg; c++) {
                            int plane = (n * g.c() + group * cpg + c) * g.h() * g.w();
                            int slot = (c & 1) == 0 ? c * grid : (cpg + c - 1) * grid;
                            for (int yy = ya; yy < yb; yy++) {
                                int row = plane + (y0 + yy - g.padTop()) * g.w() + x0 - g.padLeft();
                                int dst = slot + yy * fw * L + j;
                                for (int xx = xa; xx < xb; xx++) {
                                    xs[dst + xx * L] = x[row + xx];
                                }
                            }
                        }
                        int uh = Math.min(bh, oh - y0), uw = Math.min(bw, ow - x0);
                        for (int ki = 0; ki < kc; ki++) {
                            int plane = (n * g.k() + group * kpg + k0 + ki) * oh * ow;
                            int slot = (ki & 1) == 0 ? ki * grid : (kc + ki - 1) * grid;
                            for (int u = 0; u < uh; u++) {
                                int row = plane + (y0 + u) * ow + x0, dst = slot + u * fw * L + j;
                                for (int v = 0; v < uw; v++) {
                                    ds[dst + v * L] = dy[row + v];
                                }
                            }
                        }
                    }
                    for (int c = 0; c < cpg; c += 2) {
                        LaneFft.transform2d(xs, c * grid, cpg * grid, fh, fw, fh, false);
                        if (c + 1 < cpg) {
                            separate(xs, c * grid, (cpg + c) * grid, (c + 1) * grid, (cpg + c + 1) * grid, fh, fw);
                        }
                    }
                    for (int ki = 0; ki < kc; ki += 2) {
                        LaneFft.transform2d(ds, ki * grid, kc * grid, fh, fw, bh, false);
                        if (ki + 1 < kc) {
                            separate(ds, ki * grid, (kc + ki) * grid, (ki + 1) * grid, (kc + ki + 1) * grid, fh, fw);
                        }
                    }
                    transpose(xs, cpg, grid, lanes, f, tr, 0, tIm);
                    transpose(ds, kc, grid, lanes, f, tr, cpg * L * f, tIm);
                    for (int ki = 0; ki < kc; ki++) {
                        for (int c = 0; c < cpg; c++) {
                            accumulate(tr, c * L * f, (cpg + ki) * L * f, tIm, lanes, f, acc, (ki * cpg + c) * f, accIm);
                        }
                    }
                }
                // Back to space, 2L weight planes per inverse transform (two per lane, as real and
                // imaginary part); sample at the dilated taps.
                int total = kc * cpg;
                for (int pb = 0; pb < total; pb += 2 * L) {
                    for (int bin = 0; bin < f; bin++) {
                        for (int j = 0; j < L; j++) {
                            int a = pb + 2 * j, b = a + 1;
                            float are = a < total ? acc[a * f + bin] : 0f, aim = a < total ? acc[accIm + a * f + bin] : 0f;
                            float bre = b < total ? acc[b * f + bin] : 0f, bim = b < total ? acc[accIm + b * f + bin] : 0f;
                            tr[bin * L + j] = are - bim;
                            tr[grid + bin * L + j] = aim + bre;
                        }
                    }
                    LaneFft.transform2d(tr, 0, grid, fh, fw, fh, true);
                    for (int j = 0; j < L; j++) {
                        for (int half = 0; half < 2; half++) {
                            int plane = pb + 2 * j + half;
                            if (plane >= total) break;
                            int ki = plane / cpg, c = plane % cpg, k = group * kpg + k0 + ki;
                            for (int r = 0; r < g.r(); r++) {
                                for (int s = 0; s < g.s(); s++) {
                                    dw[((k * cpg + c) * g.r() + r) * g.s() + s] =
                                            tr[half * grid + ((r * g.dilationH()) * fw + s * g.dilationW()) * L + j] * scale;
                                }
                            }
                        }
                    }
                }
            });
        }
        lowered.biasGradient(g, dy, dbias);
    }

    /** Grids {@code [plane][bin][lane]} (real, then imaginary {@code planes·grid} further) to {@code [plane][lane][bin]} at {@code dst}. */
    private static void transpose(float[] src, int planes, int grid, int lanes, int f, float[] dst, int dst0, int dstIm) {
        for (int pl = 0; pl < planes; pl++) {
            for (int j = 0; j < lanes; j++) {
                int d = dst0 + (pl * L + j) * f, s = pl * grid + j;
                for (int bin = 0; bin < f; bin++) {
                    dst[d + bin] = src[s + bin * L];
                    dst[dstIm + d + bin] = src[planes * grid + s + bin * L];
                }
            }
        }
    }

    /** {@code acc[bin] += Σ_lane X[lane][bin]·conj(D[lane][bin])}, lanes in order, frequencies along the vectors. */
    private static void accumulate(float[] t, int xAt, int dAt, int tIm, int lanes, int f, float[] acc, int at, int accIm) {
        int bin = 0;
        for (int bound = SPECIES.loopBound(f); bin < bound; bin += L) {
            FloatVector sr = FloatVector.fromArray(SPECIES, acc, at + bin);
            FloatVector si = FloatVector.fromArray(SPECIES, acc, accIm + at + bin);
            for (int j = 0; j < lanes; j++) {
                int xo = xAt + j * f + bin, d0 = dAt + j * f + bin;
                FloatVector xr = FloatVector.fromArray(SPECIES, t, xo);
                FloatVector xi = FloatVector.fromArray(SPECIES, t, tIm + xo);
                FloatVector dr = FloatVector.fromArray(SPECIES, t, d0);
                FloatVector di = FloatVector.fromArray(SPECIES, t, tIm + d0);
                sr = xi.fma(di, xr.fma(dr, sr));
                si = xr.neg().fma(di, xi.fma(dr, si));
            }
            sr.intoArray(acc, at + bin);
            si.intoArray(acc, accIm + at + bin);
        }
        for (; bin < f; bin++) {
            float sr = acc[at + bin], si = acc[accIm + at + bin];
            for (int j = 0; j < lanes; j++) {
                int xo = xAt + j * f + bin, d0 = dAt + j * f + bin;
                float xr = t[xo], xi = t[tIm + xo], dr = t[d0], di = t[tIm + d0];
                sr = Math.fma(xi, di, Math.fma(xr, dr, sr));
                si = Math.fma(-xr, di, Math.fma(xi, dr, si));
            }
            acc[at + bin] = sr;
            acc[accIm + at + bin] = si;
        }
    }
}
