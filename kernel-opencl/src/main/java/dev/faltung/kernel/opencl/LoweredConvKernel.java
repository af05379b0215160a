package dev.faltung.kernel.opencl;

import com.aparapi.Kernel;

/**
 * A whole IM2COL convolution in one multi-pass launch, so the lowered matrix {@code cols} lives
 * only on the device: Aparapi runs every pass of one {@code execute(range, passes)} inside one
 * JNI call with the Java arrays pinned, and passes see each other's writes (one in-order queue).
 * Images are processed in chunks of {@code chunk}; {@code cols} holds one chunk,
 * {@code [chunk][C·R·S][outH·outW]}. Passes, per chunk {@code q} (images {@code i0 .. i1}):
 * <ul>
 *   <li>FORWARD: {@code 2q} lowers the chunk; {@code 2q+1} multiplies, per image and group,
 *       {@code y = W_g [K/G, C/G·R·S] · cols_g + bias}.</li>
 *   <li>DATA: {@code 2q} computes {@code cols_g = W_gᵀ · dY_g}; {@code 2q+1} gathers every tap
 *       of {@code cols} into {@code dx} (one item per pixel, overwriting, no atomics).</li>
 *   <li>FILTER: pass 0 sums {@code dbias} (when {@code hasBias}); then {@code 1+2q} lowers the
 *       chunk and {@code 2+2q} accumulates {@code dW_g += dY_g · cols_gᵀ} over the chunk's
 *       images as one product with inner dimension {@code (i1-i0)·outH·outW}.</li>
 * </ul>
 * Arrays are named for the forward pass ({@code y = x ⋆ w + bias}); the mode says which are
 * written. The products are tiled through local memory as in {@link GemmKernel}; the range is
 * 1-D with groups of {@value #GROUP} items, and every pass loops over its work with the whole
 * range's stride, so one range serves passes of very different sizes.
 */
final class LoweredConvKernel extends Kernel {

    static final int FORWARD = 0, DATA = 1, FILTER = 2;
    static final int TILE = 32;
    static final int WORK = 8;
    static final int ROWS = TILE / WORK;
    /** Work-items per group: {@code TILE} columns × {@code ROWS} row sets. */
    static final int GROUP = TILE * ROWS;

    float[] x = new float[1];
    float[] w = new float[1];
    float[] bias = new float[1];
    float[] y = new float[1];
    float[] cols = new float[1];
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
    int chunk;

    @Local final float[] tileA = new float[TILE * TILE];
    @Local final float[] tileB = new float[TILE * TILE];

    static final int BIAS = 0, LOWER = 1, PRODUCT = 2, GATHER = 3;

    // NOTE: Aparapi's bytecode decompiler rejects nested if/else-if chains here (it fails with
    // "elseGoto is null" and would fall back to Java threads), hence the flat stage selection.
    // Names are OpenCL C too: no locals called local, half, global, kernel...
    @Override
    public void run() {
        int pass = getPassId();
        if (mode == FILTER && hasBias == 0) {
            pass = pass + 1;
        }
        int step = pass;
        if (mode == FILTER) {
            step = pass - 1;
        }
        int q = step / 2;
        int i0 = q * chunk;
        int i1 = min(n, i0 + chunk);
        int stage = stageOf(mode, step % 2);
        if (mode == FILTER && pass == 0) {
            stage = BIAS;
        }
        if (stage == BIAS) {
            biasGradient();
        }
        if (stage == LOWER) {
            lower(i0, i1);
        }
        if (stage == PRODUCT) {
            product(i0, i1, q);
        }
        if (stage == GATHER) {
            gather(i0, i1);
        }
    }

    /** The stage of a chunk's first ({@code second == 0}) or second pass. */
    private int stageOf(int direction, int second) {
        int stage = PRODUCT;
        if (direction == DATA && second == 1) {
            stage = GATHER;
        }
        if (direction != DATA && second == 0) {
            stage = LOWER;
        }
        return stage;
    }

    /** {@code cols[img - i0, (ch·R + kr)·S + ks, pos] = x[img, ch, oy·sh - pt + kr·dh, ox·sw - pl + ks·dw]}, 0 outside. */
    private void lower(int i0, int i1) {
        int hw = outH * outW;
        int rows = c * r * s;
        int total = (i1 - i0) * rows * hw;
        for (int e = getGlobalId(); e < total; e += getGlobalSize()) {
            int pos = e % hw;
            int row = e / hw % rows;
            int img = i0 + e / (hw * rows);
            int ch = row / (r * s);
            int kr = row / s % r;
            int ks = row % s;
            int iy = pos / outW * strideH - padTop + kr * dilationH;
            int ix = pos % outW * strideW - padLeft + ks * dilationW;
            float v = 0f;
            if (iy >= 0 && iy < h && ix >= 0 && ix < wd) {
                v = x[((img * c + ch) * h + iy) * wd + ix];
            }
            cols[e] = v;
        }
    }

    /** {@code dx[img, ch, iy, ix] = Σ} of every {@code cols} tap that read that pixel. */
    private void gather(int i0, int i1) {
        int hw = outH * outW;
        int pixels = c * h * wd;
        int total = (i1 - i0) * pixels;
        for (int e = getGlobalId(); e < total; e += getGlobalSize()) {
            int img = e / pixels;
            int p = e % pixels;
            int ch = p / (h * wd);
            int iy = p / wd % h;
            int ix = p % wd;
            int base = (img * c + ch) * r * s * hw;
            float acc = 0f;
            for (int kr = 0; kr < r; kr++) {
                int ty = iy + padTop - kr * dilationH;
                if (ty >= 0 && ty % strideH == 0 && ty / strideH < outH) {
                    for (int ks = 0; ks < s; ks++) {
                        int tx = ix + padLeft - ks * dilationW;
                        if (tx >= 0 && tx % strideW == 0 && tx / strideW < outW) {
                            acc += cols[base + (kr * s + ks) * hw + ty / strideH * outW + tx / strideW];
                        }
                    }
                }
            }
            x[(i0 + img) * pixels + p] = acc;
        }
    }

    /** {@code dbias[kk] = Σ_{n, pos} dy[n, kk, pos]}. */
    private void biasGradient() {
        int hw = outH * outW;
        for (int kk = getGlobalId(); kk < k; kk += getGlobalSize()) {
            float acc = 0f;
            for (int b = 0; b < n; b++) {
                for (int p = 0; p < hw; p++) {
                    acc += y[(b * k + kk) * hw + p];
                }
            }
            bias[kk] = acc;
        }
    }

    /**
     * The chunk's matrix products, one {@code TILE×TILE} output tile per group and step. Sizes
     * (rows {@code m}, columns {@code nn}, inner {@code kk}) and the batch of independent
     * products depend on the mode; {@link #loadA} and {@link #loadB} hide the layouts.
     */
    private void product(int i0, int i1, int q) {
        int hw = outH * outW;
        int kpg = k / groups;
        int depth = c / groups * r * s;
        int m = kpg;
        int nn = hw;
        int kk = depth;
        int batches = (i1 - i0) * groups;
        if (mode == DATA) {
            m = depth;
            kk = kpg;
        } else if (mode == FILTER) {
            nn = depth;
            kk = (i1 - i0) * hw;
            batches = groups;
        }
        int tilesM = (m + TILE - 1) / TILE;
        int tilesN = (nn + TILE - 1) / TILE;
        int tiles = batches * tilesM * tilesN;
        int lid = getLocalId();
        int lc = lid % TILE;
        int lr = lid / TILE;
        float[] acc = new float[WORK];
        // Whole groups take the same trips through this loop, so the barriers are uniform.
        for (int t = getGroupId(); t < tiles; t += getNumGroups()) {
            int batch = t / (tilesM * tilesN);
            int row0 = t / tilesN % tilesM * TILE;
            int col = t % tilesN * TILE + lc;
            for (int v = 0; v < WORK; v++) {
                acc[v] = 0f;
            }
            for (int p0 = 0; p0 < kk; p0 += TILE) {
                for (int v = 0; v < WORK; v++) {
                    int rr = lr + v * ROWS;
                    float av = 0f;
                    if (row0 + rr < m && p0 + lc < kk) {
                        av = loadA(i0, batch, row0 + rr, p0 + lc);
                    }
                    tileA[rr * TILE + lc] = av;
                    float bv = 0f;
                    if (col < nn && p0 + rr < kk) {
                        bv = loadB(i0, batch, p0 + rr, col);
                    }
                    tileB[rr * TILE + lc] = bv;
                }
                localBarrier();
                for (int j = 0; j < TILE; j++) {
                    float bv = tileB[j * TILE + lc];
                    for (int v = 0; v < WORK; v++) {
                        acc[v] += tileA[(lr + v * ROWS) * TILE + j] * bv;
                    }
                }
                localBarrier();
            }
            for (int v = 0; v < WORK; v++) {
                int row = row0 + lr + v * ROWS;
                if (row < m && col < nn) {
                    store(i0, batch, row, col, acc[v], q);
                }
            }
        }
    }

    /** Element {@code (row, p)} of the left factor of product {@code batch}. */
    private float loadA(int i0, int batch, int row, int p) {
        int hw = outH * outW;
        int kpg = k / groups;
        int depth = c / groups * r * s;
        float v = 0f;
        if (mode == FORWARD) {
            int g = batch % groups;
            v = w[(g * kpg + row) * depth + p];
        } else if (mode == DATA) {
            int g = batch % groups;
            v = w[(g * kpg + p) * depth + row];
        } else {
            int g = batch;
            v = y[((i0 + p / hw) * k + g * kpg + row) * hw + p % hw];
        }
        return v;
    }

    /** Element {@code (p, col)} of the right factor of product {@code batch}. */
    private float loadB(int i0, int batch, int p, int col) {
        int hw = outH * outW;
        int kpg = k / groups;
        int depth = c / groups * r * s;
        int rows = c * r * s;
        float v = 0f;
        if (mode == FORWARD) {
            int g = batch % groups;
            v = cols[((batch / groups) * rows + g * depth + p) * hw + col];
        } else if (mode == DATA) {
            int g = batch % groups;
            v = y[((i0 + batch / groups) * k + g * kpg + p) * hw + col];
        } else {
            int g = batch;
            v = cols[((p / hw) * rows + g * depth + col) * hw + p % hw];
        }
        return v;
    }

    /** Writes result {@code (row, col)} of product {@code batch}: bias added, or accumulated after the first chunk. */
    private void store(int i0, int batch, int row, int col, float value, int q) {
        int hw = outH * outW;
        int kpg = k / groups;
        int depth = c / groups * r * s;
        int rows = c * r * s;
        if (mode == FORWARD) {
            int g = batch % groups;
            int kIndex = g * kpg + row;
            float v = value;
            if (hasBias == 1) {
                v += bias[kIndex];
            }
            y[((i0 + batch / groups) * k + kIndex) * hw + col] = v;
        } else if (mode == DATA) {
            int g = batch % groups;
            cols[((batch / groups) * rows + g * depth + row) * hw + col] = value;
        } else {
            int at = (batch * kpg + row) * depth + col;
            float v = value;
            if (q > 0) {
                v += w[at];
            }
            w[at] = v;
        }
    }
}
