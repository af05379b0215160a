package dev.faltung.kernel.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-precision GEMM {@code C = alpha·op(A)·op(B) + beta·C} (row-major) in the
 * GotoBLAS/BLIS structure: {@code op(B)} is packed in {@code KC×NR} micro-panels and
 * {@code op(A)} in {@code MR×KC} micro-panels, both zero-padded to whole panels, and a
 * register-blocked micro-kernel computes an {@code MR×NR} tile of C with
 * {@link FloatVector#fma}. Loop order and block sizes: the {@code KC×NC} block of packed B
 * stays in the outer caches, the {@code MC×KC} block of packed A and the B micro-panel in use in
 * L2.
 *
 * <p>Every element of C is computed the same way wherever its tile lies: per k block, a chain of
 * fused multiply-adds over increasing {@code p}, then folded into C; k is cut into the fewest
 * equal blocks of at most {@code KC}. Threads split rows or columns of C only, so results do not
 * depend on the thread count. Thread-safe; the packing buffers are per thread and reused.
 */
final class FloatGemm {

    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();
    /** Rows of a micro-tile: one broadcast of A per row per step. */
    static final int MR = 6;
    /** Columns of a micro-tile: two vectors. */
    static final int NR = 2 * L;
    /**
     * The longest k block. Each block after the first reads and writes C again, row by row with a
     * stride the prefetchers do not follow, and those misses stall the micro-kernel: n = 1024
     * ran 15-25 % faster with one block of 1024 than with four of 256, although the B
     * micro-panel then streams from L2 instead of sitting in L1 (BENCHMARKS.md).
     */
    static final int KC = 1024;
    static final int MC = 24 * MR;
    /** Columns of B packed at once: {@code KC×NC} floats (4 MiB) stay in the outer caches. */
    static final int NC = Math.max(NR, 1024 / NR * NR);
    /** Below this many multiply-adds a call runs on the caller's thread alone. */
    private static final long PARALLEL_THRESHOLD = 1L << 18;

    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    /** Per-thread packing buffers, allocated once at their largest size. */
    private static final class Workspace {
        final float[] packedA = new float[MC * KC];
        final float[] packedB = new float[KC * NC];
        final float[] tile = new float[MR * NR];
    }

    private final WorkerPool pool;

    FloatGemm(WorkerPool pool) {
        this.pool = pool;
    }

    /** The GEMM; {@code allowThreads} false keeps it on the calling thread. */
    void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
              float[] a, int offA, int lda, float[] b, int offB, int ldb,
              float beta, float[] c, int offC, int ldc, boolean allowThreads) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0 || alpha == 0f) {
            scaleC(m, n, beta, c, offC, ldc);
            return;
        }
        int threads = pool.threads();
        long work = (long) m * n * k;
        if (!allowThreads || threads == 1 || work < PARALLEL_THRESHOLD) {
            serial(transA, transB, m, n, k, alpha, a, offA, lda, b, offB, ldb, beta, c, offC, ldc);
            return;
        }
        // Split the larger of the two output dimensions into whole micro-tiles.
        boolean splitN = n >= m;
        int extent = splitN ? n : m;
        int unit = splitN ? NR : MR;
        int units = (extent + unit - 1) / unit;
        int tasks = Math.min(threads, units);
        int perTask = (units + tasks - 1) / tasks * unit;
        int taskCount = (extent + perTask - 1) / perTask;
        pool.run(taskCount, t -> {
            int from = t * perTask;
            int len = Math.min(perTask, extent - from);
            if (splitN) {
                int bOff = transB ? offB + from * ldb : offB + from;
                serial(transA, transB, m, len, k, alpha, a, offA, lda, b, bOff, ldb, beta, c, offC + from, ldc);
            } else {
                int aOff = transA ? offA + from : offA + from * lda;
                serial(transA, transB, len, n, k, alpha, a, aOff, lda, b, offB, ldb, beta, c, offC + from * ldc, ldc);
            }
        });
    }

    /** {@code C = beta·C}, not reading C when {@code beta == 0}. */
    private static void scaleC(int m, int n, float beta, float[] c, int offC, int ldc) {
        for (int i = 0; i < m; i++) {
            int row = offC + i * ldc;
            if (beta == 0f) {
                java.util.Arrays.fill(c, row, row + n, 0f);
            } else if (beta != 1f) {
                for (int j = 0; j < n; j++) {
                    c[row + j] = beta * c[row + j];
                }
            }
        }
    }

    private static void serial(boolean transA, boolean transB, int m, int n, int k, float alpha,
                               float[] a, int offA, int lda, float[] b, int offB, int ldb,
                               float beta, float[] c, int offC, int ldc) {
        Workspace ws = WORKSPACE.get();
        float[] ap = ws.packedA;
        float[] bp = ws.packedB;
        // Equal k blocks (k = 1100 is two of 550, not 1024 and 76): a short block costs a whole
        // pass over C for little work. The blocks depend on k alone, so results still do not
        // depend on how threads split the rows or columns.
        int kBlocks = (k + KC - 1) / KC;
        int kBlock = (k + kBlocks - 1) / kBlocks;
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += kBlock) {
                int kc = Math.min(kBlock, k - pc);
                boolean first = pc == 0;
                packB(transB, b, offB, ldb, pc, kc, jc, nc, bp);
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    packA(transA, a, offA, lda, ic, mc, pc, kc, ap);
                    for (int jr = 0; jr < nc; jr += NR) {
                        int nr = Math.min(NR, nc - jr);
                        int bAt = jr * kc;
                        for (int ir = 0; ir < mc; ir += MR) {
                            int mr = Math.min(MR, mc - ir);
                            int cAt = offC + (ic + ir) * ldc + jc + jr;
                            kernel(kc, ap, ir * kc, bp, bAt, ws.tile);
                            if (mr == MR && nr == NR) {
                                update(ws.tile, alpha, beta, first, c, cAt, ldc);
                            } else {
                                updateEdge(ws.tile, mr, nr, alpha, beta, first, c, cAt, ldc);
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Packs {@code op(B)[pc .. pc+kc, jc .. jc+nc]} as consecutive {@code kc×NR} micro-panels,
     * row {@code p} of a panel at {@code p·NR}; columns past {@code nc} are zero.
     */
    private static void packB(boolean transB, float[] b, int offB, int ldb, int pc, int kc,
                              int jc, int nc, float[] bp) {
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int base = jr * kc;
            if (!transB) {
                int src = offB + pc * ldb + jc + jr;
                if (nr == NR) {
                    for (int p = 0; p < kc; p++, src += ldb) {
                        FloatVector.fromArray(SPECIES, b, src).intoArray(bp, base + p * NR);
                        FloatVector.fromArray(SPECIES, b, src + L).intoArray(bp, base + p * NR + L);
                    }
                } else {
                    for (int p = 0; p < kc; p++, src += ldb) {
                        int dst = base + p * NR;
                        System.arraycopy(b, src, bp, dst, nr);
                        java.util.Arrays.fill(bp, dst + nr, dst + NR, 0f);
                    }
                }
            } else if (nr == NR && L == 16) {
                // Rows of B become the panel's columns 16×16 at a time in registers (element by
                // element, this packing took longer than the multiply-adds of Winograd's backward
                // filter, whose GEMMs are all transposed-B). Adding -0 copies every value exactly.
                for (int j0 = 0; j0 < NR; j0 += L) {
                    int src = offB + (jc + jr + j0) * ldb + pc;
                    for (int p0 = 0; p0 < kc; p0 += L) {
                        LaneTranspose.transpose(b, src + p0, ldb, L, Math.min(L, kc - p0), bp, base + p0 * NR + j0, NR, -0f);
                    }
                }
            } else {
                for (int j = 0; j < nr; j++) {
                    int src = offB + (jc + jr + j) * ldb + pc;
                    for (int p = 0; p < kc; p++) {
                        bp[base + p * NR + j] = b[src + p];
                    }
                }
                for (int j = nr; j < NR; j++) {
                    for (int p = 0; p < kc; p++) {
                        bp[base + p * NR + j] = 0f;
                    }
                }
            }
        }
    }

    /**
     * Packs {@code op(A)[ic .. ic+mc, pc .. pc+kc]} as consecutive {@code MR×kc} micro-panels,
     * column {@code p} of a panel at {@code p·MR}; rows past {@code mc} are zero.
     */
    private static void packA(boolean transA, float[] a, int offA, int lda, int ic, int mc,
                              int pc, int kc, float[] ap) {
        for (int ir = 0; ir < mc; ir += MR) {
            int mr = Math.min(MR, mc - ir);
            int base = ir * kc;
            if (!transA && mr == MR) {
                // Column by column, the six rows read as six sequential streams and the panel
                // written in order (row by row, each row's pass strode through the whole panel).
                int s0 = offA + (ic + ir) * lda + pc, s1 = s0 + lda, s2 = s1 + lda, s3 = s2 + lda;
                int s4 = s3 + lda, s5 = s4 + lda;
                for (int p = 0; p < kc; p++) {
                    int d = base + p * MR;
                    ap[d] = a[s0 + p];
                    ap[d + 1] = a[s1 + p];
                    ap[d + 2] = a[s2 + p];
                    ap[d + 3] = a[s3 + p];
                    ap[d + 4] = a[s4 + p];
                    ap[d + 5] = a[s5 + p];
                }
            } else if (!transA) {
                for (int r = 0; r < mr; r++) {
                    int src = offA + (ic + ir + r) * lda + pc;
                    for (int p = 0; p < kc; p++) {
                        ap[base + p * MR + r] = a[src + p];
                    }
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    int src = offA + (pc + p) * lda + ic + ir;
                    int dst = base + p * MR;
                    for (int r = 0; r < mr; r++) {
                        ap[dst + r] = a[src + r];
                    }
                }
            }
            if (mr < MR) {
                for (int p = 0; p < kc; p++) {
                    for (int r = mr; r < MR; r++) {
                        ap[base + p * MR + r] = 0f;
                    }
                }
            }
        }
    }

    /**
     * The micro-kernel: 12 vector accumulators, per step two loads of B and six broadcasts of
     * A; the {@code MR×NR} result goes to {@code tile}. Folding it into C happens in a separate
     * method: merged into this one, C2 stops keeping the accumulators in registers.
     */
    private static void kernel(int kc, float[] ap, int ai, float[] bp, int bi, float[] tile) {
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        // Indices linear in p with constant strides, so that C2 hoists the bounds checks out of
        // the loop (carried as "ai += MR" they stayed, one compare-and-branch per load).
        for (int p = 0; p < kc; p++) {
            int a = ai + p * MR, b = bi + p * NR;
            FloatVector b0 = FloatVector.fromArray(SPECIES, bp, b);
            FloatVector b1 = FloatVector.fromArray(SPECIES, bp, b + L);
            FloatVector x = FloatVector.broadcast(SPECIES, ap[a]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(SPECIES, ap[a + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(SPECIES, ap[a + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(SPECIES, ap[a + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(SPECIES, ap[a + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(SPECIES, ap[a + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR);
        c41.intoArray(tile, 4 * NR + L);
        c50.intoArray(tile, 5 * NR);
        c51.intoArray(tile, 5 * NR + L);
    }

    /**
     * Folds a whole tile into C: {@code alpha·acc + beta·C} on the first k block
     * ({@code alpha·acc} when beta is 0, C unread), {@code C + alpha·acc} on later ones.
     */
    private static void update(float[] tile, float alpha, float beta, boolean first, float[] c, int ci, int ldc) {
        for (int r = 0; r < MR; r++, ci += ldc) {
            for (int j = 0; j < NR; j += L) {
                FloatVector t = FloatVector.fromArray(SPECIES, tile, r * NR + j).mul(alpha);
                if (!first) {
                    t = FloatVector.fromArray(SPECIES, c, ci + j).add(t);
                } else if (beta != 0f) {
                    t = t.add(FloatVector.fromArray(SPECIES, c, ci + j).mul(beta));
                }
                t.intoArray(c, ci + j);
            }
        }
    }

    /** Folds the valid {@code mr×nr} corner of {@code tile} into C with the rounding of {@link #update}. */
    private static void updateEdge(float[] tile, int mr, int nr, float alpha, float beta, boolean first,
                                   float[] c, int ci, int ldc) {
        for (int r = 0; r < mr; r++) {
            int row = ci + r * ldc;
            for (int j = 0; j < nr; j++) {
                float t = alpha * tile[r * NR + j];
                if (!first) {
                    t = c[row + j] + t;
                } else if (beta != 0f) {
                    t = t + beta * c[row + j];
                }
                c[row + j] = t;
            }
        }
    }
}
