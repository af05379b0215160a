package dev.faltung.kernel.conv;

import dev.faltung.kernel.Buffer;
import dev.faltung.kernel.Kernels;

/**
 * Convolution lowered to matrix products on the backend: per image, {@link Kernels#im2col}
 * builds {@code cols = [C·R·S, outH·outW]}; per group {@code G}, rows
 * {@code G·(C/G)·R·S ..} of {@code cols} multiply the group's weights {@code [K/G, C/G·R·S]}.
 * Backward data is {@code cols = Wᵀ·dY} followed by {@link Kernels#col2im}; backward filter
 * accumulates {@code dW += dY·colsᵀ} over images.
 *
 * <p>Float32 error (scratch {@code cols} is kept in the buffers' dtype, as a float32 backend
 * would): forward is one GEMM with the bias folded in through {@code beta = 1}, so the bound is
 * the backend GEMM's — {@code u·|y|} on the reference backend, which sums in double, and
 * {@code γ_n·Σ|w||x|} ({@code n = C/G·R·S}, {@code γ_n ≈ n·2⁻²⁴}) on a backend summing in float.
 * Backward data adds one rounding of {@code cols} and up to {@code R·S} float additions in
 * col2im: {@code ≤ (R·S + 2)·u·Σ|w||dy|}. Backward filter rounds once per image:
 * {@code ≤ (N + 1)·u·Σ|dy||x|}.
 */
public final class Im2colConvolution implements ConvImplementation {

    public static final Im2colConvolution INSTANCE = new Im2colConvolution();

    private Im2colConvolution() {
    }

    @Override
    public ConvAlgorithm algorithm() {
        return ConvAlgorithm.IM2COL;
    }

    @Override
    public void forward(Kernels kernels, ConvGeometry g, Buffer x, Buffer w, Buffer bias, Buffer y) {
        int hw = g.outH() * g.outW();
        int kpg = g.kPerGroup(), depth = g.cPerGroup() * g.r() * g.s();
        Buffer cols = Buffer.allocate(x.dtype(), g.c() * g.r() * g.s() * hw);
        for (int n = 0; n < g.n(); n++) {
            kernels.im2col(g, x, n, cols);
            if (bias != null) {
                for (int k = 0; k < g.k(); k++) {
                    double b = bias.get(k);
                    int off = (n * g.k() + k) * hw;
                    for (int i = 0; i < hw; i++) {
                        y.set(off + i, b);
                    }
                }
            }
            for (int grp = 0; grp < g.groups(); grp++) {
                kernels.gemm(false, false, kpg, hw, depth, 1.0,
                        w, grp * kpg * depth, depth,
                        cols, grp * depth * hw, hw,
                        bias == null ? 0.0 : 1.0, y, (n * g.k() + grp * kpg) * hw, hw);
            }
        }
    }

    @Override
    public void backwardData(Kernels kernels, ConvGeometry g, Buffer dy, Buffer w, Buffer dx) {
        int hw = g.outH() * g.outW();
        int kpg = g.kPerGroup(), depth = g.cPerGroup() * g.r() * g.s();
        Buffer cols = Buffer.allocate(dy.dtype(), g.c() * g.r() * g.s() * hw);
        int image = g.c() * g.h() * g.w();
        for (int n = 0; n < g.n(); n++) {
            for (int grp = 0; grp < g.groups(); grp++) {
                // cols_g [depth, hw] = W_gᵀ [depth, K/G] · dY_g [K/G, hw]
                kernels.gemm(true, false, depth, hw, kpg, 1.0,
                        w, grp * kpg * depth, depth,
                        dy, (n * g.k() + grp * kpg) * hw, hw,
                        0.0, cols, grp * depth * hw, hw);
            }
            Planes.zero(dx, n * image, image);
            kernels.col2im(g, cols, dx, n);
        }
    }

    @Override
    public void backwardFilter(Kernels kernels, ConvGeometry g, Buffer x, Buffer dy, Buffer dw, Buffer dbias) {
        int hw = g.outH() * g.outW();
        int kpg = g.kPerGroup(), depth = g.cPerGroup() * g.r() * g.s();
        Buffer cols = Buffer.allocate(x.dtype(), g.c() * g.r() * g.s() * hw);
        for (int n = 0; n < g.n(); n++) {
            kernels.im2col(g, x, n, cols);
            for (int grp = 0; grp < g.groups(); grp++) {
                // dW_g [K/G, depth] (+)= dY_g [K/G, hw] · cols_gᵀ [hw, depth]
                kernels.gemm(false, true, kpg, depth, hw, 1.0,
                        dy, (n * g.k() + grp * kpg) * hw, hw,
                        cols, grp * depth * hw, hw,
                        n == 0 ? 0.0 : 1.0, dw, grp * kpg * depth, depth);
            }
        }
        ConvImplementation.biasGradient(g, Planes.read(dy), dbias);
    }
}
