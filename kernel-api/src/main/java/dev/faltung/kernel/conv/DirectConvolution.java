package dev.faltung.kernel.conv;

import dev.faltung.kernel.Buffer;
import dev.faltung.kernel.Kernels;

/**
 * The convolution as its defining loop nest, in double: the oracle every other algorithm is
 * compared with. Loop order puts an output row innermost, so the inner loop walks {@code y}
 * (and, at stride 1, {@code x}) contiguously; border taps are excluded by computing the valid
 * column range once per tap instead of testing each element.
 *
 * <p>Float32 error: every sum runs in double and is rounded once when stored, so for float32
 * buffers {@code |ŷ - y| ≤ u·|y| + n·2⁻⁵³·Σ|w||x|} with {@code u = 2⁻²⁴} and {@code n = C/G·R·S}
 * the length of each dot product: in practice half an ulp of the result.
 */
public final class DirectConvolution implements ConvImplementation {

    public static final DirectConvolution INSTANCE = new DirectConvolution();

    private DirectConvolution() {
    }

    @Override
    public ConvAlgorithm algorithm() {
        return ConvAlgorithm.DIRECT;
    }

    /** {@code y[n,k,oy,ox] = bias[k] + Σ_{c,r,s} w[k,c,r,s]·x[n, g·C/G + c, oy·sh - pt + r·dh, ox·sw - pl + s·dw]}. */
    @Override
    public void forward(Kernels kernels, ConvGeometry g, Buffer xb, Buffer wb, Buffer bias, Buffer yb) {
        double[] x = Planes.read(xb), w = Planes.read(wb);
        double[] b = bias == null ? null : Planes.read(bias);
        double[] y = Planes.target(yb);
        int oh = g.outH(), ow = g.outW(), hw = oh * ow;
        int cpg = g.cPerGroup(), kpg = g.kPerGroup();
        for (int n = 0; n < g.n(); n++) {
            for (int k = 0; k < g.k(); k++) {
                int yOff = (n * g.k() + k) * hw;
                java.util.Arrays.fill(y, yOff, yOff + hw, b == null ? 0.0 : b[k]);
                int firstChannel = (k / kpg) * cpg;
                for (int c = 0; c < cpg; c++) {
                    int xPlane = (n * g.c() + firstChannel + c) * g.h() * g.w();
                    for (int r = 0; r < g.r(); r++) {
                        int oy0 = Planes.firstInside(g.padTop(), r * g.dilationH(), g.strideH());
                        int oy1 = Planes.endInside(g.h(), g.padTop(), r * g.dilationH(), g.strideH(), oh);
                        for (int s = 0; s < g.s(); s++) {
                            double wv = w[((k * cpg + c) * g.r() + r) * g.s() + s];
                            int ox0 = Planes.firstInside(g.padLeft(), s * g.dilationW(), g.strideW());
                            int ox1 = Planes.endInside(g.w(), g.padLeft(), s * g.dilationW(), g.strideW(), ow);
                            int ixShift = s * g.dilationW() - g.padLeft();
                            for (int oy = oy0; oy < oy1; oy++) {
                                int xRow = xPlane + (oy * g.strideH() - g.padTop() + r * g.dilationH()) * g.w() + ixShift;
                                int yRow = yOff + oy * ow;
                                for (int ox = ox0; ox < ox1; ox++) {
                                    y[yRow + ox] += wv * x[xRow + ox * g.strideW()];
                                }
                            }
                        }
                    }
                }
            }
        }
        Planes.commit(y, yb);
    }

    /** The adjoint of {@link #forward}: each {@code dy} element scatters {@code w·dy} to the inputs it read. */
    @Override
    public void backwardData(Kernels kernels, ConvGeometry g, Buffer dyb, Buffer wb, Buffer dxb) {
        double[] dy = Planes.read(dyb), w = Planes.read(wb);
        double[] dx = Planes.target(dxb);
        java.util.Arrays.fill(dx, 0, g.inputSize(), 0.0);
        int oh = g.outH(), ow = g.outW(), hw = oh * ow;
        int cpg = g.cPerGroup(), kpg = g.kPerGroup();
        for (int n = 0; n < g.n(); n++) {
            for (int k = 0; k < g.k(); k++) {
                int yOff = (n * g.k() + k) * hw;
                int firstChannel = (k / kpg) * cpg;
                for (int c = 0; c < cpg; c++) {
                    int xPlane = (n * g.c() + firstChannel + c) * g.h() * g.w();
                    for (int r = 0; r < g.r(); r++) {
                        int oy0 = Planes.firstInside(g.padTop(), r * g.dilationH(), g.strideH());
                        int oy1 = Planes.endInside(g.h(), g.padTop(), r * g.dilationH(), g.strideH(), oh);
                        for (int s = 0; s < g.s(); s++) {
                            double wv = w[((k * cpg + c) * g.r() + r) * g.s() + s];
                            int ox0 = Planes.firstInside(g.padLeft(), s * g.dilationW(), g.strideW());
                            int ox1 = Planes.endInside(g.w(), g.padLeft(), s * g.dilationW(), g.strideW(), ow);
                            int ixShift = s * g.dilationW() - g.padLeft();
                            for (int oy = oy0; oy < oy1; oy++) {
                                int xRow = xPlane + (oy * g.strideH() - g.padTop() + r * g.dilationH()) * g.w() + ixShift;
                                int yRow = yOff + oy * ow;
                                for (int ox = ox0; ox < ox1; ox++) {
                                    dx[xRow + ox * g.strideW()] += wv * dy[yRow + ox];
                                }
                            }
                        }
                    }
                }
            }
        }
        Planes.commit(dx, dxb);
    }

    /** {@code dw[k,c,r,s] = Σ_{n,oy,ox} dy[n,k,oy,ox]·x[n, g·C/G + c, oy·sh - pt + r·dh, ox·sw - pl + s·dw]}. */
    @Override
    public void backwardFilter(Kernels kernels, ConvGeometry g, Buffer xb, Buffer dyb, Buffer dwb, Buffer dbias) {
        double[] x = Planes.read(xb), dy = Planes.read(dyb);
        double[] dw = Planes.target(dwb);
        int oh = g.outH(), ow = g.outW(), hw = oh * ow;
        int cpg = g.cPerGroup(), kpg = g.kPerGroup();
        for (int k = 0; k < g.k(); k++) {
            int firstChannel = (k / kpg) * cpg;
            for (int c = 0; c < cpg; c++) {
                for (int r = 0; r < g.r(); r++) {
                    int oy0 = Planes.firstInside(g.padTop(), r * g.dilationH(), g.strideH());
                    int oy1 = Planes.endInside(g.h(), g.padTop(), r * g.dilationH(), g.strideH(), oh);
                    for (int s = 0; s < g.s(); s++) {
                        int ox0 = Planes.firstInside(g.padLeft(), s * g.dilationW(), g.strideW());
                        int ox1 = Planes.endInside(g.w(), g.padLeft(), s * g.dilationW(), g.strideW(), ow);
                        int ixShift = s * g.dilationW() - g.padLeft();
                        double sum = 0;
                        for (int n = 0; n < g.n(); n++) {
                            int yOff = (n * g.k() + k) * hw;
                            int xPlane = (n * g.c() + firstChannel + c) * g.h() * g.w();
                            for (int oy = oy0; oy < oy1; oy++) {
                                int xRow = xPlane + (oy * g.strideH() - g.padTop() + r * g.dilationH()) * g.w() + ixShift;
                                int yRow = yOff + oy * ow;
                                for (int ox = ox0; ox < ox1; ox++) {
                                    sum += dy[yRow + ox] * x[xRow + ox * g.strideW()];
                                }
                            }
                        }
                        dw[((k * cpg + c) * g.r() + r) * g.s() + s] = sum;
                    }
                }
            }
        }
        Planes.commit(dw, dwb);
        ConvImplementation.biasGradient(g, dy, dbias);
    }
}
