package dev.faltung.kernel.reference;

import static dev.faltung.kernel.reference.Expect.K;
import static dev.faltung.kernel.reference.Expect.buffer;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faltung.kernel.BinaryOp;
import dev.faltung.kernel.Buffer;
import dev.faltung.kernel.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class BinaryKernelTest {

    private static final double NAN = Double.NaN, INF = Double.POSITIVE_INFINITY;

    private record Case(double[] a, double[] b, double[] y) {
    }

    /** Same-shape hand cases; one per op, so a new op fails to compile here. */
    private static Case handCase(BinaryOp op) {
        return switch (op) {
            case ADD -> new Case(new double[] {1, -2, INF}, new double[] {2, 2, -INF}, new double[] {3, 0, NAN});
            case SUB -> new Case(new double[] {1, -2}, new double[] {2, -2}, new double[] {-1, 0});
            case MUL -> new Case(new double[] {3, -2, 0}, new double[] {2, 4, INF}, new double[] {6, -8, NAN});
            case DIV -> new Case(new double[] {1, 1, -1, 0, 1}, new double[] {4, 0, 0, 0, -0.0},
                    new double[] {0.25, INF, -INF, NAN, -INF});
            case POW -> new Case(new double[] {2, 4, -8, 0}, new double[] {10, 0.5, 1.0 / 3, 0},
                    new double[] {1024, 2, NAN, 1});
            case MAX -> new Case(new double[] {1, 5, NAN, 2}, new double[] {3, 4, 1, NAN}, new double[] {3, 5, NAN, NAN});
            case MIN -> new Case(new double[] {1, 5, NAN, 2}, new double[] {3, 4, 1, NAN}, new double[] {1, 4, NAN, NAN});
            case GREATER -> new Case(new double[] {1, 2, 2, NAN}, new double[] {2, 1, 2, 0}, new double[] {0, 1, 0, 0});
            case EQUAL -> new Case(new double[] {1, 2, 0, NAN}, new double[] {1, 1, -0.0, NAN}, new double[] {1, 0, 1, 0});
        };
    }

    @ParameterizedTest
    @EnumSource(BinaryOp.class)
    void everyOpMatchesItsHandComputedValues(BinaryOp op) {
        Case c = handCase(op);
        int[] shape = {c.a().length};
        Buffer out = Buffer.allocate(DType.FLOAT64, shape[0]);
        K.binary(op, buffer(DType.FLOAT64, c.a()), shape, buffer(DType.FLOAT64, c.b()), shape, out, shape);
        Expect.near("binary " + op, shape, c.y(), out, 1e-15);
    }

    @ParameterizedTest
    @EnumSource(BinaryOp.class)
    void broadcasts2x1x3With4x1ToShape2x4x3(BinaryOp op) {
        int[] aShape = {2, 1, 3}, bShape = {4, 1}, outShape = {2, 4, 3};
        double[] a = Expect.floats(1, 6, 0.5, 3), b = Expect.floats(2, 4, 0.5, 3);
        double[] expected = new double[24];
        var f = ReferenceKernels.binaryFunction(op);
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 4; j++) {
                for (int k = 0; k < 3; k++) {
                    expected[(i * 4 + j) * 3 + k] = f.applyAsDouble(a[i * 3 + k], b[j]);
                }
            }
        }
        Buffer out = Buffer.allocate(DType.FLOAT64, 24);
        K.binary(op, buffer(DType.FLOAT64, a), aShape, buffer(DType.FLOAT64, b), bShape, out, outShape);
        Expect.exact("binary " + op + " [2,1,3]x[4,1]", outShape, expected, out);
    }

    @Test
    void broadcastingTheLeftOperandAndAScalar() {
        // a [3,1] - b [] : every element minus the scalar; then b [3] - a [2,1] the other way round.
        Buffer out = Buffer.allocate(DType.FLOAT64, 3);
        K.binary(BinaryOp.SUB, buffer(DType.FLOAT64, 1, 2, 3), new int[] {3, 1},
                buffer(DType.FLOAT64, 10), new int[] {}, out, new int[] {3, 1});
        Expect.exact("binary SUB [3,1]-[]", new int[] {3, 1}, new double[] {-9, -8, -7}, out);

        Buffer out2 = Buffer.allocate(DType.FLOAT64, 6);
        K.binary(BinaryOp.SUB, buffer(DType.FLOAT64, 1, 2, 3), new int[] {3},
                buffer(DType.FLOAT64, 10, 20), new int[] {2, 1}, out2, new int[] {2, 3});
        Expect.exact("binary SUB [3]-[2,1]", new int[] {2, 3}, new double[] {-9, -8, -7, -19, -18, -17}, out2);

        Buffer scalar = Buffer.allocate(DType.FLOAT64, 1);
        K.binary(BinaryOp.MUL, buffer(DType.FLOAT64, 3), new int[] {}, buffer(DType.FLOAT64, 4), new int[] {},
                scalar, new int[] {});
        Expect.exact("binary MUL []x[]", new int[] {}, new double[] {12}, scalar);
    }

    @Test
    void emptyBroadcastProducesNothing() {
        Buffer out = Buffer.allocate(DType.FLOAT64, 0);
        K.binary(BinaryOp.ADD, Buffer.allocate(DType.FLOAT64, 0), new int[] {0, 3},
                buffer(DType.FLOAT64, 1, 2, 3), new int[] {3}, out, new int[] {0, 3});
    }

    @ParameterizedTest
    @EnumSource(BinaryOp.class)
    void float32IsTheFloat64ResultRoundedOnce(BinaryOp op) {
        double[] a = Expect.floats(3, 6, 0.1, 3), b = Expect.floats(4, 4, 0.1, 3);
        Expect.roundedOnce("binary " + op, new int[] {2, 4, 3}, dtype -> {
            Buffer out = Buffer.allocate(dtype, 24);
            K.binary(op, buffer(dtype, a), new int[] {2, 1, 3}, buffer(dtype, b), new int[] {4, 1}, out, new int[] {2, 4, 3});
            return out;
        });
    }

    @Test
    void incompatibleShapesAreRejectedNamingThem() {
        var e = assertThrows(IllegalArgumentException.class, () -> K.binary(BinaryOp.ADD,
                Buffer.allocate(DType.FLOAT64, 6), new int[] {2, 3}, Buffer.allocate(DType.FLOAT64, 2), new int[] {2},
                Buffer.allocate(DType.FLOAT64, 6), new int[] {2, 3}));
        assertTrue(e.getMessage().contains("binary ADD") && e.getMessage().contains("[2, 3]")
                && e.getMessage().contains("[2]"), e.getMessage());
    }
}
