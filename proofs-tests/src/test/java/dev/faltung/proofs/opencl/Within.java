package dev.faltung.proofs.opencl;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;

/**
 * Element-wise comparison of the device's float32 result with the reference's float64 one,
 * under a tolerance per element; a failure names the backend, the op, the shape, the first bad
 * index and both values. NaN matches NaN; a tolerance of 0 demands the same number.
 */
final class Within {

    static final double U = 0x1p-24; // float32 unit roundoff

    private Within() {
    }

    static void check(String op, int[] shape, double[] expected, float[] actual, double[] tolerance) {
        if (expected.length != actual.length) {
            fail("opencl " + op + " shape " + Arrays.toString(shape) + ": " + actual.length + " elements, expected "
                    + expected.length);
        }
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i], a = actual[i];
            boolean ok = Double.isNaN(e) ? Double.isNaN(a) : e == a || Math.abs(a - e) <= tolerance[i];
            if (!ok) {
                fail("opencl " + op + " shape " + Arrays.toString(shape) + ": first bad index " + i + " of "
                        + expected.length + ": reference " + e + ", opencl " + a + " (|diff| " + Math.abs(a - e)
                        + ", tolerance " + tolerance[i] + ")");
            }
        }
    }

    /** {@code |a - e| <= rel·|e| + abs}. */
    static void relative(String op, int[] shape, double[] expected, float[] actual, double rel, double abs) {
        double[] tol = new double[expected.length];
        for (int i = 0; i < tol.length; i++) {
            tol[i] = rel * Math.abs(expected[i]) + abs;
        }
        check(op, shape, expected, actual, tol);
    }

    /** The same numbers (data movement, max/min, exact draws). */
    static void exact(String op, int[] shape, double[] expected, float[] actual) {
        check(op, shape, expected, actual, new double[expected.length]);
    }

    /** {@code factor·bound[i]}: a summation bound computed from magnitudes. */
    static double[] scaled(double[] bound, double factor) {
        double[] t = new double[bound.length];
        for (int i = 0; i < t.length; i++) {
            t[i] = factor * bound[i];
        }
        return t;
    }

    static double[] widen(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    static double[] abs(double[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = Math.abs(v[i]);
        }
        return d;
    }

    static double maxAbs(float[] v) {
        double m = 0;
        for (float f : v) {
            m = Math.max(m, Math.abs(f));
        }
        return m;
    }
}
