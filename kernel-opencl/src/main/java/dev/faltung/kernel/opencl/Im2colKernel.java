package dev.faltung.kernel.opencl;

import com.aparapi.Kernel;

/**
 * im2col and its adjoint for one image. Lowering ({@code adjoint == 0}): one item per element
 * of {@code cols [C·R·S, outH·outW]}, zero for taps outside the image. Adjoint: one item per
 * input pixel, gathering every {@code (kr, ks)} tap that read it, so no two items write the
 * same element (no atomics) and each pixel adds its taps in the reference's order.
 */
final class Im2colKernel extends Kernel {

    float[] x = new float[1];
    float[] cols = new float[1];
    int base;
    int c;
    int h;
    int w;
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
    int adjoint;

    @Override
    public void run() {
        int e = getGlobalId();
        if (adjoint == 0) {
            int hw = outH * outW;
            if (e < c * r * s * hw) {
                int row = e / hw;
                int pos = e % hw;
                int ch = row / (r * s);
                int kr = row / s % r;
                int ks = row % s;
                int iy = pos / outW * strideH - padTop + kr * dilationH;
                int ix = pos % outW * strideW - padLeft + ks * dilationW;
                float v = 0f;
                if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                    v = x[base + (ch * h + iy) * w + ix];
                }
                cols[e] = v;
            }
        } else if (e < c * h * w) {
            int ch = e / (h * w);
            int iy = e / w % h;
            int ix = e % w;
            int hw = outH * outW;
            float acc = x[base + e];
            for (int kr = 0; kr < r; kr++) {
                int ty = iy + padTop - kr * dilationH;
                if (ty >= 0 && ty % strideH == 0 && ty / strideH < outH) {
                    for (int ks = 0; ks < s; ks++) {
                        int tx = ix + padLeft - ks * dilationW;
                        if (tx >= 0 && tx % strideW == 0 && tx / strideW < outW) {
                            acc += cols[((ch * r + kr) * s + ks) * hw + ty / strideH * outW + tx / strideW];
                        }
                    }
                }
            }
            x[base + e] = acc;
        }
    }
}
