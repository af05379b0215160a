package dev.faltung.kernel.opencl;

/**
 * Runs {@link SelfTestKernel} on the selected device and compares it with the same computation
 * in Java. A device that builds kernels but computes wrongly (or a silent fall-back to Java
 * threads, caught by {@link Launcher}) makes the backend unavailable with the first mismatch.
 */
final class SelfTest {

    static final int SIZE = 77; // one full group of 64 and a ragged tail

    private SelfTest() {
    }

    /** Null when the device agrees with Java; otherwise the reason. */
    static String run(Launcher launcher) {
        SelfTestKernel k = launcher.adopt(new SelfTestKernel());
        float[] x = new float[SIZE];
        for (int i = 0; i < SIZE; i++) {
            x[i] = (i * 37 % 101) / 7f - 5f;
        }
        long seed = 0x5DEECE66DL;
        synchronized (k) {
            k.x = x;
            k.y = new float[SIZE];
            k.bits = new long[SIZE];
            k.size = SIZE;
            k.seed = seed;
            launcher.upload(k, x);
            try {
                launcher.run("self-test", k, launcher.range1(SIZE));
            } catch (IllegalStateException e) {
                return e.getMessage();
            }
            launcher.download(k, k.y);
            launcher.download(k, k.bits);
            return compare(x, seed, launcher.range1(SIZE).getLocalSize(0), k.y, k.bits);
        }
    }

    /** Compares device results with Java's; {@code group} is the work-group size used. */
    static String compare(float[] x, long seed, int group, float[] y, long[] bits) {
        for (int i = 0; i < x.length; i++) {
            int base = i / group * group;
            int mirrorIndex = base + group - 1 - (i - base);
            float mirror = mirrorIndex < x.length ? x[mirrorIndex] : 0f;
            double expected = 3.0 * x[i] + 0.5 * mirror;
            // FMA contraction on the device may change the last bit: allow 2 ulps.
            if (!(Math.abs(y[i] - expected) <= 2 * Math.ulp((float) expected) + 1e-7)) {
                return "self-test: arithmetic/local-memory result " + i + " is " + y[i] + ", Java says " + expected;
            }
            long z = seed + (long) (i + 1) * 0x9E3779B97F4A7C15L;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z = z ^ (z >>> 31);
            if (bits[i] != z) {
                return "self-test: 64-bit mixing result " + i + " is " + Long.toHexString(bits[i])
                        + ", Java says " + Long.toHexString(z);
            }
        }
        return null;
    }
}
