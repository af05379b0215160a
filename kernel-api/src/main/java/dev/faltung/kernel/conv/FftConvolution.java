package dev.faltung.kernel.conv;

import dev.faltung.kernel.Buffer;
import dev.faltung.kernel.Kernels;

/**
 * Convolution in the frequency domain, in double, with overlap-save tiling: the stride-1
 * output is cut into tiles of {@code th×tw}; each tile's input window
 * {@code (th+kh-1)×(tw+kw-1)} and each (dilated) kernel are zero-padded to a power-of-two grid
 * {@code fh×fw}, transformed with {@link Fft}, multiplied pointwise ({@code X·conj(K)} is a
 * correlation) and summed over input channels in the frequency domain, then transformed back
 * once per output channel. The window never wraps around the grid, so no circular aliasing
 * reaches the kept outputs. Real data is packed two planes per complex transform (one as the
 * real, one as the imaginary part) and separated with the conjugate symmetry of real spectra;
 * the inverse likewise returns two output channels per transform.
 *
 * <ul>
 *   <li>Stride: the stride-1 result is computed and subsampled (wasteful for large strides,
 *       which the planner therefore does not give to FFT by heuristic).</li>
 *   <li>Dilation: the kernel is dilated (zeros inserted) before its transform.</li>
 *   <li>Backward data: a stride-1 correlation of {@code dy}, upsampled by the stride (zeros
 *       between its elements), with the flipped dilated kernel and the channel axes swapped.</li>
 *   <li>Backward filter: {@code dw[k,c] = Σ_n x[n,c] ⋆ dy↑[n,k]}, a correlation whose "kernel" is
 *       the upsampled {@code dy}; it is tiled over {@code dy} instead (overlap-add of the blocks'
 *       contributions, accumulated in the frequency domain), and sampled at the dilation.</li>
 * </ul>
 *
 * <p>Float32 error: everything runs in double and a float32 result is rounded once, so
 * {@code |ŷ - y| ≤ u·|y| + ε_fft} with {@code u = 2⁻²⁴}. The FFT's own error is normwise, not
 * elementwise: {@code ε_fft ≈ c·log₂(fh·fw)·2⁻⁵³·Σ_c ‖x_tile‖₂‖w‖₂}, i.e. about {@code 1e-14} of
 * the output scale, far below {@code u}. (Computed in float instead, that normwise term would be
 * {@code ≈ log₂(fh·fw)·u} of the tile's norm, and outputs small next to their neighbours would
 * lose all their digits: the reason this implementation keeps double.) In float64 the bound is
 * {@code ε_fft} alone, a few hundred times {@code 2⁻⁵³} of the scale for the grids used here.
 */
public final class FftConvolution implements ConvImplementation {

    public static final FftConvolution INSTANCE = new FftConvolution();

    /** Complex values the backward-filter accumulators may hold at once; more are split over output channels. */
    private static final long ACCUMULATOR_BUDGET = 1L << 22;

    private FftConvolution() {
    }

    @Override
    public ConvAlgorithm algorithm() {
        return ConvAlgorithm.FFT;
    }

    /**
     * Grid side for a correlation whose fixed extent is {@code fixed} (kernel, or output in
     * backward filter) and whose tiled extent is {@code tiled}: tiles of about
     * {@code max(fixed, 8)} keep the window's overhead bounded without huge grids.
     */
    static int fftSize(int fixed, int tiled) {
        return Planes.nextPowerOfTwo(fixed + Math.min(tiled, Math.max(fixed, 8)) - 1);
    }

    @Override
    public void forward(Kernels kernels, ConvGeometry g, Buffer xb, Buffer wb, Buffer bias, Buffer yb) {
        double[] x = Planes.read(xb), w = Planes.read(wb);
        double[] y = Planes.target(yb);
        int cpg = g.cPerGroup(), kpg = g.kPerGroup(), oh = g.outH(), ow = g.outW();
        int kh = g.dilationH() * (g.r() - 1) + 1, kw = g.dilationW() * (g.s() - 1) + 1;
        int h1 = (oh - 1) * g.strideH() + 1, w1 = (ow - 1) * g.strideW() + 1;
        double[] full = new double[kpg * h1 * w1];
        for (int grp = 0; grp < g.groups(); grp++) {
            double[] ker = new double[kpg * cpg * kh * kw];
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
            for (int n = 0; n < g.n(); n++) {
                correlateTiled(x, (n * g.c() + grp * cpg) * g.h() * g.w(), cpg, g.h(), g.w(),
                        g.padTop(), g.padLeft(), ker, kpg, kh, kw, full, 0, h1, w1);
                for (int p = 0; p < kpg; p++) {
                    int k = grp * kpg + p;
                    double b = bias == null ? 0.0 : bias.get(k);
                    int yOff = (n * g.k() + k) * oh * ow;
                    for (int oy = 0; oy < oh; oy++) {
                        int src = (p * h1 + oy * g.strideH()) * w1;
                        for (int ox = 0; ox < ow; ox++) {
                            y[yOff + oy * ow + ox] = full[src + ox * g.strideW()] + b;
                        }
                    }
                }
            }
        }
        Planes.commit(y, yb);
    }

    @Override
    public void backwardData(Kernels kernels, ConvGeometry g, Buffer dyb, Buffer wb, Buffer dxb) {
        double[] dy = Planes.read(dyb), w = Planes.read(wb);
        double[] dx = Planes.target(dxb);
        int cpg = g.cPerGroup(), kpg = g.kPerGroup();
        int kh = g.dilationH() * (g.r() - 1) + 1, kw = g.dilationW() * (g.s() - 1) + 1;
        int hd = (g.outH() - 1) * g.strideH() + 1, wd = (g.outW() - 1) * g.strideW() + 1;
        for (int grp = 0; grp < g.groups(); grp++) {
            // ker[c][k] = w[k][c] dilated and flipped in both axes.
            double[] ker = new double[cpg * kpg * kh * kw];
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
            for (int n = 0; n < g.n(); n++) {
                double[] up = upsample(g, dy, n, grp * kpg, kpg);
                correlateTiled(up, 0, kpg, hd, wd, kh - 1 - g.padTop(), kw - 1 - g.padLeft(), ker, cpg, kh, kw,
                        dx, (n * g.c() + grp * cpg) * g.h() * g.w(), g.h(), g.w());
            }
        }
        Planes.commit(dx, dxb);
    }

    @Override
    public void backwardFilter(Kernels kernels, ConvGeometry g, Buffer xb, Buffer dyb, Buffer dwb, Buffer dbias) {
        double[] x = Planes.read(xb), dy = Planes.read(dyb);
        double[] dw = Planes.target(dwb);
        int cpg = g.cPerGroup(), kpg = g.kPerGroup();
        int kh = g.dilationH() * (g.r() - 1) + 1, kw = g.dilationW() * (g.s() - 1) + 1;
        int hd = (g.outH() - 1) * g.strideH() + 1, wd = (g.outW() - 1) * g.strideW() + 1;
        int fh = fftSize(kh, hd), fw = fftSize(kw, wd), f = fh * fw;
        int bh = fh - kh + 1, bw = fw - kw + 1;
        int blocksY = (hd + bh - 1) / bh, blocksX = (wd + bw - 1) / bw;
        int chunk = (int) Math.max(1, Math.min(kpg, ACCUMULATOR_BUDGET / ((long) cpg * f)));
        int[] xPlanes = new int[cpg];
        double[][] xr = new double[cpg][], xi = new double[cpg][];
        double[] zr = new double[f], zi = new double[f];
        for (int grp = 0; grp < g.groups(); grp++) {
            for (int k0 = 0; k0 < kpg; k0 += chunk) {
                int kc = Math.min(chunk, kpg - k0);
                double[][] accR = new double[kc * cpg][f], accI = new double[kc * cpg][f];
                int[] dPlanes = new int[kc];
                double[][] dr = new double[kc][], di = new double[kc][];
                for (int n = 0; n < g.n(); n++) {
                    double[] up = upsample(g, dy, n, grp * kpg + k0, kc);
                    for (int i = 0; i < kc; i++) dPlanes[i] = i * hd * wd;
                    for (int c = 0; c < cpg; c++) xPlanes[c] = (n * g.c() + grp * cpg + c) * g.h() * g.w();
                    for (int by = 0; by < blocksY; by++) {
                        for (int bx = 0; bx < blocksX; bx++) {
                            spectra(up, dPlanes, hd, wd, by * bh, bx * bw, bh, bw, fh, fw, dr, di, 0);
                            spectra(x, xPlanes, g.h(), g.w(), by * bh - g.padTop(), bx * bw - g.padLeft(),
                                    fh, fw, fh, fw, xr, xi, 0);
                            for (int k = 0; k < kc; k++) {
                                for (int c = 0; c < cpg; c++) {
                                    multiplyConjugateAdd(xr[c], xi[c], dr[k], di[k], accR[k * cpg + c], accI[k * cpg + c]);
                                }
                            }
                        }
                    }
                }
                for (int k = 0; k < kc; k++) {
                    for (int c = 0; c < cpg; c += 2) {
                        boolean pair = c + 1 < cpg;
                        combine(accR[k * cpg + c], accI[k * cpg + c],
                                pair ? accR[k * cpg + c + 1] : null, pair ? accI[k * cpg + c + 1] : null, zr, zi);
                        Fft.transform2d(zr, zi, fh, fw, true);
                        for (int r = 0; r < g.r(); r++) {
                            for (int s = 0; s < g.s(); s++) {
                                int at = (r * g.dilationH()) * fw + s * g.dilationW();
                                int kk = grp * kpg + k0 + k;
                                dw[((kk * cpg + c) * g.r() + r) * g.s() + s] = zr[at] / f;
                                if (pair) dw[((kk * cpg + c + 1) * g.r() + r) * g.s() + s] = zi[at] / f;
                            }
                        }
                    }
                }
            }
        }
        Planes.commit(dw, dwb);
        ConvImplementation.biasGradient(g, dy, dbias);
    }

    /** Channels {@code k0 .. k0+count} of image {@code n} of {@code dy}, with {@code stride-1} zeros between elements. */
    private static double[] upsample(ConvGeometry g, double[] dy, int n, int k0, int count) {
        int oh = g.outH(), ow = g.outW();
        int hd = (oh - 1) * g.strideH() + 1, wd = (ow - 1) * g.strideW() + 1;
        double[] up = new double[count * hd * wd];
        for (int i = 0; i < count; i++) {
            int src = (n * g.k() + k0 + i) * oh * ow;
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    up[(i * hd + oy * g.strideH()) * wd + ox * g.strideW()] = dy[src + oy * ow + ox];
                }
            }
        }
        return up;
    }

    /**
     * {@code out[p][oy][ox] = Σ_q Σ_{a<kh,b<kw} in[q][oy - offY + a][ox - offX + b]·ker[p][q][a][b]}
     * (assigned) for {@code oy < outH, ox < outW}; indices outside the {@code inH×inW} planes read 0.
     */
    private static void correlateTiled(double[] in, int inOff, int q, int inH, int inW, int offY, int offX,
                                       double[] ker, int p, int kh, int kw,
                                       double[] out, int outOff, int outH, int outW) {
        int fh = fftSize(kh, outH), fw = fftSize(kw, outW), f = fh * fw;
        int th = fh - kh + 1, tw = fw - kw + 1;
        int tilesY = (outH + th - 1) / th, tilesX = (outW + tw - 1) / tw, tiles = tilesY * tilesX;
        int[] inPlanes = new int[q];
        for (int i = 0; i < q; i++) inPlanes[i] = inOff + i * inH * inW;
        // Input spectra of every tile, kept so each kernel spectrum is computed once per call.
        double[][] xr = new double[tiles * q][], xi = new double[tiles * q][];
        for (int ty = 0; ty < tilesY; ty++) {
            for (int tx = 0; tx < tilesX; tx++) {
                spectra(in, inPlanes, inH, inW, ty * th - offY, tx * tw - offX, fh, fw, fh, fw, xr, xi,
                        (ty * tilesX + tx) * q);
            }
        }
        double[][] kr = new double[2 * q][], ki = new double[2 * q][];
        int[] kPlanes = new int[2 * q];
        double[] ar = new double[f], ai = new double[f], br = new double[f], bi = new double[f];
        double[] zr = new double[f], zi = new double[f];
        for (int p0 = 0; p0 < p; p0 += 2) {
            boolean pair = p0 + 1 < p;
            int width = pair ? 2 : 1;
            for (int c = 0; c < q; c++) {
                for (int j = 0; j < width; j++) kPlanes[c * width + j] = ((p0 + j) * q + c) * kh * kw;
            }
            int[] planes = java.util.Arrays.copyOf(kPlanes, q * width);
            spectra(ker, planes, kh, kw, 0, 0, kh, kw, fh, fw, kr, ki, 0);
            for (int ty = 0; ty < tilesY; ty++) {
                for (int tx = 0; tx < tilesX; tx++) {
                    int tile = ty * tilesX + tx;
                    java.util.Arrays.fill(ar, 0.0);
                    java.util.Arrays.fill(ai, 0.0);
                    java.util.Arrays.fill(br, 0.0);
                    java.util.Arrays.fill(bi, 0.0);
                    for (int c = 0; c < q; c++) {
                        multiplyConjugateAdd(xr[tile * q + c], xi[tile * q + c], kr[c * width], ki[c * width], ar, ai);
                        if (pair) {
                            multiplyConjugateAdd(xr[tile * q + c], xi[tile * q + c], kr[c * 2 + 1], ki[c * 2 + 1], br, bi);
                        }
                    }
                    combine(ar, ai, pair ? br : null, pair ? bi : null, zr, zi);
                    Fft.transform2d(zr, zi, fh, fw, true);
                    for (int yy = 0; yy < th; yy++) {
                        int oy = ty * th + yy;
                        if (oy >= outH) break;
                        for (int xx = 0; xx < tw; xx++) {
                            int ox = tx * tw + xx;
                            if (ox >= outW) break;
                            out[outOff + (p0 * outH + oy) * outW + ox] = zr[yy * fw + xx] / f;
                            if (pair) out[outOff + ((p0 + 1) * outH + oy) * outW + ox] = zi[yy * fw + xx] / f;
                        }
                    }
                }
            }
        }
    }

    /** {@code acc += x · conj(k)} element-wise. */
    private static void multiplyConjugateAdd(double[] xr, double[] xi, double[] kr, double[] ki,
                                             double[] accR, double[] accI) {
        for (int i = 0; i < accR.length; i++) {
            accR[i] += xr[i] * kr[i] + xi[i] * ki[i];
            accI[i] += xi[i] * kr[i] - xr[i] * ki[i];
        }
    }

    /** {@code z = a + i·b} (b may be null), so one inverse transform yields {@code a} as real and {@code b} as imaginary part. */
    private static void combine(double[] ar, double[] ai, double[] br, double[] bi, double[] zr, double[] zi) {
        for (int i = 0; i < zr.length; i++) {
            zr[i] = br == null ? ar[i] : ar[i] - bi[i];
            zi[i] = br == null ? ai[i] : ai[i] + br[i];
        }
    }

    /**
     * Spectra of real planes: plane {@code i} (an {@code h×w} plane at {@code planes[i]} of
     * {@code src}) contributes its window at {@code (y0, x0)} of size {@code regionH×regionW}
     * (zero outside the plane) to the top-left of an {@code fh×fw} grid; the spectrum goes to
     * {@code re/im[base + i]}. Planes are transformed in pairs, packed as real and imaginary
     * parts, and separated by {@code A[f] = (Z[f] + conj Z[-f])/2}, {@code B[f] = (Z[f] - conj Z[-f])/2i}.
     */
    private static void spectra(double[] src, int[] planes, int h, int w, int y0, int x0,
                                int regionH, int regionW, int fh, int fw, double[][] re, double[][] im, int base) {
        int f = fh * fw;
        for (int i = 0; i < planes.length; i += 2) {
            double[] zr = new double[f], zi = new double[f];
            window(src, planes[i], h, w, y0, x0, regionH, regionW, fw, zr);
            boolean pair = i + 1 < planes.length;
            if (pair) window(src, planes[i + 1], h, w, y0, x0, regionH, regionW, fw, zi);
            Fft.transform2d(zr, zi, fh, fw, false);
            if (!pair) {
                re[base + i] = zr;
                im[base + i] = zi;
                continue;
            }
            double[] ar = new double[f], ai = new double[f], br = new double[f], bi = new double[f];
            for (int fy = 0; fy < fh; fy++) {
                int my = (fh - fy) % fh;
                for (int fx = 0; fx < fw; fx++) {
                    int at = fy * fw + fx, mirror = my * fw + (fw - fx) % fw;
                    double zre = zr[at], zim = zi[at], mre = zr[mirror], mim = zi[mirror];
                    ar[at] = 0.5 * (zre + mre);
                    ai[at] = 0.5 * (zim - mim);
                    br[at] = 0.5 * (zim + mim);
                    bi[at] = 0.5 * (mre - zre);
                }
            }
            re[base + i] = ar;
            im[base + i] = ai;
            re[base + i + 1] = br;
            im[base + i + 1] = bi;
        }
    }

    private static void window(double[] src, int plane, int h, int w, int y0, int x0,
                               int regionH, int regionW, int fw, double[] z) {
        int xa = Math.max(0, -x0), xb = Math.min(regionW, w - x0);
        for (int yy = 0; yy < regionH; yy++) {
            int sy = y0 + yy;
            if (sy < 0 || sy >= h) continue;
            int row = plane + sy * w + x0;
            for (int xx = xa; xx < xb; xx++) {
                z[yy * fw + xx] = src[row + xx];
            }
        }
    }
}
