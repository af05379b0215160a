package dev.faltung.kernel.conv;

import dev.faltung.kernel.Buffer;
import dev.faltung.kernel.DType;
import dev.faltung.kernel.Kernels;

import java.util.Optional;

/**
 * Winograd minimal filtering F(m×m, r×r) (Lavin &amp; Gray, "Fast Algorithms for Convolutional
 * Neural Networks", 2015): each {@code (m+r-1)×(m+r-1)} input tile {@code d} and each r×r filter
 * {@code g} are transformed, {@code V = Bᵀ d B}, {@code U = G g Gᵀ}; the channel reduction
 * {@code M = Σ_c U ⊙ V} becomes {@code (m+r-1)²} independent GEMMs (one per transform position,
 * {@code [K/G × C/G]·[C/G × tiles]}) on the backend's {@link Kernels#gemmBatched}; the output tile
 * is {@code Y = Aᵀ M A}. F(2×2,3×3) uses interpolation points {@code 0, ±1, ∞}; F(4×4,3×3) and
 * F(2×2,5×5) use {@code 0, ±1, ±2, ∞}, so they share {@code Bᵀ} (6×6) and differ in {@code G}
 * (6×r: row {@code ξ} is {@code f_ξ·(1, p_ξ, p_ξ², …)}) and {@code Aᵀ} (m×6). Applies only to 3×3
 * and 5×5 kernels at stride 1 and dilation 1; groups are supported (one set of GEMMs per group).
 *
 * <p>Backward data is this same algorithm applied to {@code dy} with the kernel flipped and its
 * channel axes swapped, {@code w'[c,k,i,j] = w[k,c,r-1-i,r-1-j]}, and padding {@code r - 1 - pad} (a
 * negative amount crops: the tile reader treats every index outside the image as 0). Backward
 * filter delegates to {@link Im2colConvolution}: it is a correlation of {@code x} with
 * {@code dy}, whose "kernel" {@code dy} is not r×r, so Winograd's F(m, r) does not apply.
 *
 * <p>Float32 error. Transformed tiles {@code U}, {@code V} and the GEMM result {@code M} are
 * stored in the buffers' dtype, as a float32 backend would store them; transforms themselves
 * run in double. Each of the three stores rounds by {@code u = 2⁻²⁴} relative to the stored
 * value, and {@code |U| ≤ |G||g||Gᵀ|}, {@code |V| ≤ |Bᵀ||d||B|}, so for the reference GEMM
 * (summing in double)
 * <pre>  |ŷ - y| ≤ 3u · (C/G) · max|x| · max|w| · a² + u·|y|,   a = max_i Σ_ξ |Aᵀ|_iξ · ‖G_ξ‖₁ · ‖Bᵀ_ξ‖₁</pre>
 * ({@link #amplification()} returns {@code a²}). For F(2×2,3×3) {@code a² = 64}; for F(4×4,3×3)
 * {@code a² = 2304}, against {@code 9} for the direct sum: the larger tile trades ~36× more
 * worst-case float32 error for 4× fewer multiplications per output than F(2×2) (2.25× vs 4×
 * fewer than direct). The loss comes from the large entries of the F(4×4) matrices (the points
 * ±2 give 4, 5 and 8) and the cancellation between them. F(2×2,5×5) has {@code a² ≈ 3325}
 * against {@code 25} for the direct sum, for 2.78× fewer multiplications than direct. A backend whose GEMM sums in float
 * adds {@code γ_{C/G}} to the {@code 3u}. In float64 the same formula holds with
 * {@code u = 2⁻⁵³}.
 */
public final class WinogradConvolution implements ConvImplementation {

    private static final double[][] BT_2 = {
            {1, 0, -1, 0},
            {0, 1, 1, 0},
            {0, -1, 1, 0},
            {0, 1, 0, -1}};
    private static final double[][] G_2 = {
            {1, 0, 0},
            {0.5, 0.5, 0.5},
            {0.5, -0.5, 0.5},
            {0, 0, 1}};
    private static final double[][] AT_2 = {
            {1, 1, 1, 0},
            {0, 1, -1, -1}};

    private static final double[][] BT_4 = {
            {4, 0, -5, 0, 1, 0},
            {0, -4, -4, 1, 1, 0},
            {0, 4, -4, -1, 1, 0},
            {0, -2, -1, 2, 1, 0},
            {0, 2, -1, -2, 1, 0},
            {0, 4, 0, -5, 0, 1}};
    private static final double[][] G_4 = {
            {1.0 / 4, 0, 0},
            {-1.0 / 6, -1.0 / 6, -1.0 / 6},
            {-1.0 / 6, 1.0 / 6, -1.0 / 6},
            {1.0 / 24, 1.0 / 12, 1.0 / 6},
            {1.0 / 24, -1.0 / 12, 1.0 / 6},
            {0, 0, 1}};
    private static final double[][] AT_4 = {
            {1, 1, 1, 1, 1, 0},
            {0, 1, -1, 2, -2, 0},
            {0, 1, 1, 4, 4, 0},
            {0, 1, -1, 8, -8, 1}};

    private static final double[][] G_2_5 = {
            {1.0 / 4, 0, 0, 0, 0},
            {-1.0 / 6, -1.0 / 6, -1.0 / 6, -1.0 / 6, -1.0 / 6},
            {-1.0 / 6, 1.0 / 6, -1.0 / 6, 1.0 / 6, -1.0 / 6},
            {1.0 / 24, 1.0 / 12, 1.0 / 6, 1.0 / 3, 2.0 / 3},
            {1.0 / 24, -1.0 / 12, 1.0 / 6, -1.0 / 3, 2.0 / 3},
            {0, 0, 0, 0, 1}};
    private static final double[][] AT_2_5 = {
            {1, 1, 1, 1, 1, 0},
            {0, 1, -1, 2, -2, 1}};

    /** F(2×2, 3×3): 4×4 tiles, 16 multiplications per 4 outputs. */
    public static final WinogradConvolution F2X2_3X3 = new WinogradConvolution(2, 3, BT_2, G_2, AT_2);
    /** F(4×4, 3×3): 6×6 tiles, 36 multiplications per 16 outputs. */
    public static final WinogradConvolution F4X4_3X3 = new WinogradConvolution(4, 3, BT_4, G_4, AT_4);
    /** F(2×2, 5×5): 6×6 tiles, 36 multiplications per 4 outputs (direct: 100). */
    public static final WinogradConvolution F2X2_5X5 = new WinogradConvolution(2, 5, BT_4, G_2_5, AT_2_5);

    private final int m;
    private final int r;
    private final int alpha;
    private final double[][] bt;
    private final double[][] gm;
    private final double[][] at;

    private WinogradConvolution(int m, int r, double[][] bt, double[][] gm, double[][] at) {
        this.m = m;
        this.r = r;
        this.alpha = m + r - 1;
        this.bt = bt;
        this.gm = gm;
        this.at = at;
    }

    /**
     * The variant {@link Convolutions} uses for {@code g}: F(2×2,5×5) for 5×5 kernels; for 3×3,
     * F(4×4,3×3) when both output sides are at least 8 (tiles are mostly full, so the 4× saving
     * is real), else F(2×2,3×3).
     */
    public static WinogradConvolution forGeometry(ConvGeometry g) {
        if (g.r() == 5) return F2X2_5X5;
        return g.outH() >= 8 && g.outW() >= 8 ? F4X4_3X3 : F2X2_3X3;
    }

    /** Kernel side {@code r}. */
    public int kernelSize() {
        return r;
    }

    /** Output tile side {@code m}. */
    public int outputTile() {
        return m;
    }

    /** The factor {@code a²} of the error bound in the class documentation. */
    public double amplification() {
        double a = 0;
        for (double[] row : at) {
            double sum = 0;
            for (int xi = 0; xi < alpha; xi++) {
                double g1 = 0, b1 = 0;
                for (double v : gm[xi]) g1 += Math.abs(v);
                for (double v : bt[xi]) b1 += Math.abs(v);
                sum += Math.abs(row[xi]) * g1 * b1;
            }
            a = Math.max(a, sum);
        }
        return a * a;
    }

    @Override
    public ConvAlgorithm algorithm() {
        return ConvAlgorithm.WINOGRAD;
    }

    /** Why Winograd F(m,r) cannot compute {@code g}, or empty. Backward filter always applies (by delegation). */
    @Override
    public Optional<String> whyNotApplicable(ConvGeometry g, ConvDirection direction) {
        return inapplicability(g);
    }

    static Optional<String> inapplicability(ConvGeometry g) {
        if (g.r() != g.s() || (g.r() != 3 && g.r() != 5)) {
            return Optional.of("winograd needs a 3x3 or 5x5 kernel, got " + g.r() + "x" + g.s());
        }
        if (g.strideH() != 1 || g.strideW() != 1) {
            return Optional.of("winograd needs stride 1, got " + g.strideH() + "x" + g.strideW());
        }
        if (g.dilationH() != 1 || g.dilationW() != 1) {
            return Optional.of("winograd needs dilation 1, got " + g.dilationH() + "x" + g.dilationW());
        }
        return Optional.empty();
    }

    private static void require(ConvGeometry g) {
        inapplicability(g).ifPresent(why -> {
            throw new UnsupportedOperationException(why);
        });
    }

    @Override
    public void forward(Kernels kernels, ConvGeometry g, Buffer xb, Buffer wb, Buffer bias, Buffer yb) {
        require(g);
        double[] x = Planes.read(xb), w = Planes.read(wb);
        double[] y = Planes.target(yb);
        int cpg = g.cPerGroup(), kpg = g.kPerGroup(), oh = g.outH(), ow = g.outW();
        for (int grp = 0; grp < g.groups(); grp++) {
            double[] ker = new double[kpg * cpg * r * r];
            System.arraycopy(w, grp * kpg * cpg * r * r, ker, 0, ker.length);
            Buffer u = transformFilters(ker, kpg, cpg, xb.dtype());
            for (int n = 0; n < g.n(); n++) {
                correlate(kernels, xb.dtype(), x, (n * g.c() + grp * cpg) * g.h() * g.w(), cpg, g.h(), g.w(),
                        g.padTop(), g.padLeft(), u, kpg, y, (n * g.k() + grp * kpg) * oh * ow, oh, ow);
            }
        }
        if (bias != null) {
            for (int n = 0; n < g.n(); n++) {
                for (int k = 0; k < g.k(); k++) {
                    double b = bias.get(k);
                    int off = (n * g.k() + k) * oh * ow;
                    for (int i = 0; i < oh * ow; i++) y[off + i] += b;
                }
            }
        }
        Planes.commit(y, yb);
    }

    @Override
    public void backwardData(Kernels kernels, ConvGeometry g, Buffer dyb, Buffer wb, Buffer dxb) {
        require(g);
        double[] dy = Planes.read(dyb), w = Planes.read(wb);
        double[] dx = Planes.target(dxb);
        int cpg = g.cPerGroup(), kpg = g.kPerGroup(), oh = g.outH(), ow = g.outW();
        for (int grp = 0; grp < g.groups(); grp++) {
            // w'[c][k][i][j] = w[k][c][r-1-i][r-1-j]: the transposed, flipped kernel of the adjoint.
            double[] ker = new double[cpg * kpg * r * r];
            for (int c = 0; c < cpg; c++) {
                for (int k = 0; k < kpg; k++) {
                    for (int i = 0; i < r; i++) {
                        for (int j = 0; j < r; j++) {
                            ker[((c * kpg + k) * r + i) * r + j] =
                                    w[(((grp * kpg + k) * cpg + c) * r + r - 1 - i) * r + r - 1 - j];
                        }
                    }
                }
            }
            Buffer u = transformFilters(ker, cpg, kpg, dyb.dtype());
            for (int n = 0; n < g.n(); n++) {
                correlate(kernels, dyb.dtype(), dy, (n * g.k() + grp * kpg) * oh * ow, kpg, oh, ow,
                        r - 1 - g.padTop(), r - 1 - g.padLeft(), u, cpg, dx, (n * g.c() + grp * cpg) * g.h() * g.w(),
                        g.h(), g.w());
            }
        }
        Planes.commit(dx, dxb);
    }

    /** Delegates to {@link Im2colConvolution} (see the class documentation for why). */
    @Override
    public void backwardFilter(Kernels kernels, ConvGeometry g, Buffer x, Buffer dy, Buffer dw, Buffer dbias) {
        require(g);
        Im2colConvolution.INSTANCE.backwardFilter(kernels, g, x, dy, dw, dbias);
    }

    /** {@code U[ξ,η][p][q] = (G·ker[p][q]·Gᵀ)[ξ,η]} for {@code ker [p][q][r][r]}. */
    private Buffer transformFilters(double[] ker, int p, int q, DType dtype) {
        int a2 = alpha * alpha;
        double[] u = new double[a2 * p * q];
        double[] tmp = new double[alpha * r];
        for (int i = 0; i < p; i++) {
            for (int j = 0; j < q; j++) {
                int kOff = (i * q + j) * r * r;
                for (int xi = 0; xi < alpha; xi++) {
                    for (int s = 0; s < r; s++) {
                        double v = 0;
                        for (int k = 0; k < r; k++) v += gm[xi][k] * ker[kOff + k * r + s];
                        tmp[xi * r + s] = v;
                    }
                }
                for (int xi = 0; xi < alpha; xi++) {
                    for (int eta = 0; eta < alpha; eta++) {
                        double v = 0;
                        for (int s = 0; s < r; s++) v += tmp[xi * r + s] * gm[eta][s];
                        u[(xi * alpha + eta) * p * q + i * q + j] = v;
                    }
                }
            }
        }
        return Planes.wrap(u, dtype);
    }

    /**
     * {@code out[p][oy][ox] = Σ_q Σ_{i,j<r} in[q][oy - offY + i][ox - offX + j]·ker[p][q][i][j]}
     * (assigned) for {@code oy < outH, ox < outW}; input indices outside {@code inH×inW} read 0.
     */
    private void correlate(Kernels kernels, DType dtype, double[] in, int inOff, int q, int inH, int inW,
                           int offY, int offX, Buffer u, int p, double[] out, int outOff, int outH, int outW) {
        int tilesY = (outH + m - 1) / m, tilesX = (outW + m - 1) / m, t = tilesY * tilesX;
        int a2 = alpha * alpha;
        double[] v = new double[a2 * q * t];
        double[] d = new double[alpha * alpha];
        double[] tmp = new double[alpha * alpha];
        for (int c = 0; c < q; c++) {
            int plane = inOff + c * inH * inW;
            for (int ty = 0; ty < tilesY; ty++) {
                for (int tx = 0; tx < tilesX; tx++) {
                    int y0 = ty * m - offY, x0 = tx * m - offX;
                    for (int i = 0; i < alpha; i++) {
                        int iy = y0 + i;
                        boolean rowInside = iy >= 0 && iy < inH;
                        for (int j = 0; j < alpha; j++) {
                            int ix = x0 + j;
                            d[i * alpha + j] = rowInside && ix >= 0 && ix < inW ? in[plane + iy * inW + ix] : 0.0;
                        }
                    }
                    // V = Bᵀ d B
                    for (int i = 0; i < alpha; i++) {
                        for (int j = 0; j < alpha; j++) {
                            double s = 0;
                            for (int k = 0; k < alpha; k++) s += bt[i][k] * d[k * alpha + j];
                            tmp[i * alpha + j] = s;
                        }
                    }
                    int tile = ty * tilesX + tx;
                    for (int i = 0; i < alpha; i++) {
                        for (int j = 0; j < alpha; j++) {
                            double s = 0;
                            for (int k = 0; k < alpha; k++) s += tmp[i * alpha + k] * bt[j][k];
                            v[((i * alpha + j) * q + c) * t + tile] = s;
                        }
                    }
                }
            }
        }
        Buffer vb = Planes.wrap(v, dtype);
        Buffer mb = Buffer.allocate(dtype, a2 * p * t);
        // One GEMM per transform position: M[ξη] (p×t) = U[ξη] (p×q) · V[ξη] (q×t).
        kernels.gemmBatched(a2, false, false, p, t, q, 1.0,
                u, 0, q, p * q, vb, 0, t, q * t, 0.0, mb, 0, t, p * t);
        double[] mv = Planes.read(mb);
        double[] tm = new double[m * alpha];
        for (int k = 0; k < p; k++) {
            int plane = outOff + k * outH * outW;
            for (int ty = 0; ty < tilesY; ty++) {
                for (int tx = 0; tx < tilesX; tx++) {
                    int tile = ty * tilesX + tx;
                    // Y = Aᵀ M A
                    for (int i = 0; i < m; i++) {
                        for (int eta = 0; eta < alpha; eta++) {
                            double s = 0;
                            for (int xi = 0; xi < alpha; xi++) {
                                s += at[i][xi] * mv[((xi * alpha + eta) * p + k) * t + tile];
                            }
                            tm[i * alpha + eta] = s;
                        }
                    }
                    for (int i = 0; i < m; i++) {
                        int oy = ty * m + i;
                        if (oy >= outH) break;
                        for (int j = 0; j < m; j++) {
                            int ox = tx * m + j;
                            if (ox >= outW) break;
                            double s = 0;
                            for (int eta = 0; eta < alpha; eta++) s += tm[i * alpha + eta] * at[j][eta];
                            out[plane + oy * outW + ox] = s;
                        }
                    }
                }
            }
        }
    }
}
