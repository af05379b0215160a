package dev.faltung.kernel.simd;

import java.util.concurrent.ConcurrentHashMap;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Radix-2 complex FFTs of {@code L} independent grids at once, one grid per vector lane: element
 * {@code e} of a grid is lane {@code j} of the vector at {@code e·L}, real and imaginary parts in
 * separate arrays. Every butterfly is then a handful of whole-vector operations with a broadcast
 * twiddle, and no shuffles are needed. A complex grid lives in one array: real parts from
 * {@code base}, imaginary parts {@code imOff} further. Forward uses {@code e^{-2πi·jk/n}}; the inverse is
 * unnormalised. Twiddles are computed with {@link StrictMath} in double, rounded to float, and
 * cached per size, so results are the same on every JVM. Thread-safe.
 */
final class LaneFft {

    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    static final int L = SPECIES.length();

    private static final ConcurrentHashMap<Integer, float[]> TWIDDLES = new ConcurrentHashMap<>();

    private LaneFft() {
    }

    /** {@code cos(2πj/n)} at {@code [j]} and {@code sin(2πj/n)} at {@code [n/2 + j]}, {@code j < n/2}. */
    private static float[] twiddles(int n) {
        return TWIDDLES.computeIfAbsent(n, size -> {
            int half = size / 2;
            float[] t = new float[2 * half];
            for (int j = 0; j < half; j++) {
                double angle = 2 * StrictMath.PI * j / size;
                t[j] = (float) StrictMath.cos(angle);
                t[half + j] = (float) StrictMath.sin(angle);
            }
            return t;
        });
    }

    /**
     * 2-D transform of {@code L} row-major {@code rows×cols} grids at {@code base}; rows from
     * {@code liveRows} on must be zero on entry, and their (zero) row transforms are skipped.
     */
    static void transform2d(float[] z, int base, int imOff, int rows, int cols, int liveRows, boolean inverse) {
        for (int r = 0; r < Math.min(rows, liveRows); r++) {
            transform(z, base + r * cols * L, imOff, cols, 1, inverse);
        }
        transformColumns(z, base, imOff, rows, cols, inverse);
    }

    /**
     * The transforms down all {@code cols} columns at once: every butterfly combines two whole
     * rows, element by element, so each pass streams through the grid in memory order. One column
     * at a time, a pass strode a row's length (32 columns of 16 lanes: 2 KiB) between elements,
     * and a 32×32 grid (128 KiB) left L1 on every pass: the column transforms took most of the
     * FFT convolution's time. The arithmetic per element is that of {@link #transform}.
     */
    private static void transformColumns(float[] z, int base, int imOff, int rows, int cols, boolean inverse) {
        int rowLength = cols * L;
        for (int i = 1, j = 0; i < rows; i++) {
            int bit = rows >> 1;
            for (; (j & bit) != 0; bit >>= 1) {
                j ^= bit;
            }
            j ^= bit;
            if (i < j) {
                int a = base + i * rowLength, b = base + j * rowLength;
                for (int e = 0; e < rowLength; e += L) {
                    swap(z, a + e, b + e);
                    swap(z, a + e + imOff, b + e + imOff);
                }
            }
        }
        float[] tw = twiddles(rows);
        int half = rows / 2;
        float sign = inverse ? 1f : -1f;
        for (int len = 2; len <= rows; len <<= 1) {
            int h = len >> 1, tstep = rows / len;
            for (int j = 0; j < h; j++) {
                float wr = tw[j * tstep], wi = sign * tw[half + j * tstep];
                for (int i = 0; i < rows; i += len) {
                    int rowA = base + (i + j) * rowLength, rowB = rowA + h * rowLength;
                    for (int e = 0; e < rowLength; e += L) {
                        butterfly(z, rowA + e, rowB + e, imOff, wr, wi);
                    }
                }
            }
        }
    }

    /** One 1-D transform of {@code n} elements (power of two) at {@code base}, element {@code e} at {@code base + e·stride·L}. */
    static void transform(float[] z, int base, int imOff, int n, int stride, boolean inverse) {
        int step = stride * L;
        for (int i = 1, j = 0; i < n; i++) {
            int bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1) {
                j ^= bit;
            }
            j ^= bit;
            if (i < j) {
                int a = base + i * step, b = base + j * step;
                swap(z, a, b);
                swap(z, a + imOff, b + imOff);
            }
        }
        float[] tw = twiddles(n);
        int half = n / 2;
        float sign = inverse ? 1f : -1f;
        for (int len = 2; len <= n; len <<= 1) {
            int h = len >> 1, tstep = n / len;
            for (int j = 0; j < h; j++) {
                float wr = tw[j * tstep], wi = sign * tw[half + j * tstep];
                for (int i = 0; i < n; i += len) {
                    int a = base + (i + j) * step;
                    butterfly(z, a, a + h * step, imOff, wr, wi);
                }
            }
        }
    }

    /** {@code (z[a], z[b]) ← (z[a] + w·z[b], z[a] - w·z[b])} for the complex twiddle {@code w = wr + i·wi}. */
    private static void butterfly(float[] z, int a, int b, int imOff, float wr, float wi) {
        FloatVector br = FloatVector.fromArray(SPECIES, z, b);
        FloatVector bi = FloatVector.fromArray(SPECIES, z, b + imOff);
        FloatVector xr = br.mul(wr).sub(bi.mul(wi));
        FloatVector xi = br.mul(wi).add(bi.mul(wr));
        FloatVector ar = FloatVector.fromArray(SPECIES, z, a);
        FloatVector ai = FloatVector.fromArray(SPECIES, z, a + imOff);
        ar.sub(xr).intoArray(z, b);
        ai.sub(xi).intoArray(z, b + imOff);
        ar.add(xr).intoArray(z, a);
        ai.add(xi).intoArray(z, a + imOff);
    }

    private static void swap(float[] v, int a, int b) {
        FloatVector x = FloatVector.fromArray(SPECIES, v, a);
        FloatVector.fromArray(SPECIES, v, b).intoArray(v, a);
        x.intoArray(v, b);
    }
}
