package dev.faltung.kernel.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.faltung.kernel.Buffer;
import dev.faltung.kernel.DType;
import dev.faltung.kernel.ReduceOp;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Reductions, argmax, softmax (and its log and backward forms) and moments agree with the
 * float64 oracle, over every axis subset of small shapes with SIMD-hostile extents. Sums
 * accumulate in double, so sums are within 2 float ulps (rtol 2.5e-7 plus a cancellation term);
 * max/min and argmax are exact; softmax is within a few ulps (exp on vectors).
 */
class FloatReductionsTest {

    private static final SimdKernels KERNELS = new SimdKernels(1);

    @Test
    void reduceOverEveryAxisSubset() {
        Random rnd = new Random(1);
        int[][] shapes = {{}, {0}, {1}, {17}, {33, 7}, {3, 16, 5}, {2, 3, 17}, {4, 1, 15, 2}, {2, 0, 3}};
        for (int[] shape : shapes) {
            int rank = shape.length;
            float[] x = Check.randomFloats(rnd, Shapes.size(shape), -2, 2);
            for (int mask = 0; mask < 1 << rank; mask++) {
                int[] axesArr = new int[Integer.bitCount(mask)];
                int outSize = 1;
                for (int d = 0, j = 0; d < rank; d++) {
                    if ((mask >> d & 1) != 0) {
                        axesArr[j++] = d;
                    } else {
                        outSize *= shape[d];
                    }
                }
                for (ReduceOp op : ReduceOp.values()) {
                    if (outSize > 0 && x.length == 0 && op != ReduceOp.SUM) {
                        continue; // max/min of nothing: see emptyMaxIsRejected
                    }
                    float[] out = new float[outSize];
                    KERNELS.reduce(op, Buffer.of(x), shape, axesArr, Buffer.of(out));
                    Buffer want = Buffer.allocate(DType.FLOAT64, outSize);
                    Oracle.REFERENCE.reduce(op, Oracle.widen(x), shape, axesArr, want);
                    Check.close("reduce " + op + " shape " + Arrays.toString(shape) + " axes " + Arrays.toString(axesArr),
                            Oracle.doubles(want), out, op == ReduceOp.SUM ? 2.5e-7 : 0, op == ReduceOp.SUM ? 1e-6 : 0);
                }
            }
        }
    }

    @Test
    void emptyMaxIsRejected() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> KERNELS.reduce(ReduceOp.MAX,
                Buffer.of(new float[0]), new int[] {3, 0}, new int[] {1}, Buffer.of(new float[3])));
    }

    @Test
    void reduceMaxPropagatesNaN() {
        float[] x = new float[40];
        x[37] = Float.NaN;
        float[] out = new float[1];
        KERNELS.reduce(ReduceOp.MAX, Buffer.of(x), new int[] {40}, new int[] {0}, Buffer.of(out));
        Check.close("reduce MAX with NaN [40]", new double[] {Double.NaN}, out, 0, 0);
    }

    @Test
    void argmaxTakesTheFirstMaximumAndNaN() {
        Random rnd = new Random(2);
        for (int[] v : new int[][] {{1, 1, 1}, {3, 17, 1}, {2, 5, 33}, {1, 100, 7}}) {
            float[] x = new float[v[0] * v[1] * v[2]];
            for (int i = 0; i < x.length; i++) {
                x[i] = rnd.nextInt(5); // ties
            }
            if (x.length > 3) {
                x[3] = Float.NaN;
            }
            int[] got = new int[v[0] * v[2]];
            int[] want = new int[got.length];
            KERNELS.argmax(Buffer.of(x), v[0], v[1], v[2], got);
            Oracle.REFERENCE.argmax(Oracle.widen(x), v[0], v[1], v[2], want);
            assertArrayEquals(want, got, "argmax view " + Arrays.toString(v));
        }
    }

    @Test
    void softmaxForwardAndBackwardMatchTheOracle() {
        Random rnd = new Random(3);
        for (int[] v : new int[][] {{1, 1, 1}, {3, 7, 1}, {2, 16, 1}, {4, 17, 1}, {2, 100, 1}, {2, 15, 3}, {1, 33, 16}}) {
            int n = v[0] * v[1] * v[2];
            for (boolean log : new boolean[] {false, true}) {
                String what = (log ? "logSoftmax" : "softmax") + " view " + Arrays.toString(v);
                float[] x = Check.randomFloats(rnd, n, -20, 20);
                float[] y = new float[n];
                KERNELS.softmax(Buffer.of(x), v[0], v[1], v[2], log, Buffer.of(y));
                Buffer want = Buffer.allocate(DType.FLOAT64, n);
                Oracle.REFERENCE.softmax(Oracle.widen(x), v[0], v[1], v[2], log, want);
                // x − max rounds in float: relative error up to (|x − max| + 4)·2^-24, |x − max| ≤ 40 here.
                Check.close(what, Oracle.doubles(want), y, 3e-6, log ? 1e-5 : 0);

                float[] dy = Check.randomFloats(rnd, n, -1, 1);
                float[] dx = new float[n];
                KERNELS.softmaxBackward(Buffer.of(y), Buffer.of(dy), v[0], v[1], v[2], log, Buffer.of(dx));
                Buffer wantDx = Buffer.allocate(DType.FLOAT64, n);
                Oracle.REFERENCE.softmaxBackward(Oracle.widen(y), Oracle.widen(dy), v[0], v[1], v[2], log, wantDx);
                Check.close(what + " backward", Oracle.doubles(wantDx), dx, 1e-5, 1e-6);
            }
        }
    }

    @Test
    void logSoftmaxOfLargeLogitsKeepsTheWinnersSmallLogProbability() {
        // A confident row's winner has log-probability -log(1 + e^-10 + ...) ≈ -4.5e-5, below the
        // float ulp of logits near 500 (3e-5): (x - max) - log Σ keeps it to float precision of
        // its own size, where x - (max + log Σ) rounded the shift to that ulp first.
        float[] x = {500f, 490f, 485f, 480f, 470f};
        float[] y = new float[x.length];
        KERNELS.softmax(Buffer.of(x), 1, x.length, 1, true, Buffer.of(y));
        Buffer want = Buffer.allocate(DType.FLOAT64, x.length);
        Oracle.REFERENCE.softmax(Oracle.widen(x), 1, x.length, 1, true, want);
        Check.close("logSoftmax of logits near 500", Oracle.doubles(want), y, 1e-6, 0);
    }

    @Test
    void softmaxRowsSumToOneAndMayBeComputedInPlace() {
        float[] x = Check.randomFloats(new Random(4), 5 * 33, -50, 50);
        KERNELS.softmax(Buffer.of(x), 5, 33, 1, false, Buffer.of(x));
        for (int r = 0; r < 5; r++) {
            double s = 0;
            for (int j = 0; j < 33; j++) {
                s += x[r * 33 + j];
            }
            Check.close("softmax row " + r + " sum", new double[] {1}, new float[] {(float) s}, 1e-6, 0);
        }
    }

    @Test
    void momentsMatchTheOracle() {
        Random rnd = new Random(5);
        for (int[] v : new int[][] {{1, 1, 1}, {2, 3, 17}, {4, 2, 100}, {3, 5, 1}, {0, 2, 3}}) {
            float[] x = Check.randomFloats(rnd, v[0] * v[1] * v[2], 5, 7); // an offset mean tests the second pass
            float[] mean = new float[v[1]];
            float[] var = new float[v[1]];
            KERNELS.moments(Buffer.of(x), v[0], v[1], v[2], Buffer.of(mean), Buffer.of(var));
            Buffer wm = Buffer.allocate(DType.FLOAT64, v[1]);
            Buffer wv = Buffer.allocate(DType.FLOAT64, v[1]);
            Oracle.REFERENCE.moments(Oracle.widen(x), v[0], v[1], v[2], wm, wv);
            Check.close("moments mean view " + Arrays.toString(v), Oracle.doubles(wm), mean, 1e-7, 0);
            Check.close("moments var view " + Arrays.toString(v), Oracle.doubles(wv), var, 1e-6, 0);
        }
    }
}
