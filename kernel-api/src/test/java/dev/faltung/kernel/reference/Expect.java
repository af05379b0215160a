package dev.faltung.kernel.reference;

import static org.junit.jupiter.api.Assertions.fail;

import dev.faltung.kernel.Buffer;
import dev.faltung.kernel.DType;
import java.util.Arrays;
import java.util.function.Function;

/** Element-wise assertions for kernel tests; a failure names the op, the shape, the first bad index and both values. */
final class Expect {

    static final ReferenceKernels K = new ReferenceKernels();

    private Expect() {
    }

    /** A buffer of {@code dtype} holding {@code values} (rounded to float for float32). */
    static Buffer buffer(DType dtype, double... values) {
        Buffer b = Buffer.allocate(dtype, values.length);
        for (int i = 0; i < values.length; i++) {
            b.set(i, values[i]);
        }
        return b;
    }

    static double[] values(Buffer b) {
        double[] v = new double[b.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = b.get(i);
        }
        return v;
    }

    /** {@code |expected - actual| <= tol·max(1, |expected|)}; NaN matches NaN, infinities match exactly. */
    static void near(String op, int[] shape, double[] expected, Buffer actual, double tol) {
        near(op, shape, expected, values(actual), tol);
    }

    static void near(String op, int[] shape, double[] expected, double[] actual, double tol) {
        sameLength(op, shape, expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i], a = actual[i];
            boolean ok = Double.isNaN(e) ? Double.isNaN(a)
                    : Double.isInfinite(e) ? e == a
                    : Math.abs(e - a) <= tol * Math.max(1.0, Math.abs(e));
            if (!ok) {
                fail(describe(op, shape, i, e, a) + " (tolerance " + tol + ")");
            }
        }
    }

    /** Bit-for-bit equality in the buffer's dtype: {@code expected} is rounded once to float for float32. */
    static void exact(String op, int[] shape, double[] expected, Buffer actual) {
        sameLength(op, shape, expected.length, actual.size());
        for (int i = 0; i < expected.length; i++) {
            boolean ok = actual.dtype() == DType.FLOAT32
                    ? Float.floatToIntBits((float) expected[i]) == Float.floatToIntBits((float) actual.get(i))
                    : Double.doubleToLongBits(expected[i]) == Double.doubleToLongBits(actual.get(i));
            if (!ok) {
                fail(describe(op, shape, i, expected[i], actual.get(i)) + " (" + actual.dtype() + ", bit-exact)");
            }
        }
    }

    /**
     * The float32 result is the float64 result rounded once: {@code run} computes the same op on
     * inputs of the given dtype (built from float-representable values) and returns the output.
     */
    static void roundedOnce(String op, int[] shape, Function<DType, Buffer> run) {
        Buffer wide = run.apply(DType.FLOAT64);
        Buffer narrow = run.apply(DType.FLOAT32);
        exact(op + " float32 vs float64", shape, values(wide), narrow);
    }

    /** Values exactly representable as float, so float32 and float64 runs see the same inputs. */
    static double[] floats(long seed, int n, double lo, double hi) {
        java.util.Random r = new java.util.Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (lo + (hi - lo) * r.nextDouble());
        }
        return v;
    }

    private static void sameLength(String op, int[] shape, int expected, int actual) {
        if (expected != actual) {
            fail(op + " on shape " + Arrays.toString(shape) + ": expected " + expected + " elements but got " + actual);
        }
    }

    private static String describe(String op, int[] shape, int flat, double expected, double actual) {
        return op + " on shape " + Arrays.toString(shape) + ": first bad index " + flat + " " + index(shape, flat)
                + ": expected " + expected + " but was " + actual;
    }

    /** The multi-index of {@code flat} in a row-major {@code shape}. */
    static String index(int[] shape, int flat) {
        int[] idx = new int[shape.length];
        int rest = flat;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] > 0) {
                idx[d] = rest % shape[d];
                rest /= shape[d];
            }
        }
        return Arrays.toString(idx);
    }
}
