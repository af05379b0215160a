package dev.faltung.kernel.reference;

import static dev.faltung.kernel.reference.Expect.K;
import static dev.faltung.kernel.reference.Expect.buffer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faltung.kernel.Buffer;
import dev.faltung.kernel.DType;
import dev.faltung.kernel.UnaryOp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class UnaryKernelTest {

    private static final double NAN = Double.NaN, INF = Double.POSITIVE_INFINITY;
    private static final double LN3 = Math.log(3);

    /** Hand-computed cases: alpha, inputs, expected outputs. The switch has a case per op, so a new op fails to compile here. */
    private record Case(double alpha, double[] x, double[] y) {
    }

    private static Case handCase(UnaryOp op) {
        return switch (op) {
            case NEG -> new Case(0, new double[] {2, -0.5, 0}, new double[] {-2, 0.5, -0.0});
            case ABS -> new Case(0, new double[] {-3, 2, -0.0}, new double[] {3, 2, 0});
            case EXP -> new Case(0, new double[] {0, 1, -INF, 710}, new double[] {1, Math.E, 0, INF});
            case LOG -> new Case(0, new double[] {1, Math.E, 0, -1}, new double[] {0, 1, -INF, NAN});
            case SQRT -> new Case(0, new double[] {9, 2, -1}, new double[] {3, Math.sqrt(2), NAN});
            case SQUARE -> new Case(0, new double[] {-3, 0.5}, new double[] {9, 0.25});
            case RECIPROCAL -> new Case(0, new double[] {4, 0, -0.0}, new double[] {0.25, INF, -INF});
            case TANH -> new Case(0, new double[] {0, 0.5, 40, -40}, new double[] {0, 0.46211715726000974, 1, -1});
            case SIGMOID -> new Case(0, new double[] {0, LN3, -LN3, 1000, -1000},
                    new double[] {0.5, 0.75, 0.25, 1, 0});
            case RELU -> new Case(0, new double[] {-1, 2, 0, NAN}, new double[] {0, 2, 0, NAN});
            case LEAKY_RELU -> new Case(0.1, new double[] {-2, 3, 0}, new double[] {-0.2, 3, 0});
            case ELU -> new Case(2, new double[] {-1, 3, -INF}, new double[] {2 * (Math.exp(-1) - 1), 3, -2});
            case SOFTPLUS -> new Case(0, new double[] {0, 1000, -1000, -30, 30},
                    new double[] {Math.log(2), 1000, 0, 9.357622968840175e-14, 30.000000000000092});
            case POW -> new Case(3, new double[] {2, -2, 0.5}, new double[] {8, -8, 0.125});
            case SCALE -> new Case(3, new double[] {2, -1}, new double[] {6, -3});
            case ADD_SCALAR -> new Case(-1.5, new double[] {2, 0}, new double[] {0.5, -1.5});
            case MAX_SCALAR -> new Case(1, new double[] {0, 2, NAN}, new double[] {1, 2, NAN});
            case MIN_SCALAR -> new Case(1, new double[] {0, 2, NAN}, new double[] {0, 1, NAN});
            case GREATER_SCALAR -> new Case(1, new double[] {1, 2, 0, NAN}, new double[] {0, 1, 0, 0});
            case SIGN -> new Case(0, new double[] {-3, 0, 5, -INF}, new double[] {-1, 0, 1, -1});
        };
    }

    @ParameterizedTest
    @EnumSource(UnaryOp.class)
    void everyOpMatchesItsHandComputedValues(UnaryOp op) {
        Case c = handCase(op);
        Buffer out = Buffer.allocate(DType.FLOAT64, c.x().length);
        K.unary(op, c.alpha(), buffer(DType.FLOAT64, c.x()), out);
        Expect.near("unary " + op, new int[] {c.x().length}, c.y(), out, 1e-15);
    }

    @ParameterizedTest
    @EnumSource(UnaryOp.class)
    void float32IsTheFloat64ResultRoundedOnce(UnaryOp op) {
        double[] x = Expect.floats(op.ordinal(), 33, -4, 4);
        double alpha = op == UnaryOp.POW ? 2.5 : 0.7;
        Expect.roundedOnce("unary " + op, new int[] {33}, dtype -> {
            Buffer out = Buffer.allocate(dtype, x.length);
            K.unary(op, alpha, buffer(dtype, x), out);
            return out;
        });
    }

    @Test
    void sigmoidAndSoftplusStayFiniteAndAccurateForLargeMagnitudes() {
        double[] x = {-800, -745, -50, 50, 745, 800};
        Buffer s = Buffer.allocate(DType.FLOAT64, x.length);
        Buffer p = Buffer.allocate(DType.FLOAT64, x.length);
        K.unary(UnaryOp.SIGMOID, 0, buffer(DType.FLOAT64, x), s);
        K.unary(UnaryOp.SOFTPLUS, 0, buffer(DType.FLOAT64, x), p);
        for (int i = 0; i < x.length; i++) {
            assertTrue(Double.isFinite(s.get(i)) && s.get(i) >= 0 && s.get(i) <= 1, "sigmoid(" + x[i] + ") = " + s.get(i));
            assertTrue(Double.isFinite(p.get(i)) && p.get(i) >= 0, "softplus(" + x[i] + ") = " + p.get(i));
        }
        assertEquals(Math.exp(-50), s.get(2), 1e-15 * Math.exp(-50), "sigmoid(-50) ~ e^-50, not 0 from 1 - 1");
        assertEquals(Math.exp(-50), p.get(2), 1e-15 * Math.exp(-50), "softplus(-50) ~ e^-50");
        assertEquals(800.0, p.get(5), "softplus(800) = 800 without overflow");
    }

    @Test
    void sigmoidIsSymmetric() {
        double[] x = Expect.floats(7, 50, -20, 20);
        double[] minus = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            minus[i] = -x[i];
        }
        Buffer a = Buffer.allocate(DType.FLOAT64, x.length), b = Buffer.allocate(DType.FLOAT64, x.length);
        K.unary(UnaryOp.SIGMOID, 0, buffer(DType.FLOAT64, x), a);
        K.unary(UnaryOp.SIGMOID, 0, buffer(DType.FLOAT64, minus), b);
        for (int i = 0; i < x.length; i++) {
            assertEquals(1.0, a.get(i) + b.get(i), 1e-15, "sigmoid(x) + sigmoid(-x) at x = " + x[i]);
        }
    }

    @Test
    void outMayAliasX() {
        Buffer x = buffer(DType.FLOAT32, 1, -2, 3);
        K.unary(UnaryOp.SQUARE, 0, x, x);
        Expect.exact("unary SQUARE in place", new int[] {3}, new double[] {1, 4, 9}, x);
    }

    @Test
    void mismatchedSizesAreRejectedNamingTheOp() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> K.unary(UnaryOp.EXP, 0, Buffer.allocate(DType.FLOAT64, 3), Buffer.allocate(DType.FLOAT64, 2)));
        assertTrue(e.getMessage().contains("unary EXP"), e.getMessage());
    }
}
