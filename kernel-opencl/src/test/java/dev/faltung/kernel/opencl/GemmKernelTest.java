package dev.faltung.kernel.opencl;

import static dev.faltung.kernel.opencl.OpenClTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faltung.kernel.Buffer;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * GEMM on the device against a float64 triple loop. Tolerance per element: the standard dot
 * product bound {@code (k+2)·2^-23·Σ|alpha·a·b| + |beta·c|·2^-23}, plus 1e-6.
 */
class GemmKernelTest {

    static double[] expected(boolean ta, boolean tb, int m, int n, int k, double alpha, float[] a, int offA, int lda,
                             float[] b, int offB, int ldb, double beta, float[] c, int offC, int ldc, double[] tol) {
        double[] out = widen(c);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                double mag = 0;
                for (int p = 0; p < k; p++) {
                    double av = a[ta ? offA + p * lda + i : offA + i * lda + p];
                    double bv = b[tb ? offB + j * ldb + p : offB + p * ldb + j];
                    sum += av * bv;
                    mag += Math.abs(av * bv);
                }
                int at = offC + i * ldc + j;
                double old = beta == 0 ? 0 : beta * c[at];
                out[at] = alpha * sum + old;
                tol[at] = (k + 2) * 0x1p-23 * Math.abs(alpha) * mag + Math.abs(old) * 0x1p-23 + 1e-6;
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}x{1}x{2} transA={3} transB={4}")
    @CsvSource({"1,1,1,false,false", "7,7,7,true,false", "33,7,5,false,true", "7,33,1001,true,true",
                "1,1001,3,false,false", "1001,1,7,false,true", "64,48,33,false,false", "17,129,40,true,true"})
    void matchesTripleLoop(int m, int n, int k, boolean ta, boolean tb) {
        OpenClKernels kernels = device();
        Random rnd = new Random(m * 31L + n * 7L + k);
        // Padded leading dimensions and offsets: the kernel must honour lda/ldb/ldc and leave the padding alone.
        int lda = (ta ? m : k) + 3;
        int ldb = (tb ? k : n) + 2;
        int ldc = n + 1;
        int offA = 5;
        int offB = 2;
        int offC = 3;
        float[] a = randomFloats(rnd, offA + (ta ? k : m) * lda, -1, 1);
        float[] b = randomFloats(rnd, offB + (tb ? n : k) * ldb, -1, 1);
        for (double beta : new double[] {0.0, 0.5}) {
            float[] c = randomFloats(rnd, offC + m * ldc + 4, -1, 1);
            if (beta == 0.0) {
                c[offC] = Float.NaN; // never read when beta == 0
            }
            double[] tol = new double[c.length];
            double[] want = expected(ta, tb, m, n, k, 1.5, a, offA, lda, b, offB, ldb, beta, c, offC, ldc, tol);
            kernels.gemm(ta, tb, m, n, k, 1.5, Buffer.of(a), offA, lda, Buffer.of(b), offB, ldb,
                    beta, Buffer.of(c), offC, ldc);
            assertWithin("gemm beta=" + beta, new int[] {m, n, k}, want, c, tol);
        }
    }

    @Test
    void batchedRunsEveryMatrixInOneLaunch() {
        OpenClKernels kernels = device();
        Random rnd = new Random(3);
        int batch = 5, m = 9, n = 11, k = 13;
        float[] a = randomFloats(rnd, batch * m * k, -1, 1);
        float[] b = randomFloats(rnd, batch * k * n, -1, 1);
        float[] c = new float[batch * m * n];
        double[] tol = new double[c.length];
        double[] want = new double[c.length];
        for (int i = 0; i < batch; i++) {
            double[] part = expected(false, false, m, n, k, 1.0, a, i * m * k, k, b, i * k * n, n, 0.0,
                    c, i * m * n, n, tol);
            System.arraycopy(part, i * m * n, want, i * m * n, m * n);
        }
        kernels.gemmBatched(batch, false, false, m, n, k, 1.0, Buffer.of(a), 0, k, m * k,
                Buffer.of(b), 0, n, k * n, 0.0, Buffer.of(c), 0, n, m * n);
        assertWithin("gemmBatched", new int[] {batch, m, n, k}, want, c, tol);
    }

    @Test
    void float64IsDelegatedAndExact() {
        OpenClKernels kernels = device();
        double[] a = {1, 2, 3, 4};
        double[] b = {5, 6, 7, 8};
        double[] c = new double[4];
        kernels.gemm(false, false, 2, 2, 2, 1, Buffer.of(a), 0, 2, Buffer.of(b), 0, 2, 0, Buffer.of(c), 0, 2);
        assertTrue(java.util.Arrays.equals(new double[] {19, 22, 43, 50}, c), java.util.Arrays.toString(c));
    }
}
