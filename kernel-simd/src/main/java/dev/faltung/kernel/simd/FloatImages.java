package dev.faltung.kernel.simd;

import dev.faltung.kernel.conv.ConvGeometry;
import dev.faltung.kernel.pool.PoolGeometry;
import java.util.Arrays;

/**
 * float32 im2col/col2im and pooling over NCHW arrays. The work is memory movement, not
 * arithmetic: with stride 1, each row of a patch matrix is a contiguous slice of an image row
 * (one {@code arraycopy} plus zero padding), and C2 vectorises the remaining simple loops by
 * itself. Pooling sums in double, as the reference does.
 */
final class FloatImages {

    private FloatImages() {
    }

    static void im2col(ConvGeometry g, float[] x, int image, float[] cols) {
        int oh = g.outH(), ow = g.outW(), hw = oh * ow, h = g.h(), w = g.w();
        int base = image * g.c() * h * w;
        for (int ch = 0; ch < g.c(); ch++) {
            for (int kr = 0; kr < g.r(); kr++) {
                for (int ks = 0; ks < g.s(); ks++) {
                    int row = ((ch * g.r() + kr) * g.s() + ks) * hw;
                    int dx = ks * g.dilationW() - g.padLeft();
                    // Output columns whose tap ix = ox·strideW + dx lies inside the image.
                    int lo = dx >= 0 ? 0 : (-dx + g.strideW() - 1) / g.strideW();
                    int hi = w - 1 - dx < 0 ? 0 : Math.min(ow, (w - 1 - dx) / g.strideW() + 1);
                    lo = Math.min(lo, hi);
                    for (int oy = 0; oy < oh; oy++) {
                        int iy = oy * g.strideH() - g.padTop() + kr * g.dilationH();
                        int dst = row + oy * ow;
                        if (iy < 0 || iy >= h) {
                            Arrays.fill(cols, dst, dst + ow, 0f);
                            continue;
                        }
                        int src = base + (ch * h + iy) * w + dx;
                        Arrays.fill(cols, dst, dst + lo, 0f);
                        if (g.strideW() == 1) {
                            System.arraycopy(x, src + lo, cols, dst + lo, hi - lo);
                        } else {
                            for (int ox = lo; ox < hi; ox++) {
                                cols[dst + ox] = x[src + ox * g.strideW()];
                            }
                        }
                        Arrays.fill(cols, dst + hi, dst + ow, 0f);
                    }
                }
            }
        }
    }

    static void col2im(ConvGeometry g, float[] cols, float[] dxBuf, int image) {
        int oh = g.outH(), ow = g.outW(), hw = oh * ow, h = g.h(), w = g.w();
        int base = image * g.c() * h * w;
        for (int ch = 0; ch < g.c(); ch++) {
            for (int kr = 0; kr < g.r(); kr++) {
                for (int ks = 0; ks < g.s(); ks++) {
                    int row = ((ch * g.r() + kr) * g.s() + ks) * hw;
                    int dx = ks * g.dilationW() - g.padLeft();
                    int lo = dx >= 0 ? 0 : (-dx + g.strideW() - 1) / g.strideW();
                    int hi = w - 1 - dx < 0 ? 0 : Math.min(ow, (w - 1 - dx) / g.strideW() + 1);
                    for (int oy = 0; oy < oh; oy++) {
                        int iy = oy * g.strideH() - g.padTop() + kr * g.dilationH();
                        if (iy < 0 || iy >= h) {
                            continue;
                        }
                        int src = row + oy * ow;
                        int dst = base + (ch * h + iy) * w + dx;
                        int sw = g.strideW();
                        for (int ox = lo; ox < hi; ox++) {
                            dxBuf[dst + ox * sw] += cols[src + ox];
                        }
                    }
                }
            }
        }
    }

    static void maxPoolForward(PoolGeometry g, float[] x, float[] y, int[] argmax) {
        int oh = g.outH(), ow = g.outW(), h = g.h(), w = g.w();
        int o = 0;
        for (int plane = 0; plane < g.n() * g.c(); plane++) {
            int base = plane * h * w;
            for (int oy = 0; oy < oh; oy++) {
                int y0 = oy * g.strideH() - g.padH();
                int ya = Math.max(y0, 0), yb = Math.min(y0 + g.kernelH(), h);
                for (int ox = 0; ox < ow; ox++, o++) {
                    int x0 = ox * g.strideW() - g.padW();
                    int xa = Math.max(x0, 0), xb = Math.min(x0 + g.kernelW(), w);
                    float best = Float.NEGATIVE_INFINITY;
                    int at = base + ya * w + xa;
                    for (int iy = ya; iy < yb; iy++) {
                        for (int ix = xa; ix < xb; ix++) {
                            float v = x[base + iy * w + ix];
                            // First maximum wins; a NaN beats every number, as in PyTorch.
                            if (v > best || (v != v && best == best)) {
                                best = v;
                                at = base + iy * w + ix;
                            }
                        }
                    }
                    y[o] = best;
                    if (argmax != null) {
                        argmax[o] = at;
                    }
                }
            }
        }
    }

    /** Overlapping windows add up in double per plane, rounded once, as in the reference. */
    static void maxPoolBackward(PoolGeometry g, float[] dy, int[] argmax, float[] dx) {
        int plane = g.h() * g.w(), outPlane = g.outH() * g.outW();
        double[] acc = new double[plane];
        for (int p = 0; p < g.n() * g.c(); p++) {
            int xBase = p * plane, yBase = p * outPlane;
            Arrays.fill(acc, 0.0);
            for (int j = 0; j < outPlane; j++) {
                acc[argmax[yBase + j] - xBase] += dy[yBase + j];
            }
            for (int i = 0; i < plane; i++) {
                dx[xBase + i] = (float) acc[i];
            }
        }
    }

    /** PyTorch's divisor: the window clipped to the padded input, or to the input alone. */
    private static int divisor(PoolGeometry g, int y0, int x0) {
        if (g.countIncludePad()) {
            int ye = Math.min(y0 + g.kernelH(), g.h() + g.padH());
            int xe = Math.min(x0 + g.kernelW(), g.w() + g.padW());
            return (ye - y0) * (xe - x0);
        }
        int ya = Math.max(y0, 0), yb = Math.min(y0 + g.kernelH(), g.h());
        int xa = Math.max(x0, 0), xb = Math.min(x0 + g.kernelW(), g.w());
        return (yb - ya) * (xb - xa);
    }

    static void avgPoolForward(PoolGeometry g, float[] x, float[] y) {
        int oh = g.outH(), ow = g.outW(), h = g.h(), w = g.w();
        int o = 0;
        for (int plane = 0; plane < g.n() * g.c(); plane++) {
            int base = plane * h * w;
            for (int oy = 0; oy < oh; oy++) {
                int y0 = oy * g.strideH() - g.padH();
                int ya = Math.max(y0, 0), yb = Math.min(y0 + g.kernelH(), h);
                for (int ox = 0; ox < ow; ox++, o++) {
                    int x0 = ox * g.strideW() - g.padW();
                    int xa = Math.max(x0, 0), xb = Math.min(x0 + g.kernelW(), w);
                    double s = 0;
                    for (int iy = ya; iy < yb; iy++) {
                        for (int ix = xa; ix < xb; ix++) {
                            s += x[base + iy * w + ix];
                        }
                    }
                    y[o] = (float) (s / divisor(g, y0, x0));
                }
            }
        }
    }

    static void avgPoolBackward(PoolGeometry g, float[] dy, float[] dx) {
        int oh = g.outH(), ow = g.outW(), h = g.h(), w = g.w();
        double[] acc = new double[h * w];
        int o = 0;
        for (int plane = 0; plane < g.n() * g.c(); plane++) {
            int base = plane * h * w;
            Arrays.fill(acc, 0.0);
            for (int oy = 0; oy < oh; oy++) {
                int y0 = oy * g.strideH() - g.padH();
                int ya = Math.max(y0, 0), yb = Math.min(y0 + g.kernelH(), h);
                for (int ox = 0; ox < ow; ox++, o++) {
                    int x0 = ox * g.strideW() - g.padW();
                    int xa = Math.max(x0, 0), xb = Math.min(x0 + g.kernelW(), w);
                    double share = (double) dy[o] / divisor(g, y0, x0);
                    for (int iy = ya; iy < yb; iy++) {
                        for (int ix = xa; ix < xb; ix++) {
                            acc[iy * w + ix] += share;
                        }
                    }
                }
            }
            for (int i = 0; i < h * w; i++) {
                dx[base + i] = (float) acc[i];
            }
        }
    }
}
