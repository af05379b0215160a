package dev.faltung.kernel.reference;

import static dev.faltung.kernel.reference.Expect.K;
import static dev.faltung.kernel.reference.Expect.buffer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faltung.kernel.Buffer;
import dev.faltung.kernel.DType;
import dev.faltung.kernel.ReduceOp;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ReduceKernelTest {

    private static final double NAN = Double.NaN;
    private static final int[] SHAPE = {2, 3, 4};
    private static final List<int[]> AXES = List.of(new int[] {}, new int[] {0}, new int[] {1}, new int[] {2},
            new int[] {0, 1}, new int[] {0, 2}, new int[] {1, 2}, new int[] {0, 1, 2});

    @Test
    void sumsRowsAndColumnsOfAMatrix() {
        Buffer x = buffer(DType.FLOAT64, 1, 2, 3, 4, 5, 6);
        Buffer rows = Buffer.allocate(DType.FLOAT64, 2), cols = Buffer.allocate(DType.FLOAT64, 3);
        Buffer all = Buffer.allocate(DType.FLOAT64, 1);
        K.reduce(ReduceOp.SUM, x, new int[] {2, 3}, new int[] {1}, rows);
        K.reduce(ReduceOp.SUM, x, new int[] {2, 3}, new int[] {0}, cols);
        K.reduce(ReduceOp.SUM, x, new int[] {2, 3}, new int[] {0, 1}, all);
        Expect.exact("reduce SUM axis 1", new int[] {2, 1}, new double[] {6, 15}, rows);
        Expect.exact("reduce SUM axis 0", new int[] {1, 3}, new double[] {5, 7, 9}, cols);
        Expect.exact("reduce SUM all", new int[] {1, 1}, new double[] {21}, all);
    }

    @ParameterizedTest
    @EnumSource(ReduceOp.class)
    void everyAxisSetOfA3dTensorMatchesNestedLoops(ReduceOp op) {
        double[] x = Expect.floats(11, 24, -5, 5);
        for (int[] axes : AXES) {
            int[] kept = SHAPE.clone();
            for (int a : axes) {
                kept[a] = 1;
            }
            double[] expected = new double[kept[0] * kept[1] * kept[2]];
            boolean[] seen = new boolean[expected.length];
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 3; j++) {
                    for (int k = 0; k < 4; k++) {
                        int o = ((i % kept[0]) * kept[1] + (j % kept[1])) * kept[2] + (k % kept[2]);
                        double v = x[(i * 3 + j) * 4 + k];
                        expected[o] = !seen[o] ? v : switch (op) {
                            case SUM -> expected[o] + v;
                            case MAX -> Math.max(expected[o], v);
                            case MIN -> Math.min(expected[o], v);
                        };
                        seen[o] = true;
                    }
                }
            }
            Buffer out = Buffer.allocate(DType.FLOAT64, expected.length);
            K.reduce(op, buffer(DType.FLOAT64, x), SHAPE, axes, out);
            Expect.exact("reduce " + op + " axes " + java.util.Arrays.toString(axes), kept, expected, out);
        }
    }

    @Test
    void sumsInIncreasingIndexOrder() {
        // ((1e16 + 1) - 1e16) + 1 = 1 in left-to-right double arithmetic; another order gives 0 or 2.
        Buffer out = Buffer.allocate(DType.FLOAT64, 1);
        K.reduce(ReduceOp.SUM, buffer(DType.FLOAT64, 1e16, 1, -1e16, 1), new int[] {4}, new int[] {0}, out);
        Expect.exact("reduce SUM order", new int[] {1}, new double[] {1}, out);
    }

    @Test
    void maxAndMinPropagateNaN() {
        Buffer x = buffer(DType.FLOAT64, 1, NAN, 3, 4, 5, 6);
        Buffer max = Buffer.allocate(DType.FLOAT64, 2), min = Buffer.allocate(DType.FLOAT64, 2);
        K.reduce(ReduceOp.MAX, x, new int[] {2, 3}, new int[] {1}, max);
        K.reduce(ReduceOp.MIN, x, new int[] {2, 3}, new int[] {1}, min);
        Expect.exact("reduce MAX with NaN", new int[] {2, 1}, new double[] {NAN, 6}, max);
        Expect.exact("reduce MIN with NaN", new int[] {2, 1}, new double[] {NAN, 4}, min);
    }

    @ParameterizedTest
    @EnumSource(ReduceOp.class)
    void float32IsTheFloat64ResultRoundedOnce(ReduceOp op) {
        double[] x = Expect.floats(12, 24, -1, 1);
        for (int[] axes : AXES) {
            int[] kept = SHAPE.clone();
            for (int a : axes) {
                kept[a] = 1;
            }
            int n = kept[0] * kept[1] * kept[2];
            Expect.roundedOnce("reduce " + op, kept, dtype -> {
                Buffer out = Buffer.allocate(dtype, n);
                K.reduce(op, buffer(dtype, x), SHAPE, axes, out);
                return out;
            });
        }
    }

    @Test
    void emptySumIsZeroAndEmptyMaxIsRejected() {
        Buffer out = buffer(DType.FLOAT64, 7, 7);
        K.reduce(ReduceOp.SUM, Buffer.allocate(DType.FLOAT64, 0), new int[] {2, 0}, new int[] {1}, out);
        Expect.exact("reduce SUM over empty axis", new int[] {2, 1}, new double[] {0, 0}, out);
        assertThrows(IllegalArgumentException.class, () -> K.reduce(ReduceOp.MAX, Buffer.allocate(DType.FLOAT64, 0),
                new int[] {2, 0}, new int[] {1}, Buffer.allocate(DType.FLOAT64, 2)));
    }

    @Test
    void unsortedAxesAreRejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> K.reduce(ReduceOp.SUM,
                Buffer.allocate(DType.FLOAT64, 24), SHAPE, new int[] {2, 0}, Buffer.allocate(DType.FLOAT64, 3)));
        assertTrue(e.getMessage().contains("reduce SUM") && e.getMessage().contains("[2, 0]"), e.getMessage());
    }

    @Test
    void argmaxTakesTheFirstMaximumAlongTheMiddleAxis() {
        // [outer=2, dim=3, inner=2]
        Buffer x = buffer(DType.FLOAT64,
                1, 9,
                5, 9,
                5, 2,
                -1, 0,
                -3, NAN,
                -1, NAN);
        int[] out = new int[4];
        K.argmax(x, 2, 3, 2, out);
        assertArrayEquals(new int[] {1, 0, 0, 1}, out, "argmax: ties give the first index, the first NaN wins");
    }
}
