package dev.faltung.nn.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Reads and writes the <a href="https://github.com/huggingface/safetensors">safetensors</a> format:
 * an 8-byte little-endian header length N, N bytes of UTF-8 JSON
 * {@code {"name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, "__metadata__": {...}}}
 * padded with spaces to a multiple of 8, then the little-endian tensor bytes, offsets relative to
 * the end of the header. The reader checks every offset against the dtype, the shape and the file
 * before allocating, so a hostile file fails with a message instead of exhausting memory.
 */
public final class SafeTensors {

    /** Headers larger than this are refused (the reference implementation uses the same 100 MB cap). */
    static final long MAX_HEADER_BYTES = 100_000_000L;
    private static final String METADATA = "__metadata__";

    /** The named tensors of a file in header order, and its free-form string metadata. */
    public record Contents(Map<String, NdArray> tensors, Map<String, String> metadata) {
        public Contents {
            tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
            metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        }
    }

    private SafeTensors() {
    }

    /** Reads every tensor and the metadata of a {@code .safetensors} file. */
    public static Contents read(Path file) throws IOException {
        return read(file, name -> true);
    }

    /**
     * Reads the metadata and the tensors whose names {@code include} accepts; the header is
     * checked whole, the others' data is skipped, not read.
     */
    public static Contents read(Path file, Predicate<String> include) throws IOException {
        return read(file, include, MAX_HEADER_BYTES);
    }

    /**
     * As {@link #read(Path, Predicate)}, refusing headers longer than {@code maxHeaderBytes}:
     * a reader that knows its files' headers are small need not hold 100 MB of JSON in memory.
     */
    public static Contents read(Path file, Predicate<String> include, long maxHeaderBytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long fileSize = ch.size();
            if (fileSize < 8) {
                throw new MalformedFileException(file, "too short for a safetensors header length (" + fileSize + " bytes)");
            }
            long headerLength = Npy.readFully(ch, 0, 8, file, "the header length").order(ByteOrder.LITTLE_ENDIAN).getLong();
            long cap = Math.min(maxHeaderBytes, MAX_HEADER_BYTES);
            if (headerLength < 2 || headerLength > cap || headerLength > fileSize - 8) {
                throw new MalformedFileException(file, "safetensors header length " + Long.toUnsignedString(headerLength)
                        + " is outside [2, min(file size - 8 = " + (fileSize - 8) + ", " + cap + ")]");
            }
            ByteBuffer raw = Npy.readFully(ch, 8, (int) headerLength, file, "the header");
            String json;
            try {
                json = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(raw).toString();
            } catch (CharacterCodingException e) {
                throw new MalformedFileException(file, "safetensors header is not valid UTF-8", e);
            }
            long dataStart = 8 + headerLength;
            long dataLength = fileSize - dataStart;
            List<Entry> entries;
            Map<String, String> metadata = new LinkedHashMap<>();
            try {
                entries = parseHeader(json, dataLength, metadata);
            } catch (IllegalArgumentException e) {
                throw new MalformedFileException(file, "bad safetensors header: " + e.getMessage(), e);
            }
            Map<String, NdArray> tensors = new LinkedHashMap<>();
            for (Entry e : entries) {
                if (!include.test(e.name)) {
                    continue;
                }
                ByteBuffer data = Npy.readFully(ch, dataStart + e.begin, (int) (e.end - e.begin), file, "tensor " + e.name);
                tensors.put(e.name, new NdArray(e.type, e.shape, data.array()));
            }
            return new Contents(tensors, metadata);
        }
    }

    private record Entry(String name, ElementType type, int[] shape, long begin, long end) {
    }

    private static List<Entry> parseHeader(String json, long dataLength, Map<String, String> metadata) {
        if (!(Json.parse(json) instanceof Map<?, ?> root)) {
            throw new IllegalArgumentException("header is not a JSON object");
        }
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<?, ?> kv : root.entrySet()) {
            String name = (String) kv.getKey();
            if (name.equals(METADATA)) {
                if (!(kv.getValue() instanceof Map<?, ?> meta)) {
                    throw new IllegalArgumentException(METADATA + " is not an object");
                }
                for (Map.Entry<?, ?> m : meta.entrySet()) {
                    if (!(m.getValue() instanceof String v)) {
                        throw new IllegalArgumentException(METADATA + " value for \"" + m.getKey() + "\" is not a string");
                    }
                    metadata.put((String) m.getKey(), v);
                }
                continue;
            }
            if (!(kv.getValue() instanceof Map<?, ?> info)) {
                throw new IllegalArgumentException("tensor \"" + name + "\" is not an object");
            }
            if (!(info.get("dtype") instanceof String dtypeName)) {
                throw new IllegalArgumentException("tensor \"" + name + "\" has no dtype string");
            }
            ElementType type = ElementType.fromSafetensorsName(dtypeName);
            if (type == null) {
                throw new IllegalArgumentException("tensor \"" + name + "\" has unsupported dtype " + dtypeName
                        + " (supported: F16, BF16, F32, F64, I8, U8, I32, I64, BOOL)");
            }
            if (!(info.get("shape") instanceof List<?> dims)) {
                throw new IllegalArgumentException("tensor \"" + name + "\" has no shape list");
            }
            int[] shape = new int[dims.size()];
            for (int i = 0; i < shape.length; i++) {
                if (!(dims.get(i) instanceof Long d) || d < 0 || d > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("tensor \"" + name + "\" shape entry " + dims.get(i)
                            + " is not a dimension in [0, 2^31)");
                }
                shape[i] = d.intValue();
            }
            if (!(info.get("data_offsets") instanceof List<?> offsets) || offsets.size() != 2
                    || !(offsets.get(0) instanceof Long begin) || !(offsets.get(1) instanceof Long end)) {
                throw new IllegalArgumentException("tensor \"" + name + "\" needs data_offsets [begin, end] of integers");
            }
            if (begin < 0 || end < begin || end > dataLength) {
                throw new IllegalArgumentException("tensor \"" + name + "\" data_offsets [" + begin + ", " + end
                        + "] lie outside the " + dataLength + " data bytes");
            }
            long needed = NdArray.byteCount(type, shape, "tensor \"" + name + "\"");
            if (end - begin != needed) {
                throw new IllegalArgumentException("tensor \"" + name + "\" of " + dtypeName + " " + Arrays.toString(shape)
                        + " needs " + needed + " bytes but data_offsets [" + begin + ", " + end + "] span " + (end - begin));
            }
            entries.add(new Entry(name, type, shape, begin, end));
        }
        // The format requires the tensors to tile the data exactly: no overlap, no holes.
        List<Entry> byOffset = new ArrayList<>(entries);
        byOffset.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long cursor = 0;
        for (Entry e : byOffset) {
            if (e.begin < cursor) {
                throw new IllegalArgumentException("tensor \"" + e.name + "\" data_offsets [" + e.begin + ", " + e.end
                        + "] overlap the previous tensor, which ends at " + cursor);
            }
            if (e.begin > cursor) {
                throw new IllegalArgumentException("bytes [" + cursor + ", " + e.begin + ") belong to no tensor");
            }
            cursor = e.end;
        }
        if (cursor != dataLength) {
            throw new IllegalArgumentException("the tensors cover " + cursor + " of the " + dataLength + " data bytes");
        }
        return entries;
    }

    /** Atomically writes {@code tensors} (data in iteration order) and {@code metadata} as a safetensors file. */
    public static void write(Path file, Map<String, ? extends TensorBytes> tensors, Map<String, String> metadata)
            throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        if (!metadata.isEmpty()) {
            header.put(METADATA, new LinkedHashMap<>(metadata));
        }
        long offset = 0;
        for (Map.Entry<String, ? extends TensorBytes> e : tensors.entrySet()) {
            if (e.getKey().equals(METADATA)) {
                throw new IllegalArgumentException("SafeTensors.write: a tensor may not be named " + METADATA);
            }
            TensorBytes a = e.getValue();
            List<Object> shape = new ArrayList<>();
            for (int d : a.shape()) shape.add((long) d);
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("dtype", a.type().safetensorsName());
            info.put("shape", shape);
            info.put("data_offsets", List.of(offset, offset + a.byteCount()));
            header.put(e.getKey(), info);
            offset += a.byteCount();
        }
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8; // keeps the data 8-byte aligned, as the reference writer does
        AtomicFile.write(file, out -> {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
            out.write(len.array());
            out.write(json);
            for (int i = json.length; i < padded; i++) out.write(' ');
            for (TensorBytes a : tensors.values()) {
                a.writeTo(out);
            }
        });
    }
}
