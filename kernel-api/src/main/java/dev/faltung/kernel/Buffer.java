package dev.faltung.kernel;

import java.util.Arrays;

/**
 * Flat, heap-resident storage for the elements of one tensor: a {@code float[]} or a
 * {@code double[]}. Kernels read and write buffers directly; a buffer has no shape, the caller
 * passes it. Buffers are not thread-safe; a kernel may use several threads on one buffer.
 */
public sealed interface Buffer permits Buffer.F32, Buffer.F64 {

    DType dtype();

    /** Number of elements. */
    int size();

    /** Element {@code i}, widened to double. Convenient, not fast: kernels use the arrays. */
    double get(int i);

    /** Stores {@code v} at {@code i}, rounding to the buffer's dtype. */
    void set(int i, double v);

    /** A new zero-filled buffer. */
    static Buffer allocate(DType dtype, int size) {
        if (size < 0) {
            throw new IllegalArgumentException("Buffer.allocate: negative size " + size);
        }
        return switch (dtype) {
            case FLOAT32 -> new F32(new float[size]);
            case FLOAT64 -> new F64(new double[size]);
        };
    }

    static Buffer of(float... data) {
        return new F32(data);
    }

    static Buffer of(double... data) {
        return new F64(data);
    }

    /** The elements as doubles: the backing array itself for float64, a widened copy for float32. */
    double[] toDoubles();

    /** A deep copy. */
    Buffer copy();

    /** float32 storage. */
    record F32(float[] data) implements Buffer {
        public DType dtype() { return DType.FLOAT32; }
        public int size() { return data.length; }
        public double get(int i) { return data[i]; }
        public void set(int i, double v) { data[i] = (float) v; }
        public double[] toDoubles() {
            double[] d = new double[data.length];
            for (int i = 0; i < d.length; i++) d[i] = data[i];
            return d;
        }
        public Buffer copy() { return new F32(data.clone()); }
        @Override public boolean equals(Object o) { return o instanceof F32 f && Arrays.equals(data, f.data); }
        @Override public int hashCode() { return Arrays.hashCode(data); }
        @Override public String toString() { return "F32[" + data.length + "]"; }
    }

    /** float64 storage. */
    record F64(double[] data) implements Buffer {
        public DType dtype() { return DType.FLOAT64; }
        public int size() { return data.length; }
        public double get(int i) { return data[i]; }
        public void set(int i, double v) { data[i] = v; }
        public double[] toDoubles() { return data; }
        public Buffer copy() { return new F64(data.clone()); }
        @Override public boolean equals(Object o) { return o instanceof F64 f && Arrays.equals(data, f.data); }
        @Override public int hashCode() { return Arrays.hashCode(data); }
        @Override public String toString() { return "F64[" + data.length + "]"; }
    }
}
