package dev.faltung.nn.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.faltung.nn.io.IoFixtures.fixture;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafeTensorsTest {

    @TempDir
    Path dir;

    @Test
    void readsTheNumpyMadeFixture() throws IOException {
        SafeTensors.Contents c = SafeTensors.read(fixture("small.safetensors"));
        assertEquals(List.of("conv.weight", "conv.bias", "step", "counts"), List.copyOf(c.tensors().keySet()));
        NdArray w = c.tensors().get("conv.weight");
        assertEquals(ElementType.FLOAT32, w.type());
        assertArrayEquals(new int[] {2, 3, 2, 2}, w.shape());
        float[] expected = new float[24];
        for (int i = 0; i < 24; i++) expected[i] = (i - 12) / 8f;
        assertArrayEquals(expected, w.toFloats());
        assertArrayEquals(new double[] {0.5, -0.5}, c.tensors().get("conv.bias").toDoubles());
        NdArray step = c.tensors().get("step");
        assertArrayEquals(new int[0], step.shape());
        assertArrayEquals(new long[] {42}, step.toLongs());
        assertArrayEquals(new long[] {1, 2, 3}, c.tensors().get("counts").toLongs());
        assertEquals(Map.of("format", "pt", "note", "made by make_fixtures.py é"), c.metadata());
    }

    @Test
    void engineBuffersAreWrittenAsTheBytesAnNdArrayOfThemHolds() throws IOException {
        // Larger than one encoding block (64 KiB), with a tail, in both precisions.
        float[] f = new float[70_007]; // 7 x 10,001
        double[] d = new double[9_000];
        for (int i = 0; i < f.length; i++) f[i] = (float) Math.sin(i) * 1e3f;
        for (int i = 0; i < d.length; i++) d[i] = Math.cos(i) / 7;
        Map<String, TensorBytes> streamed = new LinkedHashMap<>();
        streamed.put("f", TensorBytes.of(dev.faltung.kernel.Buffer.of(f), 7, 10_001));
        streamed.put("d", TensorBytes.of(dev.faltung.kernel.Buffer.of(d), 9_000));
        Map<String, NdArray> copied = new LinkedHashMap<>();
        copied.put("f", NdArray.ofFloats(f, 7, 10_001));
        copied.put("d", NdArray.ofDoubles(d, 9_000));
        SafeTensors.write(dir.resolve("streamed.safetensors"), streamed, Map.of("k", "v"));
        SafeTensors.write(dir.resolve("copied.safetensors"), copied, Map.of("k", "v"));
        assertArrayEquals(Files.readAllBytes(dir.resolve("copied.safetensors")),
                Files.readAllBytes(dir.resolve("streamed.safetensors")));
        assertThrows(IllegalArgumentException.class, () -> TensorBytes.of(dev.faltung.kernel.Buffer.of(d), 3, 4));
    }

    @Test
    void aFilteredReadChecksTheWholeHeaderButReadsOnlyTheChosenTensors() throws IOException {
        SafeTensors.Contents some = SafeTensors.read(fixture("small.safetensors"), name -> name.startsWith("conv."));
        assertEquals(List.of("conv.weight", "conv.bias"), List.copyOf(some.tensors().keySet()));
        assertEquals(SafeTensors.read(fixture("small.safetensors")).tensors().get("conv.bias"),
                some.tensors().get("conv.bias"));
        assertEquals("pt", some.metadata().get("format"));
    }

    @Test
    void readsAFileWrittenByTheSafetensorsLibrary() throws IOException {
        // Same tensors as small.safetensors, laid out by safetensors 0.8.0 (sorted by alignment, then name).
        SafeTensors.Contents lib = SafeTensors.read(fixture("library_made.safetensors"));
        SafeTensors.Contents hand = SafeTensors.read(fixture("small.safetensors"));
        assertEquals(hand.tensors(), lib.tensors());
        assertEquals(List.of("step", "conv.bias", "conv.weight", "counts"), List.copyOf(lib.tensors().keySet()));
        assertEquals(Map.of("format", "np"), lib.metadata());
    }

    @Test
    void roundTripsTensorsAndMetadataInOrderWithAlignedData() throws IOException {
        Map<String, NdArray> t = new LinkedHashMap<>();
        t.put("z.weight", NdArray.ofFloats(new float[] {1, 2, 3}, 3));
        t.put("a.bias", NdArray.ofDoubles(new double[] {-1}, 1));
        t.put("labels", NdArray.ofLongs(new long[] {7, 8}, 2));
        t.put("idx", NdArray.ofInts(new int[] {5}));
        t.put("empty", NdArray.ofFloats(new float[0], 0, 4));
        Path f = dir.resolve("m.safetensors");
        SafeTensors.write(f, t, Map.of("epoch", "3", "quote", "a\"b"));
        SafeTensors.Contents c = SafeTensors.read(f);
        assertEquals(t, c.tensors());
        assertEquals(List.copyOf(t.keySet()), List.copyOf(c.tensors().keySet()));
        assertEquals(Map.of("epoch", "3", "quote", "a\"b"), c.metadata());
        long n = ByteBuffer.wrap(Files.readAllBytes(f), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, n % 8, "header padded to a multiple of 8");
    }

    @Test
    void rejectsHeaderLengthsBeyondTheFileOrTheCap() throws IOException {
        assertRejected(new byte[] {1, 2, 3}, "too short");
        assertRejected(withLength(1_000, "{}"), "header length 1000");
        assertRejected(withLength(Long.MAX_VALUE, "{}"), "header length " + Long.MAX_VALUE);
        assertRejected(withLength(-1, "{}"), "header length 18446744073709551615");
        assertRejected(withLength(200_000_000L, "{}"), "100000000");
    }

    @Test
    void rejectsBadOffsetsShapesAndDtypes() throws IOException {
        assertRejected(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,16]}}", 8), "outside");
        assertRejected(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8), "needs 12 bytes");
        assertRejected(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}", 8), "outside");
        assertRejected(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4), "shape entry");
        assertRejected(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[65536,65536],\"data_offsets\":[0,4]}}", 4), "2 GiB");
        assertRejected(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[99999999999999999999],\"data_offsets\":[0,4]}}", 4), "shape entry");
        assertRejected(file("{\"w\":{\"dtype\":\"C64\",\"shape\":[1],\"data_offsets\":[0,8]}}", 8), "unsupported dtype C64");
        assertRejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12), "overlap");
        assertRejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8), "belong to no tensor");
        assertRejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 8), "cover 4 of the 8");
        assertRejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4), "data_offsets");
        assertRejected(file("{\"__metadata__\":{\"k\":1}}", 0), "not a string");
        assertRejected(file("[1,2]", 0), "not a JSON object");
        assertRejected(file("{\"a\":", 0), "JSON");
    }

    @Test
    void rejectsInvalidUtf8() throws IOException {
        byte[] h = {'{', '"', (byte) 0xC3, '"', ':', '1', '}'};
        ByteBuffer b = ByteBuffer.allocate(8 + h.length).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h);
        assertRejected(b.array(), "UTF-8");
    }

    private static byte[] withLength(long n, String header) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + h.length).order(ByteOrder.LITTLE_ENDIAN).putLong(n).put(h).array();
    }

    private static byte[] file(String header, int dataBytes) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h).array();
    }

    private void assertRejected(byte[] content, String expected) throws IOException {
        Path f = dir.resolve("hostile.safetensors");
        Files.write(f, content);
        MalformedFileException e = assertThrows(MalformedFileException.class, () -> SafeTensors.read(f));
        assertTrue(e.getMessage().contains(expected) && e.getMessage().contains("hostile.safetensors"),
                "expected '" + expected + "' in: " + e.getMessage());
    }
}
