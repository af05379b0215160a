package dev.faltung.nn.io;

import dev.faltung.kernel.Buffer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One tensor as a file stores it: element type, C-order shape and little-endian element bytes,
 * the bytes produced while they are written. {@link NdArray} holds them already;
 * {@link #of(Buffer, int...)} encodes an engine buffer block by block, so that writing a
 * checkpoint needs no second copy of the model and its optimizer state in memory.
 */
public interface TensorBytes {

    ElementType type();

    int[] shape();

    /** Number of bytes {@link #writeTo} writes. */
    long byteCount();

    /** Writes the element bytes, little-endian, in C order. */
    void writeTo(OutputStream out) throws IOException;

    /** The elements of {@code buffer}, in its own precision, as {@code shape}; read when written, not now. */
    static TensorBytes of(Buffer buffer, int... shape) {
        ElementType type = switch (buffer) {
            case Buffer.F32 f -> ElementType.FLOAT32;
            case Buffer.F64 d -> ElementType.FLOAT64;
        };
        long count = NdArray.byteCount(type, shape, "TensorBytes.of") / type.bytes();
        if (count != buffer.size()) {
            throw new IllegalArgumentException("TensorBytes.of: shape " + Arrays.toString(shape) + " needs "
                    + count + " elements but the buffer has " + buffer.size());
        }
        int[] dims = shape.clone();
        return new TensorBytes() {
            public ElementType type() { return type; }
            public int[] shape() { return dims.clone(); }
            public long byteCount() { return (long) buffer.size() * type.bytes(); }
            public void writeTo(OutputStream out) throws IOException { encode(buffer, out); }
        };
    }

    private static void encode(Buffer buffer, OutputStream out) throws IOException {
        ByteBuffer block = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        int width = buffer.dtype().bytes();
        int per = block.capacity() / width;
        for (int i = 0; i < buffer.size(); i += per) {
            int n = Math.min(per, buffer.size() - i);
            block.clear();
            switch (buffer) { // views of a little-endian buffer write little-endian
                case Buffer.F32 f -> block.asFloatBuffer().put(f.data(), i, n);
                case Buffer.F64 d -> block.asDoubleBuffer().put(d.data(), i, n);
            }
            out.write(block.array(), 0, n * width);
        }
    }
}
