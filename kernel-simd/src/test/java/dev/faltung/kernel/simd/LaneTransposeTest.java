package dev.faltung.kernel.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link LaneTranspose} moves exactly the block it is given, in the registers or through a copy. */
class LaneTransposeTest {

    private static final int L = LaneTranspose.L;

    @Test
    void everyBlockShapeBecomesItsTransposePlusTheConstantAndNothingElseIsWritten() {
        Random rnd = new Random(5);
        for (int rows = 1; rows <= L; rows++) {
            for (int cols = 1; cols <= L; cols++) {
                // Sources that end right after the block's last row take the copying path.
                for (int slack : new int[] {L, 0}) {
                    int srcAt = 3, srcStride = L + 5, dstAt = 7, dstStride = L + 2;
                    float[] src = new float[srcAt + (rows - 1) * srcStride + cols + slack];
                    for (int i = 0; i < src.length; i++) src[i] = rnd.nextFloat();
                    float[] dst = new float[dstAt + L * dstStride + L];
                    Arrays.fill(dst, -7f);
                    LaneTranspose.transpose(src, srcAt, srcStride, rows, cols, dst, dstAt, dstStride, 0.5f);
                    for (int at = 0; at < dst.length; at++) {
                        int j = (at - dstAt) / dstStride, i = (at - dstAt) % dstStride;
                        boolean inBlock = at >= dstAt && j < cols && i < rows;
                        float want = inBlock ? src[srcAt + i * srcStride + j] + 0.5f : -7f;
                        assertEquals(want, dst[at], rows + "x" + cols + " block, slack " + slack + ", at " + at);
                    }
                }
            }
        }
    }
}
