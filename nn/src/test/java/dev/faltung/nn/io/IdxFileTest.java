package dev.faltung.nn.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdxFileTest {

    @TempDir
    Path dir;

    /** An IDX file of unsigned bytes with the given shape and data. */
    static byte[] idx(int typeCode, int[] shape, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * shape.length + data.length);
        b.putInt((typeCode << 8) | shape.length);
        for (int d : shape) b.putInt(d);
        return b.put(data).array();
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
            gz.write(raw);
        }
        return bos.toByteArray();
    }

    @Test
    void readsPlainAndGzippedFilesAlike() throws IOException {
        byte[] pixels = new byte[2 * 3 * 4];
        for (int i = 0; i < pixels.length; i++) pixels[i] = (byte) (i * 11);
        byte[] raw = idx(0x08, new int[] {2, 3, 4}, pixels);
        Files.write(dir.resolve("plain"), raw);
        Files.write(dir.resolve("zipped-without-gz-suffix"), gzip(raw)); // detected by magic, not name
        for (String name : new String[] {"plain", "zipped-without-gz-suffix"}) {
            IdxFile.Contents c = IdxFile.read(dir.resolve(name));
            assertEquals(IdxFile.Type.UBYTE, c.type());
            assertArrayEquals(new int[] {2, 3, 4}, c.shape());
            assertEquals(24, c.size());
            assertEquals(253.0, c.get(23), "unsigned: 23 * 11 = 253");
        }
    }

    @Test
    void decodesWiderBigEndianTypes() throws IOException {
        ByteBuffer d = ByteBuffer.allocate(4 + 4 + 8 + 2).putInt(-7).putFloat(1.5f).putDouble(-0.25).putShort((short) -3);
        Files.write(dir.resolve("i"), idx(0x0C, new int[] {1}, Arrays.copyOfRange(d.array(), 0, 4)));
        assertEquals(-7.0, IdxFile.read(dir.resolve("i")).get(0));
        Files.write(dir.resolve("f"), idx(0x0D, new int[] {1}, Arrays.copyOfRange(d.array(), 4, 8)));
        assertEquals(1.5, IdxFile.read(dir.resolve("f")).get(0));
        Files.write(dir.resolve("d"), idx(0x0E, new int[] {1}, Arrays.copyOfRange(d.array(), 8, 16)));
        assertEquals(-0.25, IdxFile.read(dir.resolve("d")).get(0));
        Files.write(dir.resolve("s"), idx(0x0B, new int[] {1}, Arrays.copyOfRange(d.array(), 16, 18)));
        assertEquals(-3.0, IdxFile.read(dir.resolve("s")).get(0));
    }

    @Test
    void rejectsBadMagicTypeAndDimensionCount() throws IOException {
        assertRejected(new byte[] {1, 0, 8, 1, 0, 0, 0, 0}, "not an IDX file");
        assertRejected(new byte[] {0, 0, 0x42, 1, 0, 0, 0, 0}, "type code 0x42");
        assertRejected(new byte[] {0, 0, 8, 0}, "dimension count 0");
        assertRejected(new byte[] {0, 0, 8, 99}, "dimension count 99");
        assertRejected(new byte[] {0, 0}, "too short");
        assertRejected(new byte[] {0, 0, 8, 3, 0, 0, 0, 1}, "truncated IDX header");
    }

    @Test
    void rejectsTruncationAndTrailingBytesPlainOrGzipped() throws IOException {
        byte[] raw = idx(0x08, new int[] {10, 10}, new byte[100]);
        assertRejected(Arrays.copyOf(raw, raw.length - 1), "truncated");
        assertRejected(Arrays.copyOf(raw, raw.length + 1), "trailing");
        assertRejected(gzip(Arrays.copyOf(raw, raw.length - 1)), "truncated");
        assertRejected(gzip(Arrays.copyOf(raw, raw.length + 1)), "trailing");
        byte[] z = gzip(raw);
        assertRejected(Arrays.copyOf(z, z.length / 2), "truncated");
    }

    @Test
    void absurdSizesFailFastWithoutAllocatingThem() throws IOException {
        assertRejected(idx(0x08, new int[] {60000, 60000, 60000}, new byte[0]), "2 GiB");
        assertRejected(idx(0x08, new int[] {-1}, new byte[0]), "4294967295");
        // 2e9 bytes claimed by a tiny file: plain files are checked against their length ...
        assertRejected(idx(0x08, new int[] {2_000_000_000}, new byte[16]), "truncated");
        // ... gzipped ones cannot be, so memory only grows with the bytes that really arrive.
        assertRejected(gzip(idx(0x08, new int[] {50_000, 40_000}, new byte[16])), "holds only 16");
    }

    @Test
    void highlyCompressedDataWithinDeflatesBoundIsReadWhole() throws IOException {
        // 4 MiB of one repeated byte gzips to a few KiB: well within DEFLATE's 1032:1, so the
        // claimed size is allocated at once and must still come out byte for byte.
        byte[] pixels = new byte[4 << 20];
        Arrays.fill(pixels, (byte) 7);
        pixels[pixels.length - 1] = 9;
        Path file = dir.resolve("dense.gz");
        Files.write(file, gzip(idx(0x08, new int[] {1024, 4096}, pixels)));
        assertTrue(Files.size(file) * IdxFile.DEFLATE_MAX_RATIO >= pixels.length, "the fixture is within the bound");
        IdxFile.Contents c = IdxFile.read(file);
        assertArrayEquals(new int[] {1024, 4096}, c.shape());
        assertArrayEquals(pixels, c.data());
    }

    private void assertRejected(byte[] content, String expected) throws IOException {
        Path f = dir.resolve("hostile-idx3-ubyte");
        Files.write(f, content);
        MalformedFileException e = assertThrows(MalformedFileException.class, () -> IdxFile.read(f));
        assertTrue(e.getMessage().contains(expected) && e.getMessage().contains("hostile-idx3-ubyte"),
                "expected '" + expected + "' in: " + e.getMessage());
    }
}
