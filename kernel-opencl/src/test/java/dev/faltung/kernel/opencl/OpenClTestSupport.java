package dev.faltung.kernel.opencl;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.faltung.kernel.Availability;
import dev.faltung.kernel.Buffer;
import java.util.Arrays;
import java.util.Random;

/**
 * Shared by the kernel tests: one backend per test JVM, device kernels with the small-op
 * threshold at 0 (so even one element runs on the device), random data and element-wise
 * comparison with messages naming op, shape, first bad index and both values.
 */
final class OpenClTestSupport {

    private static final OpenClBackend BACKEND = new OpenClBackend();
    private static OpenClKernels deviceKernels;

    private OpenClTestSupport() {
    }

    static OpenClBackend backend() {
        return BACKEND;
    }

    /**
     * Skips the calling test, naming the reason, when this machine has no OpenCL device at all;
     * fails it when a device exists but the backend cannot use it (a failed self-test is a bug).
     */
    static void assumeDevice() {
        Availability a = BACKEND.availability();
        if (!a.available()) {
            assumeTrue(BACKEND.deviceFound(), () -> "skipped: no OpenCL device on this machine: " + a.reason());
            fail("an OpenCL device exists but the opencl backend is unavailable: " + a.reason());
        }
    }

    /** Kernels that run every float32 call on the device; skips when there is none. */
    static synchronized OpenClKernels device() {
        assumeDevice();
        if (deviceKernels == null) {
            deviceKernels = BACKEND.kernelsWithThreshold(0);
        }
        return deviceKernels;
    }

    static float[] randomFloats(Random rnd, int n, double lo, double hi) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (lo + (hi - lo) * rnd.nextDouble());
        }
        return v;
    }

    static double[] widen(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    static Buffer f32(float[] v) {
        return Buffer.of(v);
    }

    /** Asserts {@code |actual - expected| <= abs + rel·|expected|} element-wise (NaN matches NaN). */
    static void assertClose(String op, int[] shape, double[] expected, float[] actual, double rel, double abs) {
        if (expected.length != actual.length) {
            fail("opencl " + op + " shape " + Arrays.toString(shape) + ": expected " + expected.length
                    + " elements, got " + actual.length);
        }
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            double a = actual[i];
            boolean ok = Double.isNaN(e) ? Double.isNaN(a)
                    : e == a || Math.abs(a - e) <= abs + rel * Math.abs(e);
            if (!ok) {
                fail("opencl " + op + " shape " + Arrays.toString(shape) + ": first bad index " + i
                        + ": expected " + e + " got " + a + " (tolerance rel " + rel + ", abs " + abs + ")");
            }
        }
    }

    /** Per-element tolerances (for sums whose error bound depends on the magnitudes summed). */
    static void assertWithin(String op, int[] shape, double[] expected, float[] actual, double[] tolerance) {
        for (int i = 0; i < expected.length; i++) {
            if (!(Math.abs(actual[i] - expected[i]) <= tolerance[i])) {
                fail("opencl " + op + " shape " + Arrays.toString(shape) + ": first bad index " + i
                        + ": expected " + expected[i] + " got " + actual[i] + " (tolerance " + tolerance[i] + ")");
            }
        }
    }

    static int product(int[] shape) {
        int p = 1;
        for (int e : shape) {
            p *= e;
        }
        return p;
    }
}
