package dev.faltung.nn.io;

import dev.faltung.kernel.Buffer;
import dev.faltung.kernel.DType;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A dense, C-ordered n-dimensional array as stored in a file: an element type, a shape and the
 * raw element bytes in little-endian order. This is what the NPY and safetensors readers return
 * and their writers take; {@link #toBuffer} and {@link #toLongs} convert it for the engine.
 * A shape of length 0 is a scalar holding one element. Instances are immutable by convention:
 * the constructor and accessors do not copy, so callers must not mutate the arrays they pass or get.
 */
public record NdArray(ElementType type, int[] shape, byte[] data) implements TensorBytes {

    /** Checks that {@code data} holds exactly {@code product(shape)} elements of {@code type}. */
    public NdArray {
        if (type == null || shape == null || data == null) {
            throw new IllegalArgumentException("NdArray: type, shape and data must not be null");
        }
        long expected = byteCount(type, shape, "NdArray");
        if (expected != data.length) {
            throw new IllegalArgumentException("NdArray: shape " + Arrays.toString(shape) + " of " + type
                    + " needs " + expected + " bytes but data has " + data.length);
        }
    }

    @Override
    public long byteCount() {
        return data.length;
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        out.write(data);
    }

    /** Number of elements: the product of the shape (1 for a scalar). */
    public int size() {
        return data.length / type.bytes();
    }

    /** A float32 array of the given shape. */
    public static NdArray ofFloats(float[] values, int... shape) {
        ByteBuffer b = allocate(values.length, 4);
        for (float v : values) b.putFloat(v);
        return new NdArray(ElementType.FLOAT32, shape.clone(), b.array());
    }

    /** A float64 array of the given shape. */
    public static NdArray ofDoubles(double[] values, int... shape) {
        ByteBuffer b = allocate(values.length, 8);
        for (double v : values) b.putDouble(v);
        return new NdArray(ElementType.FLOAT64, shape.clone(), b.array());
    }

    /** An int32 array of the given shape. */
    public static NdArray ofInts(int[] values, int... shape) {
        ByteBuffer b = allocate(values.length, 4);
        for (int v : values) b.putInt(v);
        return new NdArray(ElementType.INT32, shape.clone(), b.array());
    }

    /** An int64 array of the given shape. */
    public static NdArray ofLongs(long[] values, int... shape) {
        ByteBuffer b = allocate(values.length, 8);
        for (long v : values) b.putLong(v);
        return new NdArray(ElementType.INT64, shape.clone(), b.array());
    }

    /** An array holding a buffer's elements in the buffer's own precision. */
    public static NdArray of(Buffer buffer, int... shape) {
        return switch (buffer) {
            case Buffer.F32 f -> ofFloats(f.data(), shape);
            case Buffer.F64 d -> ofDoubles(d.data(), shape);
        };
    }

    /** Every element widened (or, for float64 to float32, rounded) to {@code float}. */
    public float[] toFloats() {
        ByteBuffer b = view();
        float[] out = new float[size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (type) {
                case FLOAT32 -> b.getFloat();
                case FLOAT64 -> (float) b.getDouble();
                default -> (float) readAsDouble(b);
            };
        }
        return out;
    }

    /** Every element converted to {@code double} (int64 beyond 2^53 loses precision). */
    public double[] toDoubles() {
        ByteBuffer b = view();
        double[] out = new double[size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = readAsDouble(b);
        }
        return out;
    }

    /** The elements as an engine buffer of the requested precision. */
    public Buffer toBuffer(DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> Buffer.of(toFloats());
            case FLOAT64 -> Buffer.of(toDoubles());
        };
    }

    /**
     * Integer elements (class labels, targets) as {@code long}. Floating-point arrays are
     * rejected rather than truncated: a label file of floats is almost always a mistake.
     */
    public long[] toLongs() {
        if (type.isFloating()) {
            throw new IllegalArgumentException("NdArray.toLongs: array holds " + type
                    + ", not integers; convert explicitly with toDoubles()");
        }
        ByteBuffer b = view();
        long[] out = new long[size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (type) {
                case INT8 -> b.get();
                case UINT8 -> b.get() & 0xFF;
                case BOOL -> b.get() != 0 ? 1 : 0;
                case INT32 -> b.getInt();
                case INT64 -> b.getLong();
                case FLOAT16, BFLOAT16, FLOAT32, FLOAT64 -> throw new AssertionError(type);
            };
        }
        return out;
    }

    /** The index of the first NaN or infinite element, or -1 if there is none (integers are always finite). */
    public int indexOfNonFinite() {
        if (!type.isFloating()) {
            return -1;
        }
        ByteBuffer b = view();
        for (int i = 0, n = size(); i < n; i++) {
            if (!Double.isFinite(readAsDouble(b))) {
                return i;
            }
        }
        return -1;
    }

    private double readAsDouble(ByteBuffer b) {
        return switch (type) {
            case FLOAT16 -> Float.float16ToFloat(b.getShort());
            case BFLOAT16 -> Float.intBitsToFloat((b.getShort() & 0xFFFF) << 16); // bf16 = top half of f32
            case FLOAT32 -> b.getFloat();
            case FLOAT64 -> b.getDouble();
            case INT8 -> b.get();
            case UINT8 -> b.get() & 0xFF;
            case BOOL -> b.get() != 0 ? 1 : 0;
            case INT32 -> b.getInt();
            case INT64 -> b.getLong();
        };
    }

    private ByteBuffer view() {
        return ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static ByteBuffer allocate(int count, int width) {
        return ByteBuffer.allocate(Math.multiplyExact(count, width)).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Bytes needed for {@code shape} of {@code type}, checked for negative sizes and overflow so a
     * hostile file can be rejected before anything is allocated. Throws naming {@code what}.
     */
    static long byteCount(ElementType type, int[] shape, String what) {
        long n = type.bytes();
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException(what + ": negative dimension in shape " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d); // each d < 2^31 and the product is capped below, so no silent wrap
            if (n > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException(what + ": shape " + Arrays.toString(shape) + " of " + type
                        + " exceeds the 2 GiB a Java array can hold");
            }
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NdArray a && a.type == type && Arrays.equals(a.shape, shape) && Arrays.equals(a.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * type.hashCode() + Arrays.hashCode(shape)) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "NdArray[" + type + " " + Arrays.toString(shape) + "]";
    }
}
