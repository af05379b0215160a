package dev.faltung.kernel.simd;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;

/** Element-wise comparison with messages that name the op, the case, the first bad index and both values. */
final class Check {

    private Check() {
    }

    /**
     * |actual − float(expected)| ≤ atol + rtol·|expected|, NaN only where NaN is expected,
     * infinities equal: with zero tolerances, actual is the expected value rounded once to float.
     */
    static void close(String what, double[] expected, float[] actual, double rtol, double atol) {
        if (expected.length > actual.length) {
            fail(what + ": expected " + expected.length + " values, buffer holds " + actual.length);
        }
        for (int i = 0; i < expected.length; i++) {
            double e = (float) expected[i];
            double a = actual[i];
            boolean ok = Double.isNaN(e) ? Double.isNaN(a)
                    : Double.isInfinite(e) ? e == a
                    : Math.abs(a - e) <= atol + rtol * Math.abs(e);
            if (!ok) {
                fail(what + ": first mismatch at index " + i + ": expected " + e + ", got " + a
                        + " (rtol " + rtol + ", atol " + atol + ")");
            }
        }
    }

    static void close(String what, double[] expected, double[] actual, double rtol, double atol) {
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            double a = actual[i];
            if (!(Double.isNaN(e) ? Double.isNaN(a) : Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
                fail(what + ": first mismatch at index " + i + ": expected " + e + ", got " + a);
            }
        }
    }

    static void identical(String what, float[] expected, float[] actual) {
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                fail(what + ": first difference at index " + i + ": " + expected[i] + " vs " + actual[i]);
            }
        }
    }

    static float[] randomFloats(Random rnd, int n, double lo, double hi) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) (lo + (hi - lo) * rnd.nextDouble());
        }
        return f;
    }
}
