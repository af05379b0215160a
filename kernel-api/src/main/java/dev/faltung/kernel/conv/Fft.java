package dev.faltung.kernel.conv;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Radix-2 complex FFT in double on power-of-two sizes, in place on separate real and imaginary
 * arrays; 2-D transforms go by rows, then columns. Forward uses {@code e^{-2πi·jk/n}}; the
 * inverse is unnormalised (callers divide by the size). Twiddles come from {@link StrictMath}
 * per size and are cached, so results are the same on every JVM. Thread-safe.
 */
final class Fft {

    private static final ConcurrentHashMap<Integer, double[]> TWIDDLES = new ConcurrentHashMap<>();

    private Fft() {
    }

    /** {@code cos(2πj/n)} at {@code [j]} and {@code sin(2πj/n)} at {@code [n/2 + j]}, {@code j < n/2}. */
    private static double[] twiddles(int n) {
        return TWIDDLES.computeIfAbsent(n, size -> {
            int half = size / 2;
            double[] t = new double[2 * half];
            for (int j = 0; j < half; j++) {
                double angle = 2 * StrictMath.PI * j / size;
                t[j] = StrictMath.cos(angle);
                t[half + j] = StrictMath.sin(angle);
            }
            return t;
        });
    }

    /** Transforms {@code n} contiguous elements starting at {@code off}. */
    static void transform(double[] re, double[] im, int off, int n, boolean inverse) {
        if (Integer.bitCount(n) != 1) {
            throw new IllegalArgumentException("fft: size must be a power of two, got " + n);
        }
        for (int i = 1, j = 0; i < n; i++) {
            int bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1) {
                j ^= bit;
            }
            j ^= bit;
            if (i < j) {
                double tr = re[off + i]; re[off + i] = re[off + j]; re[off + j] = tr;
                double ti = im[off + i]; im[off + i] = im[off + j]; im[off + j] = ti;
            }
        }
        double[] tw = twiddles(n);
        int half = n / 2;
        double sign = inverse ? 1 : -1;
        for (int len = 2; len <= n; len <<= 1) {
            int h = len >> 1, step = n / len;
            for (int i = 0; i < n; i += len) {
                for (int j = 0; j < h; j++) {
                    double wr = tw[j * step], wi = sign * tw[half + j * step];
                    int a = off + i + j, b = a + h;
                    double xr = re[b] * wr - im[b] * wi;
                    double xi = re[b] * wi + im[b] * wr;
                    re[b] = re[a] - xr;
                    im[b] = im[a] - xi;
                    re[a] += xr;
                    im[a] += xi;
                }
            }
        }
    }

    /** 2-D transform of a row-major {@code rows×cols} grid. */
    static void transform2d(double[] re, double[] im, int rows, int cols, boolean inverse) {
        for (int r = 0; r < rows; r++) {
            transform(re, im, r * cols, cols, inverse);
        }
        double[] cr = new double[rows], ci = new double[rows];
        for (int c = 0; c < cols; c++) {
            for (int r = 0; r < rows; r++) {
                cr[r] = re[r * cols + c];
                ci[r] = im[r * cols + c];
            }
            transform(cr, ci, 0, rows, inverse);
            for (int r = 0; r < rows; r++) {
                re[r * cols + c] = cr[r];
                im[r * cols + c] = ci[r];
            }
        }
    }
}
