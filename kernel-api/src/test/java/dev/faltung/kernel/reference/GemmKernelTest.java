package dev.faltung.kernel.reference;

import static dev.faltung.kernel.reference.Expect.K;
import static dev.faltung.kernel.reference.Expect.buffer;

import dev.faltung.kernel.Buffer;
import dev.faltung.kernel.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GemmKernelTest {

    // A = [[1,2,3],[4,5,6]] (2x3), B = [[7,8],[9,10],[11,12]] (3x2), A·B = [[58,64],[139,154]].
    private static final double[][] A = {{1, 2, 3}, {4, 5, 6}};
    private static final double[][] B = {{7, 8}, {9, 10}, {11, 12}};
    private static final double[] AB = {58, 64, 139, 154};

    /** Stores {@code m} (or its transpose) row-major with row stride {@code ld} after {@code off} unused elements. */
    private static Buffer store(DType dtype, double[][] m, boolean transposed, int off, int ld) {
        int rows = transposed ? m[0].length : m.length, cols = transposed ? m.length : m[0].length;
        Buffer b = Buffer.allocate(dtype, off + rows * ld);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                b.set(off + r * ld + c, transposed ? m[c][r] : m[r][c]);
            }
        }
        return b;
    }

    @ParameterizedTest(name = "transA={0} transB={1}")
    @CsvSource({"false,false", "false,true", "true,false", "true,true"})
    void everyTransposeCombinationComputesTheSameProduct(boolean transA, boolean transB) {
        // Leading dimensions larger than the rows, and offsets, so strides are really used.
        Buffer a = store(DType.FLOAT64, A, transA, 2, 5);
        Buffer b = store(DType.FLOAT64, B, transB, 1, 4);
        Buffer c = Buffer.allocate(DType.FLOAT64, 3 + 2 * 3);
        K.gemm(transA, transB, 2, 2, 3, 1.0, a, 2, 5, b, 1, 4, 0.0, c, 3, 3);
        Expect.exact("gemm transA=" + transA + " transB=" + transB, new int[] {9},
                new double[] {0, 0, 0, 58, 64, 0, 139, 154, 0}, c);
    }

    @Test
    void alphaAndBetaScaleTheProductAndTheOldC() {
        Buffer c = buffer(DType.FLOAT64, 1, 2, 3, 4);
        K.gemm(false, false, 2, 2, 3, 2.0, store(DType.FLOAT64, A, false, 0, 3), 0, 3,
                store(DType.FLOAT64, B, false, 0, 2), 0, 2, 0.5, c, 0, 2);
        Expect.exact("gemm alpha=2 beta=0.5", new int[] {2, 2},
                new double[] {2 * 58 + 0.5, 2 * 64 + 1, 2 * 139 + 1.5, 2 * 154 + 2}, c);
    }

    @Test
    void betaZeroIgnoresNaNInC() {
        Buffer c = buffer(DType.FLOAT32, Double.NaN, Double.NaN, Double.POSITIVE_INFINITY, Double.NaN);
        K.gemm(false, false, 2, 2, 3, 1.0, store(DType.FLOAT32, A, false, 0, 3), 0, 3,
                store(DType.FLOAT32, B, false, 0, 2), 0, 2, 0.0, c, 0, 2);
        Expect.exact("gemm beta=0 over NaN", new int[] {2, 2}, AB, c);
    }

    @Test
    void float32IsTheFloat64ResultRoundedOnce() {
        int m = 5, n = 7, k = 33;
        double[] a = Expect.floats(21, m * k, -1, 1), b = Expect.floats(22, k * n, -1, 1), c0 = Expect.floats(23, m * n, -1, 1);
        Expect.roundedOnce("gemm", new int[] {m, n}, dtype -> {
            Buffer c = buffer(dtype, c0);
            K.gemm(false, true, m, n, k, 0.3, buffer(dtype, a), 0, k, buffer(dtype, b), 0, k, 0.7, c, 0, n);
            return c;
        });
    }
}
