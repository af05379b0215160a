package dev.faltung.kernel.conv;

import dev.faltung.kernel.Buffer;
import dev.faltung.kernel.DType;

import java.util.Arrays;

/**
 * Moves buffers of either dtype to and from {@code double[]} working arrays, so every algorithm
 * computes in double and rounds a float32 result once, when it is stored.
 */
final class Planes {

    private Planes() {
    }

    /** The elements as doubles; for float64 the backing array itself, so callers must not write it. */
    static double[] read(Buffer b) {
        return b.toDoubles();
    }

    /** A working array for output {@code b}: its backing array for float64, a fresh one for float32. */
    static double[] target(Buffer b) {
        return b instanceof Buffer.F64 d ? d.data() : new double[b.size()];
    }

    /** Stores {@code values} (obtained from {@link #target}) into {@code b}, rounding once for float32. */
    static void commit(double[] values, Buffer b) {
        if (b instanceof Buffer.F32 f) {
            float[] out = f.data();
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) values[i];
            }
        }
    }

    /** A buffer of {@code dtype} holding {@code values} (rounded for float32; wrapped, not copied, for float64). */
    static Buffer wrap(double[] values, DType dtype) {
        if (dtype == DType.FLOAT64) {
            return Buffer.of(values);
        }
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return Buffer.of(f);
    }

    /** Sets {@code b[off .. off+len)} to zero. */
    static void zero(Buffer b, int off, int len) {
        switch (b) {
            case Buffer.F32 f -> Arrays.fill(f.data(), off, off + len, 0f);
            case Buffer.F64 d -> Arrays.fill(d.data(), off, off + len, 0.0);
        }
    }

    /** Smallest power of two {@code >= n} (n >= 1). */
    static int nextPowerOfTwo(int n) {
        return n <= 1 ? 1 : Integer.highestOneBit(n - 1) << 1;
    }

    /** First output index {@code o >= 0} whose tap {@code o·stride - pad + tap} is {@code >= 0}. */
    static int firstInside(int pad, int tap, int stride) {
        int num = pad - tap;
        return num <= 0 ? 0 : (num + stride - 1) / stride;
    }

    /** One past the last output index {@code o < outSize} whose tap {@code o·stride - pad + tap} is {@code < size}. */
    static int endInside(int size, int pad, int tap, int stride, int outSize) {
        int num = size - 1 + pad - tap;
        if (num < 0) {
            return 0;
        }
        return Math.min(outSize, num / stride + 1);
    }
}
