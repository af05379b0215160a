package dev.faltung.kernel.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.faltung.kernel.Buffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The SIMD GEMM equals a double-precision triple loop to float32 accuracy: for every transpose
 * combination, sizes that are and are not multiples of the micro-tile and the lane count,
 * offsets and padded leading dimensions, alpha/beta, batches, and for one and two threads with
 * bit-identical results.
 */
class FloatGemmTest {

    private static final SimdKernels ONE = new SimdKernels(1);
    private static final SimdKernels TWO = new SimdKernels(2);

    /** A problem with op(A) m×k and op(B) k×n stored with offsets and padded strides. */
    private record Problem(boolean ta, boolean tb, int m, int n, int k, int offA, int lda, int offB, int ldb,
                           int offC, int ldc, float[] a, float[] b, float[] c) {

        static Problem random(Random rnd, boolean ta, boolean tb, int m, int n, int k, int pad) {
            int aRows = ta ? k : m, aCols = ta ? m : k;
            int bRows = tb ? n : k, bCols = tb ? k : n;
            int offA = pad, lda = aCols + pad, offB = 2 * pad, ldb = bCols + pad, offC = pad, ldc = n + pad;
            float[] a = Check.randomFloats(rnd, offA + aRows * lda + 1, -1, 1);
            float[] b = Check.randomFloats(rnd, offB + bRows * ldb + 1, -1, 1);
            float[] c = Check.randomFloats(rnd, offC + m * ldc + 1, -1, 1);
            return new Problem(ta, tb, m, n, k, offA, lda, offB, ldb, offC, ldc, a, b, c);
        }

        double opA(int i, int p) {
            return a[ta ? offA + p * lda + i : offA + i * lda + p];
        }

        double opB(int p, int j) {
            return b[tb ? offB + j * ldb + p : offB + p * ldb + j];
        }

        /** The whole of C after the call, in double, with untouched padding kept. */
        double[] expected(double alpha, double beta) {
            double[] e = new double[c.length];
            for (int i = 0; i < c.length; i++) {
                e[i] = c[i];
            }
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) {
                        s += opA(i, p) * opB(p, j);
                    }
                    int at = offC + i * ldc + j;
                    e[at] = alpha * s + (beta == 0 ? 0 : beta * c[at]);
                }
            }
            return e;
        }

        float[] run(SimdKernels kernels, double alpha, double beta) {
            float[] out = c.clone();
            kernels.gemm(ta, tb, m, n, k, alpha, Buffer.of(a), offA, lda, Buffer.of(b), offB, ldb,
                    beta, Buffer.of(out), offC, ldc);
            return out;
        }

        String describe(double alpha, double beta) {
            return "gemm transA=" + ta + " transB=" + tb + " m=" + m + " n=" + n + " k=" + k
                    + " lda=" + lda + " ldb=" + ldb + " ldc=" + ldc + " alpha=" + alpha + " beta=" + beta;
        }
    }

    /** Float32 products summed with FMA over k terms of size ≤ 1: error ≲ k·2^-24. */
    private static double atol(int k) {
        return 1e-6 * (k + 1);
    }

    @Test
    void matchesDoubleLoopForOddSizesAndAllTransposes() {
        Random rnd = new Random(42);
        int[] sizes = {1, 2, 5, 6, 7, 13, 15, 16, 17, 31, 33, 47, 67};
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                for (int trial = 0; trial < 24; trial++) {
                    int m = sizes[rnd.nextInt(sizes.length)];
                    int n = sizes[rnd.nextInt(sizes.length)];
                    int k = sizes[rnd.nextInt(sizes.length)];
                    Problem p = Problem.random(rnd, ta, tb, m, n, k, trial % 3);
                    double alpha = trial % 2 == 0 ? 1.0 : -0.75;
                    double beta = trial % 3 == 0 ? 0.0 : 0.5;
                    Check.close(p.describe(alpha, beta), p.expected(alpha, beta), p.run(ONE, alpha, beta), 1e-5, atol(k));
                }
            }
        }
    }

    @Test
    void everySizeFrom1To67AlongEachDimension() {
        Random rnd = new Random(7);
        for (int s = 1; s <= 67; s++) {
            for (int[] mnk : new int[][] {{s, 19, 23}, {21, s, 18}, {9, 35, s}}) {
                Problem p = Problem.random(rnd, s % 2 == 0, s % 3 == 0, mnk[0], mnk[1], mnk[2], 1);
                Check.close(p.describe(1.0, 1.0), p.expected(1.0, 1.0), p.run(ONE, 1.0, 1.0), 1e-5, atol(mnk[2]));
            }
        }
    }

    @Test
    void blockBoundariesInKMAndN() {
        // k crosses the KC block (into two and three equal blocks), m the MC block, n a whole
        // micro-panel row and the NC block: every path of the loop nest.
        Random rnd = new Random(3);
        int[][] cases = {{FloatGemm.MC + 5, 40, FloatGemm.KC + 3}, {50, FloatGemm.NR * 3 + 1, 2 * FloatGemm.KC + 1},
                         {9, FloatGemm.NC + FloatGemm.NR + 3, 70}};
        for (int[] c : cases) {
            for (boolean ta : new boolean[] {false, true}) {
                Problem p = Problem.random(rnd, ta, !ta, c[0], c[1], c[2], 2);
                Check.close(p.describe(0.5, 2.0), p.expected(0.5, 2.0), p.run(TWO, 0.5, 2.0), 1e-5, atol(c[2]));
            }
        }
    }

    @Test
    void betaZeroDoesNotReadC() {
        Random rnd = new Random(5);
        Problem p = Problem.random(rnd, false, false, 13, 37, 300, 0);
        Arrays.fill(p.c(), Float.NaN);
        float[] out = p.run(ONE, 1.0, 0.0);
        for (int i = 0; i < p.m() * p.n(); i++) {
            assertEquals(false, Float.isNaN(out[i]), "gemm beta=0 propagated a NaN from C at index " + i);
        }
    }

    @Test
    void zeroSizedAndZeroAlphaScaleC() {
        float[] c = {1, 2, 3, 4};
        ONE.gemm(false, false, 2, 2, 0, 1.0, Buffer.of(new float[0]), 0, 0, Buffer.of(new float[0]), 0, 2,
                3.0, Buffer.of(c), 0, 2);
        Check.close("gemm k=0 beta=3", new double[] {3, 6, 9, 12}, c, 0, 0);
        ONE.gemm(false, false, 0, 2, 2, 1.0, Buffer.of(new float[0]), 0, 2, Buffer.of(new float[4]), 0, 2,
                0.0, Buffer.of(c), 0, 2);
        Check.close("gemm m=0 leaves C", new double[] {3, 6, 9, 12}, c, 0, 0);
    }

    @Test
    void oneAndTwoThreadsGiveIdenticalBits() {
        Random rnd = new Random(11);
        for (int[] s : new int[][] {{97, 301, 50}, {301, 97, 260}, {64, 64, 600}}) {
            for (boolean ta : new boolean[] {false, true}) {
                Problem p = Problem.random(rnd, ta, ta, s[0], s[1], s[2], 1);
                float[] one = p.run(ONE, 1.25, 0.5);
                float[] two = p.run(TWO, 1.25, 0.5);
                Check.identical(p.describe(1.25, 0.5) + " threads 1 vs 2", one, two);
                Check.close(p.describe(1.25, 0.5), p.expected(1.25, 0.5), two, 1e-5, atol(s[2]));
            }
        }
    }

    @Test
    void batchedEqualsOneGemmPerMatrix() {
        Random rnd = new Random(13);
        int batch = 5, m = 7, n = 19, k = 33;
        float[] a = Check.randomFloats(rnd, 3 + batch * m * k, -1, 1);
        float[] b = Check.randomFloats(rnd, batch * k * n, -1, 1);
        float[] c = Check.randomFloats(rnd, batch * (m * n + 4), -1, 1);
        for (SimdKernels kernels : new SimdKernels[] {ONE, TWO}) {
            float[] got = c.clone();
            kernels.gemmBatched(batch, false, true, m, n, k, 1.0, Buffer.of(a), 3, k, m * k,
                    Buffer.of(b), 0, k, k * n, 0.5, Buffer.of(got), 0, n, m * n + 4);
            float[] want = c.clone();
            for (int i = 0; i < batch; i++) {
                ONE.gemm(false, true, m, n, k, 1.0, Buffer.of(a), 3 + i * m * k, k, Buffer.of(b), i * k * n, k,
                        0.5, Buffer.of(want), i * (m * n + 4), n);
            }
            Check.identical("gemmBatched threads=" + kernels.threads(), want, got);
        }
    }

    @Test
    void float64GemmMatchesDoubleLoop() {
        Random rnd = new Random(17);
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                for (int[] s : new int[][] {{1, 1, 1}, {7, 17, 33}, {67, 45, 300}, {100, 130, 40}}) {
                    Problem p = Problem.random(rnd, ta, tb, s[0], s[1], s[2], 1);
                    double[] a = new Buffer.F32(p.a()).toDoubles(), b = new Buffer.F32(p.b()).toDoubles();
                    double[] c1 = new Buffer.F32(p.c()).toDoubles(), c2 = c1.clone();
                    ONE.gemm(ta, tb, p.m(), p.n(), p.k(), 0.5, Buffer.of(a), p.offA(), p.lda(), Buffer.of(b), p.offB(),
                            p.ldb(), -1.0, Buffer.of(c1), p.offC(), p.ldc());
                    TWO.gemm(ta, tb, p.m(), p.n(), p.k(), 0.5, Buffer.of(a), p.offA(), p.lda(), Buffer.of(b), p.offB(),
                            p.ldb(), -1.0, Buffer.of(c2), p.offC(), p.ldc());
                    Check.close("float64 " + p.describe(0.5, -1), p.expected(0.5, -1.0), c1, 1e-12, 1e-12 * p.k());
                    assertEquals(Arrays.toString(c1), Arrays.toString(c2), "float64 gemm threads 1 vs 2");
                }
            }
        }
    }
}
