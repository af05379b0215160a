package dev.faltung.nn.io;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads the IDX format of the MNIST family (LeCun et al.,
 * <a href="http://yann.lecun.com/exdb/mnist/">yann.lecun.com/exdb/mnist</a>): two zero bytes, a
 * type code, the dimension count, that many big-endian 32-bit sizes, then the big-endian data.
 * Gzipped files are recognised by their magic bytes, whatever their name. Sizes are checked
 * against the file before memory is committed, so a hostile header fails with a message.
 */
public final class IdxFile {

    /** Element types the IDX format defines, by their type code. */
    public enum Type {
        UBYTE(0x08, 1), BYTE(0x09, 1), SHORT(0x0B, 2), INT(0x0C, 4), FLOAT(0x0D, 4), DOUBLE(0x0E, 8);

        final int code;
        final int bytes;

        Type(int code, int bytes) {
            this.code = code;
            this.bytes = bytes;
        }
    }

    /** The contents of one IDX file: its element type, shape and raw big-endian element bytes. */
    public record Contents(Type type, int[] shape, byte[] data) {

        /** Number of elements. */
        public int size() {
            return data.length / type.bytes;
        }

        /** Element {@code i} as a double. */
        public double get(int i) {
            int o = i * type.bytes;
            return switch (type) {
                case UBYTE -> data[o] & 0xFF;
                case BYTE -> data[o];
                case SHORT -> (short) ((data[o] << 8) | (data[o + 1] & 0xFF));
                case INT -> intAt(o);
                case FLOAT -> Float.intBitsToFloat(intAt(o));
                case DOUBLE -> Double.longBitsToDouble(((long) intAt(o) << 32) | (intAt(o + 4) & 0xFFFFFFFFL));
            };
        }

        private int intAt(int o) {
            return (data[o] << 24) | ((data[o + 1] & 0xFF) << 16) | ((data[o + 2] & 0xFF) << 8) | (data[o + 3] & 0xFF);
        }

        @Override
        public String toString() {
            return "IdxFile.Contents[" + type + " " + Arrays.toString(shape) + "]";
        }
    }

    /** Initial buffer for gzipped data, grown only as real bytes arrive. */
    private static final int GZIP_CHUNK = 1 << 20;

    private IdxFile() {
    }

    /** Reads and validates a (possibly gzipped) IDX file. */
    public static Contents read(Path file) throws IOException {
        boolean gzip = isGzip(file);
        long fileSize = Files.size(file);
        try (InputStream raw = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new BufferedInputStream(gzip ? new GZIPInputStream(raw) : raw, 1 << 16))) {
            int magic;
            try {
                magic = in.readInt();
            } catch (EOFException e) {
                throw new MalformedFileException(file, "too short for an IDX header");
            }
            if ((magic >>> 16) != 0) {
                throw new MalformedFileException(file, String.format(
                        "not an IDX file: magic 0x%08X does not start with two zero bytes", magic));
            }
            int code = (magic >>> 8) & 0xFF;
            Type type = null;
            for (Type t : Type.values()) {
                if (t.code == code) type = t;
            }
            if (type == null) {
                throw new MalformedFileException(file, String.format("unknown IDX type code 0x%02X", code));
            }
            int dims = magic & 0xFF;
            if (dims < 1 || dims > 8) {
                throw new MalformedFileException(file, "IDX dimension count " + dims + " is not in [1, 8]");
            }
            int[] shape = new int[dims];
            long bytes = type.bytes;
            for (int i = 0; i < dims; i++) {
                try {
                    shape[i] = in.readInt();
                } catch (EOFException e) {
                    throw new MalformedFileException(file, "truncated IDX header (dimension " + i + " of " + dims + ")");
                }
                if (shape[i] < 0) {
                    throw new MalformedFileException(file, "IDX dimension " + i + " is " + Integer.toUnsignedString(shape[i])
                            + ", beyond 2^31 - 1");
                }
                bytes *= shape[i]; // bytes < 2^31 * 8 before, shape < 2^31: fits in a long
                if (bytes > Integer.MAX_VALUE - 8) {
                    throw new MalformedFileException(file, "IDX shape " + Arrays.toString(Arrays.copyOf(shape, i + 1))
                            + " of " + type + " exceeds the 2 GiB a Java array can hold");
                }
            }
            long headerBytes = 4L + 4L * dims;
            if (!gzip && headerBytes + bytes != fileSize) {
                throw new MalformedFileException(file, "IDX shape " + Arrays.toString(shape) + " of " + type + " needs "
                        + bytes + " data bytes but the file has " + (fileSize - headerBytes)
                        + (headerBytes + bytes > fileSize ? " (truncated)" : " (trailing bytes)"));
            }
            byte[] data = gzip ? readGzipped(in, (int) bytes, fileSize, file, shape, type) : in.readNBytes((int) bytes);
            if (data.length != bytes) {
                throw new MalformedFileException(file, "truncated IDX data: " + data.length + " of " + bytes + " bytes");
            }
            if (in.read() != -1) {
                throw new MalformedFileException(file, "trailing bytes after the " + bytes + " IDX data bytes of shape "
                        + Arrays.toString(shape));
            }
            return new Contents(type, shape, data);
        } catch (ZipException e) {
            throw new MalformedFileException(file, "corrupt gzip stream: " + e.getMessage(), e);
        } catch (EOFException e) {
            throw new MalformedFileException(file, "truncated gzip stream", e);
        }
    }

    /**
     * DEFLATE's largest expansion: a stored byte costs at least one bit in the best case of a run
     * of repeats (a 258-byte match in under 2 bits, Adler's bound about 1032:1). A claimed size
     * beyond this many times the compressed file cannot arrive.
     */
    static final int DEFLATE_MAX_RATIO = 1032;

    /**
     * Gzipped data: the IDX header's size is trusted only where the compressed file could hold it
     * (then one array of exactly that size, where growing by doubling allocated twice the data:
     * 107 MB of arrays for Fashion-MNIST's 47 MB training images); beyond that, memory grows with
     * the bytes that actually arrive, never with what the header claims.
     */
    private static byte[] readGzipped(InputStream in, int expected, long fileSize, Path file, int[] shape, Type type)
            throws IOException {
        if ((double) expected <= (double) DEFLATE_MAX_RATIO * fileSize) {
            byte[] data = new byte[expected];
            int got = in.readNBytes(data, 0, expected);
            if (got < expected) {
                throw truncated(file, shape, type, expected, got);
            }
            return data;
        }
        byte[] buf = new byte[Math.min(expected, GZIP_CHUNK)];
        int n = 0;
        while (n < expected) {
            if (n == buf.length) {
                buf = Arrays.copyOf(buf, (int) Math.min(expected, 2L * buf.length));
            }
            int r = in.read(buf, n, buf.length - n);
            if (r < 0) {
                throw truncated(file, shape, type, expected, n);
            }
            n += r;
        }
        return buf;
    }

    private static MalformedFileException truncated(Path file, int[] shape, Type type, int expected, int got) {
        return new MalformedFileException(file, "IDX shape " + Arrays.toString(shape) + " of " + type + " needs "
                + expected + " data bytes but the gzip stream holds only " + got + " (truncated)");
    }

    private static boolean isGzip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(2);
            return head.length == 2 && (head[0] & 0xFF) == 0x1F && (head[1] & 0xFF) == 0x8B;
        }
    }
}
