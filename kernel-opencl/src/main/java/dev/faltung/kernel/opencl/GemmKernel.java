package dev.faltung.kernel.opencl;

import com.aparapi.Kernel;

/**
 * Batched row-major GEMM {@code C = alpha·op(A)·op(B) + beta·C}, tiled through local memory:
 * each work-group stages a {@value #TILE}×{@value #TILE} tile of {@code op(A)} and of
 * {@code op(B)} per step along {@code k}, and each of its {@code TILE × TILE/WORK} items keeps
 * {@value #WORK} outputs of one column in registers, so every staged {@code B} value is reused
 * {@code WORK} times. Range: {@code (n, m/WORK, batch)} padded to whole tiles; items outside
 * {@code C} still load (zeros) and hit the barriers, as OpenCL requires of every item in a group.
 */
final class GemmKernel extends Kernel {

    static final int TILE = 32;
    static final int WORK = 8;
    static final int ROWS = TILE / WORK;

    float[] a = new float[1];
    float[] b = new float[1];
    float[] c = new float[1];
    int m;
    int n;
    int k;
    int offA;
    int lda;
    int strideA;
    int transA;
    int offB;
    int ldb;
    int strideB;
    int transB;
    int offC;
    int ldc;
    int strideC;
    float alpha;
    float beta;
    int readC;

    @Local final float[] tileA = new float[TILE * TILE];
    @Local final float[] tileB = new float[TILE * TILE];

    @Override
    public void run() {
        int lc = getLocalId(0);
        int lr = getLocalId(1);
        int col = getGroupId(0) * TILE + lc;
        int row0 = getGroupId(1) * TILE;
        int batch = getGlobalId(2);
        int aBase = offA + batch * strideA;
        int bBase = offB + batch * strideB;
        float[] acc = new float[WORK];
        for (int w = 0; w < WORK; w++) {
            acc[w] = 0f;
        }
        for (int t = 0; t < k; t += TILE) {
            for (int w = 0; w < WORK; w++) {
                int r = lr + w * ROWS;
                int row = row0 + r;
                int p = t + lc;
                float av = 0f;
                if (row < m && p < k) {
                    if (transA == 1) {
                        av = a[aBase + p * lda + row];
                    } else {
                        av = a[aBase + row * lda + p];
                    }
                }
                tileA[r * TILE + lc] = av;
                int q = t + r;
                float bv = 0f;
                if (col < n && q < k) {
                    if (transB == 1) {
                        bv = b[bBase + col * ldb + q];
                    } else {
                        bv = b[bBase + q * ldb + col];
                    }
                }
                tileB[r * TILE + lc] = bv;
            }
            localBarrier();
            for (int j = 0; j < TILE; j++) {
                float bv = tileB[j * TILE + lc];
                for (int w = 0; w < WORK; w++) {
                    acc[w] += tileA[(lr + w * ROWS) * TILE + j] * bv;
                }
            }
            localBarrier();
        }
        for (int w = 0; w < WORK; w++) {
            int row = row0 + lr + w * ROWS;
            if (row < m && col < n) {
                int at = offC + batch * strideC + row * ldc + col;
                float v = alpha * acc[w];
                if (readC == 1) {
                    v += beta * c[at];
                }
                c[at] = v;
            }
        }
    }
}
