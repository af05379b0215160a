package dev.faltung.kernel.opencl;

import com.aparapi.Kernel;

/**
 * Batched row-major GEMM {@code C = alpha·op(A)·op(B) + beta·C}, tiled through local memory:
 * each {@value #TILE}×{@value #TILE} work-group stages one tile of {@code op(A)} and one of
 * {@code op(B)} per step along {@code k}, so each global element is read {@code TILE} times
 * less often. Range: {@code (n, m, batch)} padded to whole tiles; work-items outside {@code C}
 * still load (zeros) and hit the barriers, as OpenCL requires of every item in a group.
 */
final class GemmKernel extends Kernel {

    static final int TILE = 16;

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
        int col = getGlobalId(0);
        int row = getGlobalId(1);
        int batch = getGlobalId(2);
        int lc = getLocalId(0);
        int lr = getLocalId(1);
        int aBase = offA + batch * strideA;
        int bBase = offB + batch * strideB;
        float acc = 0f;
        for (int t = 0; t < k; t += TILE) {
            int p = t + lc;
            float av = 0f;
            if (row < m && p < k) {
                if (transA == 1) {
                    av = a[aBase + p * lda + row];
                } else {
                    av = a[aBase + row * lda + p];
                }
            }
            tileA[lr * TILE + lc] = av;
            int q = t + lr;
            float bv = 0f;
            if (col < n && q < k) {
                if (transB == 1) {
                    bv = b[bBase + col * ldb + q];
                } else {
                    bv = b[bBase + q * ldb + col];
                }
            }
            tileB[lr * TILE + lc] = bv;
            localBarrier();
            for (int j = 0; j < TILE; j++) {
                acc += tileA[lr * TILE + j] * tileB[j * TILE + lc];
            }
            localBarrier();
        }
        if (row < m && col < n) {
            int at = offC + batch * strideC + row * ldc + col;
            float v = alpha * acc;
            if (readC == 1) {
                v += beta * c[at];
            }
            c[at] = v;
        }
    }
}
