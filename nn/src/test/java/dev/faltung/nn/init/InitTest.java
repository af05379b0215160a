package dev.faltung.nn.init;

import dev.faltung.nn.Seeds;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faltung.autodiff.Tensor;
import dev.faltung.kernel.DType;
import org.junit.jupiter.api.Test;

class InitTest {

    @Test
    void aLargestTensorBoundRefusesBiggerParametersBeforeAllocatingThem() {
        assertEquals(12, Init.withLargestTensor(12, () -> Init.defaultWeight(1, DType.FLOAT32, 3, 4)).numel());
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> Init.withLargestTensor(12, () -> Init.normal(1, 1, DType.FLOAT32, 1 << 30, 1 << 30)));
        assertTrue(e.getMessage().contains("[1073741824, 1073741824]") && e.getMessage().contains("12 elements"),
                e.getMessage());
        // The bound ends with the build.
        assertEquals(13, Init.uniform(1, 0, 1, DType.FLOAT32, 13).numel());
    }

    @Test
    void fansFollowPyTorchForLinearAndConvWeights() {
        assertArrayEquals(new int[] {20, 10}, Init.fans(new int[] {10, 20}));
        assertArrayEquals(new int[] {3 * 25, 8 * 25}, Init.fans(new int[] {8, 3, 5, 5}));
    }

    private static double[] stats(Tensor t) {
        double[] v = t.toDoubleArray();
        double mean = 0, sq = 0, max = 0;
        for (double x : v) {
            mean += x;
            sq += x * x;
            max = Math.max(max, Math.abs(x));
        }
        mean /= v.length;
        return new double[] {mean, sq / v.length - mean * mean, max};
    }

    @Test
    void uniformInitialisersRespectTheirBounds() {
        int[] shape = {64, 32, 3, 3}; // fan_in 288, fan_out 576
        assertTrue(stats(Init.kaimingUniform(1, 0, Init.Mode.FAN_IN, DType.FLOAT64, shape))[2] <= Math.sqrt(6.0 / 288));
        assertTrue(stats(Init.xavierUniform(1, 1, DType.FLOAT64, shape))[2] <= Math.sqrt(6.0 / (288 + 576)));
        assertTrue(stats(Init.lecunUniform(1, DType.FLOAT64, shape))[2] <= Math.sqrt(3.0 / 288));
        assertTrue(stats(Init.defaultWeight(1, DType.FLOAT64, shape))[2] <= 1 / Math.sqrt(288));
    }

    @Test
    void normalInitialisersHaveTheirVariance() {
        int[] shape = {256, 128, 3, 3}; // 294,912 samples: variance within ~1%
        assertEquals(2.0 / (128 * 9), stats(Init.kaimingNormal(2, 0, Init.Mode.FAN_IN, DType.FLOAT64, shape))[1],
                0.02 * 2.0 / (128 * 9));
        assertEquals(2.0 / (256 * 9), stats(Init.kaimingNormal(2, 0, Init.Mode.FAN_OUT, DType.FLOAT64, shape))[1],
                0.02 * 2.0 / (256 * 9));
        assertEquals(2.0 / (384 * 9), stats(Init.xavierNormal(3, 1, DType.FLOAT64, shape))[1], 0.02 * 2.0 / (384 * 9));
        assertEquals(1.0 / (128 * 9), stats(Init.lecunNormal(4, DType.FLOAT64, shape))[1], 0.02 / (128 * 9));
    }

    @Test
    void seedsAreReproducibleAndDistinct() {
        assertEquals(Seeds.derive(5, 1), Seeds.derive(5, 1));
        assertTrue(Seeds.derive(5, 1) != Seeds.derive(5, 2) && Seeds.derive(5, 1) != Seeds.derive(6, 1));
    }
}
