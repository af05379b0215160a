package dev.faltung.kernel.reference;

import static dev.faltung.kernel.reference.Expect.K;
import static dev.faltung.kernel.reference.Expect.buffer;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faltung.kernel.Buffer;
import dev.faltung.kernel.DType;
import org.junit.jupiter.api.Test;

class CopyKernelTest {

    @Test
    void copyWithSwappedStridesTransposesAMatrix() {
        // src [2,3] row-major; dst [3,2]: dst[j][i] = src[i][j], walking dst's shape.
        Buffer src = buffer(DType.FLOAT64, 1, 2, 3, 4, 5, 6);
        Buffer dst = Buffer.allocate(DType.FLOAT64, 6);
        K.copy(src, 0, new int[] {1, 3}, dst, 0, new int[] {2, 1}, new int[] {3, 2});
        Expect.exact("copy transpose", new int[] {3, 2}, new double[] {1, 4, 2, 5, 3, 6}, dst);
    }

    @Test
    void copyPermutesA3dTensor() {
        // x [2,3,4] -> y = x.permute(2,0,1) of shape [4,2,3]; y[k][i][j] = x[i][j][k].
        double[] x = new double[24];
        for (int i = 0; i < 24; i++) {
            x[i] = i;
        }
        double[] expected = new double[24];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 4; k++) {
                    expected[(k * 2 + i) * 3 + j] = x[(i * 3 + j) * 4 + k];
                }
            }
        }
        Buffer dst = Buffer.allocate(DType.FLOAT32, 24);
        K.copy(buffer(DType.FLOAT32, x), 0, new int[] {1, 12, 4}, dst, 0, new int[] {6, 3, 1}, new int[] {4, 2, 3});
        Expect.exact("copy permute(2,0,1)", new int[] {4, 2, 3}, expected, dst);
    }

    @Test
    void copySlicesIntoAnOffsetAndFlipsWithNegativeStrides() {
        // Row 1 of a [3,4] matrix, reversed, into the middle of a padded destination.
        Buffer src = buffer(DType.FLOAT64, 0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23);
        Buffer dst = Buffer.allocate(DType.FLOAT64, 6);
        K.copy(src, 7, new int[] {-1}, dst, 1, new int[] {1}, new int[] {4});
        Expect.exact("copy reversed slice", new int[] {6}, new double[] {0, 13, 12, 11, 10, 0}, dst);
    }

    @Test
    void copyConvertsDtypesRoundingOnce() {
        double third = 1.0 / 3;
        Buffer narrow = Buffer.allocate(DType.FLOAT32, 2);
        K.copy(buffer(DType.FLOAT64, third, 1e300), 0, new int[] {1}, narrow, 0, new int[] {1}, new int[] {2});
        Expect.exact("copy float64->float32", new int[] {2}, new double[] {(float) third, Double.POSITIVE_INFINITY}, narrow);

        Buffer wide = Buffer.allocate(DType.FLOAT64, 1);
        K.copy(narrow, 0, new int[] {}, wide, 0, new int[] {}, new int[] {});
        Expect.exact("copy float32->float64 (rank 0)", new int[] {}, new double[] {(double) (float) third}, wide);
    }

    @Test
    void copyOutsideABufferIsRejectedBeforeWriting() {
        Buffer dst = Buffer.allocate(DType.FLOAT64, 4);
        var e = assertThrows(IllegalArgumentException.class, () -> K.copy(buffer(DType.FLOAT64, 1, 2, 3, 4), 0,
                new int[] {1}, dst, 1, new int[] {1}, new int[] {4}));
        assertTrue(e.getMessage().contains("copy: dst"), e.getMessage());
        Expect.exact("copy rejected", new int[] {4}, new double[] {0, 0, 0, 0}, dst);
    }

    @Test
    void fillSetsARangeOnly() {
        Buffer b = Buffer.allocate(DType.FLOAT32, 5);
        K.fill(b, 1, 3, 0.1);
        Expect.exact("fill", new int[] {5}, new double[] {0, 0.1f, 0.1f, 0.1f, 0}, b);
        assertThrows(IllegalArgumentException.class, () -> K.fill(b, 3, 3, 1.0));
    }
}
