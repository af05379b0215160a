package dev.faltung.kernel.reference;

import static dev.faltung.kernel.reference.Expect.K;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faltung.kernel.Buffer;
import dev.faltung.kernel.DType;
import dev.faltung.kernel.random.CounterRandom;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RandomKernelTest {

    private static final int DRAWS = 100_000;

    private static double[] uniform(long seed, long offset, int n) {
        Buffer b = Buffer.allocate(DType.FLOAT64, n);
        K.uniform(seed, offset, 0, 1, b);
        return Expect.values(b);
    }

    @Test
    void sameSeedAndOffsetGiveTheSameNumbers() {
        assertTrue(Arrays.equals(uniform(42, 7, 100), uniform(42, 7, 100)));
        assertFalse(Arrays.equals(uniform(42, 7, 100), uniform(43, 7, 100)), "another seed, another stream");
    }

    @Test
    void anOffsetShiftsTheStream() {
        double[] whole = uniform(42, 0, 30), tail = uniform(42, 10, 20);
        Expect.exact("uniform offset 10", new int[] {20}, Arrays.copyOfRange(whole, 10, 30),
                Expect.buffer(DType.FLOAT64, tail));
    }

    @Test
    void valuesAreTheCounterRandomFormulas() {
        Buffer u = Buffer.allocate(DType.FLOAT64, 5), z = Buffer.allocate(DType.FLOAT64, 5), m = Buffer.allocate(DType.FLOAT64, 5);
        K.uniform(9, 3, -2, 4, u);
        K.normal(9, 3, 1.5, 0.5, z);
        K.bernoulli(9, 3, 0.5, m);
        double[] eu = new double[5], ez = new double[5], em = new double[5];
        for (int i = 0; i < 5; i++) {
            eu[i] = -2 + 6 * CounterRandom.uniform(9, 3 + i);
            ez[i] = 1.5 + 0.5 * CounterRandom.normal(9, 3 + i);
            em[i] = CounterRandom.uniform(9, 3 + i) < 0.5 ? 1 : 0;
        }
        Expect.exact("uniform", new int[] {5}, eu, u);
        Expect.exact("normal", new int[] {5}, ez, z);
        Expect.exact("bernoulli", new int[] {5}, em, m);
    }

    @Test
    void uniformIsInRangeWithMeanOneHalf() {
        Buffer b = Buffer.allocate(DType.FLOAT64, DRAWS);
        K.uniform(1, 0, 0, 1, b);
        double sum = 0;
        for (int i = 0; i < DRAWS; i++) {
            assertTrue(b.get(i) >= 0 && b.get(i) < 1, "uniform draw " + i + " = " + b.get(i));
            sum += b.get(i);
        }
        assertEquals(0.5, sum / DRAWS, 0.005, "uniform mean (standard error 0.0009)");
    }

    @Test
    void normalHasMeanZeroAndStandardDeviationOne() {
        Buffer b = Buffer.allocate(DType.FLOAT64, DRAWS);
        K.normal(2, 0, 0, 1, b);
        double sum = 0, squares = 0;
        for (int i = 0; i < DRAWS; i++) {
            sum += b.get(i);
            squares += b.get(i) * b.get(i);
        }
        double mean = sum / DRAWS;
        assertEquals(0.0, mean, 0.02, "normal mean (standard error 0.003)");
        assertEquals(1.0, Math.sqrt(squares / DRAWS - mean * mean), 0.02, "normal std (standard error 0.002)");
    }

    @Test
    void bernoulliRateIsP() {
        Buffer b = Buffer.allocate(DType.FLOAT32, DRAWS);
        K.bernoulli(3, 0, 0.3, b);
        double ones = 0;
        for (int i = 0; i < DRAWS; i++) {
            assertTrue(b.get(i) == 0 || b.get(i) == 1, "bernoulli draw " + i + " = " + b.get(i));
            ones += b.get(i);
        }
        assertEquals(0.3, ones / DRAWS, 0.01, "bernoulli rate (standard error 0.0015)");
    }

    @Test
    void float32IsTheFloat64ResultRoundedOnce() {
        Expect.roundedOnce("uniform", new int[] {64}, dtype -> {
            Buffer b = Buffer.allocate(dtype, 64);
            K.uniform(5, 11, -1, 3, b);
            return b;
        });
        Expect.roundedOnce("normal", new int[] {64}, dtype -> {
            Buffer b = Buffer.allocate(dtype, 64);
            K.normal(5, 11, 0.1, 2, b);
            return b;
        });
    }
}
