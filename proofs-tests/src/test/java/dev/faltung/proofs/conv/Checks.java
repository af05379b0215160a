package dev.faltung.proofs.conv;

import dev.faltung.kernel.Buffer;
import dev.faltung.kernel.conv.ConvGeometry;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.fail;

/** Element-wise comparisons whose failures name the op, shape, first bad index and both values. */
final class Checks {

    private Checks() {
    }

    static String describe(ConvGeometry g) {
        return "x" + Arrays.toString(g.inputShape()) + " w" + Arrays.toString(g.weightShape())
                + " stride " + g.strideH() + "x" + g.strideW()
                + " pad " + g.padTop() + "," + g.padBottom() + "," + g.padLeft() + "," + g.padRight()
                + " dilation " + g.dilationH() + "x" + g.dilationW() + " groups " + g.groups();
    }

    static double maxAbs(double[] v) {
        double m = 0;
        for (double d : v) m = Math.max(m, Math.abs(d));
        return m;
    }

    static double maxAbs(Buffer b) {
        return maxAbs(b.toDoubles());
    }

    /** {@code |expected[i] - actual[i]| <= tol} for every i. */
    static void close(String what, double[] expected, Buffer actual, double tol) {
        close(what, expected, actual.toDoubles(), tol);
    }

    static void close(String what, double[] expected, double[] actual, double tol) {
        if (expected.length != actual.length) {
            fail(what + ": length " + actual.length + ", expected " + expected.length);
        }
        for (int i = 0; i < expected.length; i++) {
            if (!(Math.abs(expected[i] - actual[i]) <= tol)) {
                fail(what + ": first bad index " + i + " of " + expected.length + ": expected " + expected[i]
                        + ", got " + actual[i] + " (tolerance " + tol + ")");
            }
        }
    }
}
