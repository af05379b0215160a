package dev.faltung.kernel.reference;

import static dev.faltung.kernel.reference.Expect.K;
import static dev.faltung.kernel.reference.Expect.buffer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faltung.kernel.Buffer;
import dev.faltung.kernel.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SoftmaxKernelTest {

    private static final int OUTER = 2, DIM = 5, INNER = 3, N = OUTER * DIM * INNER;
    private static final int[] SHAPE = {OUTER, DIM, INNER};

    private static double[] softmax(double[] x, boolean log) {
        Buffer y = Buffer.allocate(DType.FLOAT64, x.length);
        K.softmax(buffer(DType.FLOAT64, x), OUTER, DIM, INNER, log, y);
        return Expect.values(y);
    }

    @Test
    void handComputedRow() {
        // softmax([0, ln 3]) = [1/4, 3/4]
        Buffer y = Buffer.allocate(DType.FLOAT64, 2);
        K.softmax(buffer(DType.FLOAT64, 0, Math.log(3)), 1, 2, 1, false, y);
        Expect.near("softmax", new int[] {2}, new double[] {0.25, 0.75}, y, 1e-15);
        K.softmax(buffer(DType.FLOAT64, 0, Math.log(3)), 1, 2, 1, true, y);
        Expect.near("logSoftmax", new int[] {2}, new double[] {Math.log(0.25), Math.log(0.75)}, y, 1e-15);
    }

    @Test
    void everyRowAlongTheMiddleAxisSumsToOne() {
        double[] y = softmax(Expect.floats(31, N, -10, 10), false);
        for (int o = 0; o < OUTER; o++) {
            for (int i = 0; i < INNER; i++) {
                double sum = 0;
                for (int d = 0; d < DIM; d++) {
                    double v = y[(o * DIM + d) * INNER + i];
                    assertTrue(v > 0 && v < 1, "softmax value out of (0,1) at [" + o + "," + d + "," + i + "]: " + v);
                    sum += v;
                }
                assertEquals(1.0, sum, 1e-15, "softmax row [" + o + ",:," + i + "] sum");
            }
        }
    }

    @Test
    void logSoftmaxIsTheLogOfSoftmax() {
        double[] x = Expect.floats(32, N, -10, 10);
        double[] y = softmax(x, false), logY = softmax(x, true);
        double[] expected = new double[N];
        for (int i = 0; i < N; i++) {
            expected[i] = Math.log(y[i]);
        }
        Expect.near("logSoftmax vs log(softmax)", SHAPE, expected, logY, 1e-14);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void isStableForHugeInputs(boolean log) {
        // Shifting every row by a constant changes nothing; 1000 would overflow e^x unshifted.
        double[] x = Expect.floats(33, N, -3, 3), shifted = new double[N];
        for (int i = 0; i < N; i++) {
            shifted[i] = x[i] + 1000;
        }
        Expect.near((log ? "logSoftmax" : "softmax") + " shifted by 1000", SHAPE, softmax(x, log), softmax(shifted, log), 1e-12);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void backwardMatchesCentralDifferences(boolean log) {
        // dx_j = Σ_k dy_k ∂y_k/∂x_j, the derivative estimated as (y(x+h e_j) - y(x-h e_j)) / 2h.
        double[] x = Expect.floats(34, N, -2, 2), dy = Expect.floats(35, N, -1, 1);
        double[] y = softmax(x, log);
        double[] expected = new double[N];
        double h = 1e-6;
        for (int j = 0; j < N; j++) {
            double[] plus = x.clone(), minus = x.clone();
            plus[j] += h;
            minus[j] -= h;
            double[] yp = softmax(plus, log), ym = softmax(minus, log);
            for (int k = 0; k < N; k++) {
                expected[j] += dy[k] * (yp[k] - ym[k]) / (2 * h);
            }
        }
        Buffer dx = Buffer.allocate(DType.FLOAT64, N);
        K.softmaxBackward(buffer(DType.FLOAT64, y), buffer(DType.FLOAT64, dy), OUTER, DIM, INNER, log, dx);
        Expect.near((log ? "logSoftmaxBackward" : "softmaxBackward") + " vs central differences", SHAPE, expected, dx, 1e-8);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void float32IsTheFloat64ResultRoundedOnce(boolean log) {
        double[] x = Expect.floats(36, N, -5, 5), dy = Expect.floats(37, N, -1, 1);
        Expect.roundedOnce(log ? "logSoftmax" : "softmax", SHAPE, dtype -> {
            Buffer y = Buffer.allocate(dtype, N);
            K.softmax(buffer(dtype, x), OUTER, DIM, INNER, log, y);
            return y;
        });
        double[] y = Expect.floats(38, N, log ? -3 : 0, log ? 0 : 1);
        Expect.roundedOnce(log ? "logSoftmaxBackward" : "softmaxBackward", SHAPE, dtype -> {
            Buffer dx = Buffer.allocate(dtype, N);
            K.softmaxBackward(buffer(dtype, y), buffer(dtype, dy), OUTER, DIM, INNER, log, dx);
            return dx;
        });
    }

    @Test
    void momentsAreThePerChannelMeanAndBiasedVariance() {
        // [outer=2, channels=2, inner=2]: channel 0 holds 1,2,5,6 and channel 1 holds 3,4,7,8.
        Buffer mean = Buffer.allocate(DType.FLOAT64, 2), var = Buffer.allocate(DType.FLOAT64, 2);
        K.moments(buffer(DType.FLOAT64, 1, 2, 3, 4, 5, 6, 7, 8), 2, 2, 2, mean, var);
        Expect.exact("moments mean", new int[] {2}, new double[] {3.5, 5.5}, mean);
        Expect.exact("moments var", new int[] {2}, new double[] {4.25, 4.25}, var);
    }

    @Test
    void momentsDoNotCancelForALargeOffset() {
        // Var(1e8 + {0,1,2,3}) = 1.25 exactly; Σx²/n - mean² would lose it in float64.
        Buffer mean = Buffer.allocate(DType.FLOAT64, 1), var = Buffer.allocate(DType.FLOAT64, 1);
        K.moments(buffer(DType.FLOAT64, 1e8, 1e8 + 1, 1e8 + 2, 1e8 + 3), 2, 1, 2, mean, var);
        Expect.exact("moments mean", new int[] {1}, new double[] {1e8 + 1.5}, mean);
        Expect.exact("moments var", new int[] {1}, new double[] {1.25}, var);
    }

    @Test
    void momentsInFloat32AreTheFloat64ResultRoundedOnce() {
        double[] x = Expect.floats(39, 3 * 4 * 5, -2, 2);
        Expect.roundedOnce("moments mean", new int[] {4}, dtype -> {
            Buffer mean = Buffer.allocate(dtype, 4);
            K.moments(buffer(dtype, x), 3, 4, 5, mean, Buffer.allocate(dtype, 4));
            return mean;
        });
        Expect.roundedOnce("moments var", new int[] {4}, dtype -> {
            Buffer var = Buffer.allocate(dtype, 4);
            K.moments(buffer(dtype, x), 3, 4, 5, Buffer.allocate(dtype, 4), var);
            return var;
        });
    }
}
