package dev.faltung.kernel.simd;

import dev.faltung.kernel.conv.ConvGeometry;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * float32 FFT convolution with overlap-save tiles, the tiles of {@code L} (image, tile) pairs
 * transformed together, one per vector lane ({@link LaneFft}). The grid per tile is the shared
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
        float[] spec = new float[2 * specIm];
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
                    for (int yy = ya; yy < yb; yy++) {
                        int row = plane + (y0 + yy) * c.inW() + x0, dst = qi * grid + yy * fw * L + j;
                        for (int xx = xa; xx < xb; xx++) {
                            xs[dst + xx * L] = in[row + xx];
                        }
                    }
                }
            }
            for (int qi = 0; qi < q; qi++) {
                LaneFft.transform2d(xs, qi * grid, q * grid, fh, fw, fh, false);
            }
            // Y_p = Σ_q X_q · conj(W_pq), per frequency; a block of frequencies at a time keeps
            // the input spectra it reads in L1 across all p.
            for (int b0 = 0; b0 < f; b0 += BIN_BLOCK) {
                int b1 = Math.min(f, b0 + BIN_BLOCK);
                for (int pi = 0; pi < p; pi++) {
                    for (int bin = b0; bin < b1; bin++) {
                        FloatVector accR = FloatVector.zero(SPECIES), accI = accR;
                        int wAt = (pi * f + bin) * q;
                        for (int qi = 0; qi < q; qi++) {
                            FloatVector xr = FloatVector.fromArray(SPECIES, xs, qi * grid + bin * L);
                            FloatVector xi = FloatVector.fromArray(SPECIES, xs, (q + qi) * grid + bin * L);
                            FloatVector wr = FloatVector.broadcast(SPECIES, spec[wAt + qi]);
                            FloatVector wi = FloatVector.broadcast(SPECIES, spec[specIm + wAt + qi]);
                            accR = xi.fma(wi, xr.fma(wr, accR));
                            accI = xr.neg().fma(wi, xi.fma(wr, accI));
                        }
                        accR.intoArray(ys, pi * grid + bin * L);
                        accI.intoArray(ys, (p + pi) * grid + bin * L);
                    }
                }
            }
            for (int pi = 0; pi < p; pi++) {
                LaneFft.transform2d(ys, pi * grid, p * grid, fh, fw, fh, true);
                float b = bias == null ? 0f : bias[outChannel + pi];
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
                            if (ox % sw == 0) out[dst + ox / sw] = ys[src + xx * L] * scale + b;
                        }
                    }
                }
            }
        });
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
            int tasks = Math.min(pool.threads(), kpg);
            pool.run(tasks, t -> {
                int k0 = kpg * t / tasks, kc = kpg * (t + 1) / tasks - k0;
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
                            for (int yy = ya; yy < yb; yy++) {
                                int row = plane + (y0 + yy - g.padTop()) * g.w() + x0 - g.padLeft();
                                int dst = c * grid + yy * fw * L + j;
                                for (int xx = xa; xx < xb; xx++) {
                                    xs[dst + xx * L] = x[row + xx];
                                }
                            }
                        }
                        int uh = Math.min(bh, oh - y0), uw = Math.min(bw, ow - x0);
                        for (int ki = 0; ki < kc; ki++) {
                            int plane = (n * g.k() + group * kpg + k0 + ki) * oh * ow;
                            for (int u = 0; u < uh; u++) {
                                int row = plane + (y0 + u) * ow + x0, dst = ki * grid + u * fw * L + j;
                                for (int v = 0; v < uw; v++) {
                                    ds[dst + v * L] = dy[row + v];
                                }
                            }
                        }
                    }
                    for (int c = 0; c < cpg; c++) {
                        LaneFft.transform2d(xs, c * grid, cpg * grid, fh, fw, fh, false);
                    }
                    for (int ki = 0; ki < kc; ki++) {
                        LaneFft.transform2d(ds, ki * grid, kc * grid, fh, fw, bh, false);
                    }
                    transpose(xs, cpg, grid, lanes, f, tr, 0, tIm);
                    transpose(ds, kc, grid, lanes, f, tr, cpg * L * f, tIm);
                    for (int ki = 0; ki < kc; ki++) {
                        for (int c = 0; c < cpg; c++) {
                            accumulate(tr, c * L * f, (cpg + ki) * L * f, tIm, lanes, f, acc, (ki * cpg + c) * f, accIm);
                        }
                    }
                }
                // Back to space, L weight planes per inverse transform; sample at the dilated taps.
                for (int pb = 0; pb < kc * cpg; pb += L) {
                    int lanes = Math.min(L, kc * cpg - pb);
                    for (int bin = 0; bin < f; bin++) {
                        for (int j = 0; j < L; j++) {
                            boolean live = j < lanes;
                            tr[bin * L + j] = live ? acc[(pb + j) * f + bin] : 0f;
                            tr[grid + bin * L + j] = live ? acc[accIm + (pb + j) * f + bin] : 0f;
                        }
                    }
                    LaneFft.transform2d(tr, 0, grid, fh, fw, fh, true);
                    for (int j = 0; j < lanes; j++) {
                        int ki = (pb + j) / cpg, c = (pb + j) % cpg, k = group * kpg + k0 + ki;
                        for (int r = 0; r < g.r(); r++) {
                            for (int s = 0; s < g.s(); s++) {
                                dw[((k * cpg + c) * g.r() + r) * g.s() + s] =
                                        tr[((r * g.dilationH()) * fw + s * g.dilationW()) * L + j] * scale;
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
