package dev.faltung.nn.io;

import dev.faltung.kernel.Buffer;
import dev.faltung.kernel.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static dev.faltung.nn.io.IoFixtures.fixture;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NpyTest {

    @TempDir
    Path dir;

    @Test
    void readsNumpyFixturesOfEveryType() throws IOException {
        NdArray f32 = Npy.read(fixture("f32_2x3.npy"));
        assertEquals(ElementType.FLOAT32, f32.type());
        assertArrayEquals(new int[] {2, 3}, f32.shape());
        assertArrayEquals(new float[] {-1f, -0.5f, 0f, 0.5f, 1f, 1.5f}, f32.toFloats());
        assertEquals(Buffer.of(-1f, -0.5f, 0f, 0.5f, 1f, 1.5f), f32.toBuffer(DType.FLOAT32));
        assertEquals(Buffer.of(-1.0, -0.5, 0.0, 0.5, 1.0, 1.5), f32.toBuffer(DType.FLOAT64));

        NdArray be = Npy.read(fixture("f64_be_4.npy"));
        assertArrayEquals(new double[] {1.5, -2.25, 1e300, 0.0}, be.toDoubles(), "big-endian '>f8' is byte-swapped");

        assertArrayEquals(new long[] {3, 1, 4, 1, 5, 9, 2, 6}, Npy.read(fixture("i64_labels.npy")).toLongs());
        NdArray i32 = Npy.read(fixture("i32_2x2.npy"));
        assertArrayEquals(new int[] {2, 2}, i32.shape());
        assertArrayEquals(new long[] {7, -8, Integer.MAX_VALUE, Integer.MIN_VALUE}, i32.toLongs());
        assertArrayEquals(new long[] {0, 128, 255}, Npy.read(fixture("u8_3.npy")).toLongs());
        assertArrayEquals(new long[] {1, 0, 1}, Npy.read(fixture("bool_3.npy")).toLongs());
    }

    @Test
    void readsZeroDimensionalAndEmptyArrays() throws IOException {
        NdArray scalar = Npy.read(fixture("scalar_f32.npy"));
        assertArrayEquals(new int[0], scalar.shape());
        assertArrayEquals(new float[] {2.5f}, scalar.toFloats());
        NdArray empty = Npy.read(fixture("empty_0x3.npy"));
        assertArrayEquals(new int[] {0, 3}, empty.shape());
        assertEquals(0, empty.size());
    }

    @Test
    void readsFormatVersionsTwoAndThree() throws IOException {
        assertArrayEquals(new float[] {1f, 2f}, Npy.read(fixture("v2_f32_2.npy")).toFloats());
        assertArrayEquals(new float[] {3f, 4f}, Npy.read(fixture("v3_f32_2.npy")).toFloats());
    }

    @Test
    void rejectsFortranOrderWithAHint() {
        Path f = fixture("fortran_2x3.npy");
        MalformedFileException e = assertThrows(MalformedFileException.class, () -> Npy.read(f));
        assertTrue(e.getMessage().contains("fortran_order") && e.getMessage().contains(f.toString()), e.getMessage());
    }

    @Test
    void writesWhatNumpyWritesByteForByte() throws IOException {
        // Same header layout, padding and data as np.save, so the fixture is reproduced exactly.
        NdArray a = Npy.read(fixture("f32_2x3.npy"));
        assertArrayEquals(Files.readAllBytes(fixture("f32_2x3.npy")), Npy.encode(a));
        NdArray s = Npy.read(fixture("scalar_f32.npy"));
        assertArrayEquals(Files.readAllBytes(fixture("scalar_f32.npy")), Npy.encode(s));
        NdArray l = Npy.read(fixture("i64_labels.npy"));
        assertArrayEquals(Files.readAllBytes(fixture("i64_labels.npy")), Npy.encode(l));
    }

    @Test
    void roundTripsEveryWritableType() throws IOException {
        NdArray[] arrays = {
            NdArray.ofFloats(new float[] {1.25f, Float.NaN, -0f, Float.MIN_VALUE}, 4),
            NdArray.ofDoubles(new double[] {Math.PI, -1e-310}, 1, 2),
            NdArray.ofInts(new int[] {1, -2, 3, -4, 5, -6}, 2, 1, 3),
            NdArray.ofLongs(new long[] {Long.MIN_VALUE}),
            NdArray.ofFloats(new float[0], 0, 5),
        };
        for (NdArray a : arrays) {
            Path f = dir.resolve("a.npy");
            Npy.write(f, a);
            assertEquals(a, Npy.read(f), a.toString());
            assertEquals(0, (Files.size(f) - a.data().length) % 64, "header is padded to 64 bytes");
        }
    }

    @Test
    void roundTripsAnArrayLargerThanOneReadOrWriteSlice() throws IOException {
        // 3 MiB and 28 bytes of data after the header: files are read and written in 1 MiB pieces,
        // so this takes four of each, the last partial (the reads starting after the header).
        float[] values = new float[(3 << 18) + 7];
        for (int i = 0; i < values.length; i++) {
            values[i] = i * 0.5f - 1000f;
        }
        NdArray a = NdArray.ofFloats(values, values.length);
        Path f = dir.resolve("large.npy");
        Npy.write(f, a);
        assertEquals(a, Npy.read(f));
    }

    @Test
    void usesVersionTwoWhenTheHeaderOutgrowsSixtyFourKilobytes() throws IOException {
        int[] shape = new int[30_000];
        Arrays.fill(shape, 1);
        NdArray a = NdArray.ofFloats(new float[] {7f}, shape);
        byte[] bytes = Npy.encode(a);
        assertEquals(2, bytes[6], "major version");
        Path f = dir.resolve("wide.npy");
        Npy.write(f, a);
        assertEquals(a, Npy.read(f));
    }

    @Test
    void rejectsBadMagicTruncationAndTrailingBytes() throws IOException {
        byte[] good = Files.readAllBytes(fixture("f32_2x3.npy"));
        byte[] badMagic = good.clone();
        badMagic[1] = 'X';
        assertRejected(badMagic, "magic");
        assertRejected(Arrays.copyOf(good, good.length - 1), "truncated");
        assertRejected(Arrays.copyOf(good, good.length + 4), "trailing");
        assertRejected(Arrays.copyOf(good, 7), "truncated");
        byte[] version = good.clone();
        version[6] = 9;
        assertRejected(version, "version 9.0");
    }

    @Test
    void rejectsHostileHeadersWithoutAllocating() throws IOException {
        assertRejected(header("{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 100000, 100000), }"), "2 GiB");
        assertRejected(header("{'descr': '<f8', 'fortran_order': False, 'shape': (9223372036854775807, 2), }"), "shape entry");
        assertRejected(header("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999999,), }"), "out of range");
        assertRejected(header("{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }"), "shape entry");
        assertRejected(header("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000,), }"), "truncated");
        assertRejected(header("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }"), "structured");
        assertRejected(header("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }"), "unsupported descr");
        assertRejected(header("{'descr': '<f4', 'shape': (1,), }"), "fortran_order");
        assertRejected(header("{'descr': '<f4', 'fortran_order': False, 'shape': (1,"), "bad NPY header");
        // A header length field pointing far past the end of the file.
        byte[] h = header("{'descr': '<f4', 'fortran_order': False, 'shape': (), }");
        h[8] = (byte) 0xFF;
        h[9] = (byte) 0xFF;
        assertRejected(h, "header length 65535");
    }

    @Test
    void acceptsPython2StyleLongSuffixesAndDoubleQuotes() throws IOException {
        byte[] h = header("{\"descr\": \"<i8\", \"fortran_order\": False, \"shape\": (2L,)}");
        ByteBuffer b = ByteBuffer.allocate(h.length + 16).order(ByteOrder.LITTLE_ENDIAN).put(h).putLong(5).putLong(-6);
        Path f = dir.resolve("py2.npy");
        Files.write(f, b.array());
        assertArrayEquals(new long[] {5, -6}, Npy.read(f).toLongs());
    }

    private static byte[] header(String dict) {
        byte[] d = (dict + "\n").getBytes(StandardCharsets.ISO_8859_1);
        return ByteBuffer.allocate(10 + d.length).order(ByteOrder.LITTLE_ENDIAN)
                .put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) d.length).put(d).array();
    }

    private void assertRejected(byte[] content, String expected) throws IOException {
        Path f = dir.resolve("hostile.npy");
        Files.write(f, content);
        MalformedFileException e = assertThrows(MalformedFileException.class, () -> Npy.read(f));
        assertTrue(e.getMessage().contains(expected) && e.getMessage().contains("hostile.npy"),
                "expected '" + expected + "' in: " + e.getMessage());
    }
}
