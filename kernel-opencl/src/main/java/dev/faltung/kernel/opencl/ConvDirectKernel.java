package dev.faltung.kernel.opencl;

import com.aparapi.Kernel;

/**
 * The direct convolution loop nest and its two adjoints, each as a gather with one item per
 * element it writes (so no atomics). Arrays are named for their role in the forward pass,
 * {@code y = x ⋆ w + bias}; the mode says which one is written:
 * <ul>
 *   <li>FORWARD, per {@code y[n,k,oy,ox]}: {@code Σ_{c,r,s} x[n, g·C/G + c, oy·sh - pt + r·dh, ox·sw - pl + s·dw]·w[k,c,r,s]}.</li>
 *   <li>DATA, per {@code x[n,c,iy,ix]}: {@code Σ_{k in group, r, s} y[n,k,oy,ox]·w[k,c',r,s]} over taps
 *       with {@code oy·sh = iy + pt - r·dh}, {@code ox·sw = ix + pl - s·dw}.</li>
 *   <li>FILTER, per {@code w[k,c,r,s]}: {@code Σ_{n,oy,ox} y[n,k,oy,ox]·x[n, g·C/G + c, iy, ix]}; then
 *       items {@code weightSize .. weightSize+K} write {@code bias[k] = Σ y[n,k,·,·]} when {@code hasBias}.</li>
 * </ul>
 */
final class ConvDirectKernel extends Kernel {

    static final int FORWARD = 0, DATA = 1, FILTER = 2;

    float[] x = new float[1];
    float[] w = new float[1];
    float[] bias = new float[1];
    float[] y = new float[1];
    int mode;
    int hasBias;
    int n;
    int c;
    int h;
    int wd;
    int k;
    int r;
    int s;
    int outH;
    int outW;
    int strideH;
    int strideW;
    int padTop;
    int padLeft;
    int dilationH;
    int dilationW;
    int groups;

    @Override
    public void run() {
        int id = getGlobalId();
        if (mode == FORWARD) {
            if (id < n * k * outH * outW) {
                forward(id);
            }
        } else if (mode == DATA) {
            if (id < n * c * h * wd) {
                data(id);
            }
        } else {
            int weightSize = k * (c / groups) * r * s;
            if (id < weightSize) {
                filter(id);
            } else if (hasBias == 1 && id < weightSize + k) {
                int kk = id - weightSize;
                float acc = 0f;
                for (int b = 0; b < n; b++) {
                    for (int p = 0; p < outH * outW; p++) {
                        acc += y[(b * k + kk) * outH * outW + p];
                    }
                }
                bias[kk] = acc;
            }
        }
    }

    private void forward(int id) {
        int cg = c / groups;
        int ox = id % outW;
        int oy = id / outW % outH;
        int kk = id / (outW * outH) % k;
        int b = id / (outW * outH * k);
        int c0 = kk / (k / groups) * cg;
        float acc = 0f;
        for (int ci = 0; ci < cg; ci++) {
            for (int kr = 0; kr < r; kr++) {
                int iy = oy * strideH - padTop + kr * dilationH;
                if (iy >= 0 && iy < h) {
                    for (int ks = 0; ks < s; ks++) {
                        int ix = ox * strideW - padLeft + ks * dilationW;
                        if (ix >= 0 && ix < wd) {
                            acc += x[((b * c + c0 + ci) * h + iy) * wd + ix] * w[((kk * cg + ci) * r + kr) * s + ks];
                        }
                    }
                }
            }
        }
        if (hasBias == 1) {
            acc += bias[kk];
        }
        y[id] = acc;
    }

    private void data(int id) {
        int cg = c / groups;
        int kg = k / groups;
        int ix = id % wd;
        int iy = id / wd % h;
        int ch = id / (wd * h) % c;
        int b = id / (wd * h * c);
        int g = ch / cg;
        int ci = ch - g * cg;
        float acc = 0f;
        for (int kk = g * kg; kk < (g + 1) * kg; kk++) {
            for (int kr = 0; kr < r; kr++) {
                int ty = iy + padTop - kr * dilationH;
                if (ty >= 0 && ty % strideH == 0 && ty / strideH < outH) {
                    for (int ks = 0; ks < s; ks++) {
                        int tx = ix + padLeft - ks * dilationW;
                        if (tx >= 0 && tx % strideW == 0 && tx / strideW < outW) {
                            acc += y[((b * k + kk) * outH + ty / strideH) * outW + tx / strideW]
                                    * w[((kk * cg + ci) * r + kr) * s + ks];
                        }
                    }
                }
            }
        }
        x[id] = acc;
    }

    private void filter(int id) {
        int cg = c / groups;
        int ks = id % s;
        int kr = id / s % r;
        int ci = id / (s * r) % cg;
        int kk = id / (s * r * cg);
        int ch = kk / (k / groups) * cg + ci;
        float acc = 0f;
        for (int b = 0; b < n; b++) {
            for (int oy = 0; oy < outH; oy++) {
                int iy = oy * strideH - padTop + kr * dilationH;
                if (iy >= 0 && iy < h) {
                    for (int ox = 0; ox < outW; ox++) {
                        int ix = ox * strideW - padLeft + ks * dilationW;
                        if (ix >= 0 && ix < wd) {
                            acc += y[((b * k + kk) * outH + oy) * outW + ox] * x[((b * c + ch) * h + iy) * wd + ix];
                        }
                    }
                }
            }
        }
        w[id] = acc;
    }
}
