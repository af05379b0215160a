package dev.faltung.kernel.opencl;

import com.aparapi.Kernel;

/**
 * 2-D pooling after {@link dev.faltung.kernel.pool.PoolGeometry}. Forward modes run one item per
 * output; backward modes one item per input pixel, gathering from every window that covers it
 * (windows overlap when stride &lt; kernel, so scattering would need float atomics).
 * The average's divisor follows PyTorch: the window clipped to the padded input, then, unless
 * {@code countIncludePad}, to the input itself.
 */
final class PoolKernel extends Kernel {

    static final int MAX_FORWARD = 0, AVG_FORWARD = 1, MAX_BACKWARD = 2, AVG_BACKWARD = 3;

    float[] in = new float[1];
    float[] out = new float[1];
    int[] argmax = new int[1];
    int mode;
    int planes;
    int h;
    int w;
    int outH;
    int outW;
    int kernelH;
    int kernelW;
    int strideH;
    int strideW;
    int padH;
    int padW;
    int countIncludePad;

    @Override
    public void run() {
        int id = getGlobalId();
        if (mode == MAX_FORWARD || mode == AVG_FORWARD) {
            if (id < planes * outH * outW) {
                forward(id);
            }
        } else if (id < planes * h * w) {
            backward(id);
        }
    }

    private void forward(int id) {
        int plane = id / (outH * outW);
        int oy = id / outW % outH;
        int ox = id % outW;
        int y0 = oy * strideH - padH;
        int x0 = ox * strideW - padW;
        int y1 = min(y0 + kernelH, h + padH);
        int x1 = min(x0 + kernelW, w + padW);
        int poolSize = (y1 - y0) * (x1 - x0);
        int ys = max(y0, 0);
        int xs = max(x0, 0);
        int ye = min(y1, h);
        int xe = min(x1, w);
        int planeBase = plane * h * w;
        if (mode == MAX_FORWARD) {
            int bestAt = planeBase + ys * w + xs;
            float best = in[bestAt];
            for (int iy = ys; iy < ye; iy++) {
                for (int ix = xs; ix < xe; ix++) {
                    int at = planeBase + iy * w + ix;
                    float v = in[at];
                    if (best == best && (v != v || v > best)) {
                        best = v;
                        bestAt = at;
                    }
                }
            }
            out[id] = best;
            argmax[id] = bestAt;
        } else {
            float sum = 0f;
            for (int iy = ys; iy < ye; iy++) {
                for (int ix = xs; ix < xe; ix++) {
                    sum += in[planeBase + iy * w + ix];
                }
            }
            int divisor = poolSize;
            if (countIncludePad == 0) {
                divisor = (ye - ys) * (xe - xs);
            }
            out[id] = sum / divisor;
        }
    }

    private void backward(int id) {
        int plane = id / (h * w);
        int iy = id / w % h;
        int ix = id % w;
        // Outputs whose window [o·stride - pad, o·stride - pad + kernel) contains the pixel.
        int oyLo = max(0, (iy + padH - kernelH + strideH) / strideH);
        int oyHi = min(outH - 1, (iy + padH) / strideH);
        int oxLo = max(0, (ix + padW - kernelW + strideW) / strideW);
        int oxHi = min(outW - 1, (ix + padW) / strideW);
        float acc = 0f;
        for (int oy = oyLo; oy <= oyHi; oy++) {
            for (int ox = oxLo; ox <= oxHi; ox++) {
                int o = (plane * outH + oy) * outW + ox;
                if (mode == MAX_BACKWARD) {
                    if (argmax[o] == id) {
                        acc += in[o];
                    }
                } else {
                    int y0 = oy * strideH - padH;
                    int x0 = ox * strideW - padW;
                    int y1 = min(y0 + kernelH, h + padH);
                    int x1 = min(x0 + kernelW, w + padW);
                    int divisor = (y1 - y0) * (x1 - x0);
                    if (countIncludePad == 0) {
                        divisor = (min(y1, h) - max(y0, 0)) * (min(x1, w) - max(x0, 0));
                    }
                    acc += in[o] / divisor;
                }
            }
        }
        out[id] = acc;
    }
}
