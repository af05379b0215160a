package dev.faltung.nn.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes numpy's {@code .npy} format
 * (<a href="https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html">numpy.lib.format</a>):
 * magic {@code \x93NUMPY}, version, header length (2 bytes in 1.0, 4 in 2.0/3.0), a Python dict
 * literal {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }} padded to 64 bytes,
 * then the raw C-ordered data. Versions 1.0–3.0 are read, in either byte order; 1.0 is written
 * unless the header needs 2.0. Fortran-ordered and structured arrays are refused.
 */
public final class Npy {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** numpy itself caps headers far lower; anything bigger is not a real array header. */
    static final int MAX_HEADER_BYTES = 1 << 20;

    private Npy() {
    }

    /** Reads a whole {@code .npy} file, validating the header and the data length against the shape. */
    public static NdArray read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long fileSize = ch.size();
            ByteBuffer pre = readFully(ch, 0, 10, file, "the magic and version");
            byte[] magic = new byte[6];
            pre.get(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new MalformedFileException(file, "not an NPY file (missing the \\x93NUMPY magic)");
            }
            int major = pre.get() & 0xFF;
            int minor = pre.get() & 0xFF;
            long headerLength;
            long headerStart;
            if (major == 1) {
                headerLength = pre.order(ByteOrder.LITTLE_ENDIAN).getShort(8) & 0xFFFF;
                headerStart = 10;
            } else if (major == 2 || major == 3) {
                headerLength = readFully(ch, 8, 4, file, "the header length").order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xFFFFFFFFL;
                headerStart = 12;
            } else {
                throw new MalformedFileException(file, "unsupported NPY format version " + major + "." + minor
                        + " (this reader knows 1.0, 2.0 and 3.0)");
            }
            if (headerLength > MAX_HEADER_BYTES || headerStart + headerLength > fileSize) {
                throw new MalformedFileException(file, "NPY header length " + headerLength
                        + " exceeds the file size " + fileSize + " or the " + MAX_HEADER_BYTES + "-byte cap");
            }
            ByteBuffer hb = readFully(ch, headerStart, (int) headerLength, file, "the header");
            // 1.0/2.0 headers are latin-1, 3.0 allows UTF-8; the keys and values we accept are ASCII.
            String header = new String(hb.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            Header h;
            try {
                h = Header.parse(header);
            } catch (IllegalArgumentException e) {
                throw new MalformedFileException(file, "bad NPY header: " + e.getMessage(), e);
            }
            long dataStart = headerStart + headerLength;
            long available = fileSize - dataStart;
            if (available != h.byteCount) {
                throw new MalformedFileException(file, "NPY shape " + Arrays.toString(h.shape) + " of " + h.type
                        + " needs " + h.byteCount + " data bytes but the file has " + available
                        + (available < h.byteCount ? " (truncated)" : " (trailing bytes)"));
            }
            ByteBuffer data = readFully(ch, dataStart, (int) h.byteCount, file, "the data");
            byte[] little = data.array();
            if (h.bigEndian) {
                swapBytes(little, h.type.bytes());
            }
            return new NdArray(h.type, h.shape, little);
        }
    }

    /** Atomically writes {@code array} as little-endian, C-ordered {@code .npy} (version 1.0, or 2.0 for huge headers). */
    public static void write(Path file, NdArray array) throws IOException {
        AtomicFile.write(file, encode(array));
    }

    /** The bytes of {@code array} in {@code .npy} form. */
    public static byte[] encode(NdArray array) {
        String code = array.type().npyCode();
        if (code == null) {
            throw new IllegalArgumentException("Npy.write: numpy has no " + array.type() + " type");
        }
        char order = array.type().bytes() == 1 ? '|' : '<';
        StringBuilder shape = new StringBuilder("(");
        for (int i = 0; i < array.shape().length; i++) {
            if (i > 0) shape.append(", ");
            shape.append(array.shape()[i]);
        }
        if (array.shape().length == 1) shape.append(','); // (3,) is a tuple, (3) is not
        shape.append(')');
        String dict = "{'descr': '" + order + code + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int major = 1;
        int prefix = 10;
        int total = align64(prefix + dict.length() + 1);
        if (total - prefix > 0xFFFF) {
            major = 2;
            prefix = 12;
            total = align64(prefix + dict.length() + 1);
        }
        int headerLength = total - prefix;
        ByteBuffer out = ByteBuffer.allocate(total + array.data().length).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) major).put((byte) 0);
        if (major == 1) {
            out.putShort((short) headerLength);
        } else {
            out.putInt(headerLength);
        }
        out.put(dict.getBytes(StandardCharsets.ISO_8859_1));
        for (int i = dict.length(); i < headerLength - 1; i++) out.put((byte) ' ');
        out.put((byte) '\n');
        out.put(array.data());
        return out.array();
    }

    private static int align64(int n) {
        return (n + 63) / 64 * 64;
    }

    static void swapBytes(byte[] data, int width) {
        if (width == 1) return;
        for (int i = 0; i < data.length; i += width) {
            for (int a = i, b = i + width - 1; a < b; a++, b--) {
                byte t = data[a];
                data[a] = data[b];
                data[b] = t;
            }
        }
    }

    /**
     * Bytes per read: a channel reads into a heap buffer through a temporary direct buffer as
     * large as the request, which the JDK then keeps for the thread (a 13 MB checkpoint tensor
     * read at once left 13 MB of native memory for the rest of the process).
     */
    private static final int READ_SLICE = 1 << 20;

    static ByteBuffer readFully(FileChannel ch, long position, int length, Path file, String what) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length);
        long p = position;
        while (b.hasRemaining()) {
            int n = ch.read(b.slice(b.position(), Math.min(READ_SLICE, b.remaining())), p);
            if (n < 0) {
                throw new MalformedFileException(file, "truncated while reading " + what);
            }
            b.position(b.position() + n);
            p += n;
        }
        return b.flip();
    }

    /** The parsed header dict: element type, byte order and shape, with the data size it implies. */
    private record Header(ElementType type, boolean bigEndian, int[] shape, long byteCount) {

        static Header parse(String text) {
            Object parsed = new PyLiteral(text.strip()).parseAll();
            if (!(parsed instanceof Map<?, ?> dict)) {
                throw new IllegalArgumentException("header is not a dict: " + abbreviate(text));
            }
            if (!(dict.get("descr") instanceof String descr)) {
                throw new IllegalArgumentException("'descr' is missing or not a string (structured dtypes are not supported): "
                        + abbreviate(text));
            }
            if (!(dict.get("fortran_order") instanceof Boolean fortran)) {
                throw new IllegalArgumentException("'fortran_order' is missing or not a bool");
            }
            if (fortran) {
                throw new IllegalArgumentException("fortran_order is True; only C-ordered arrays are supported "
                        + "(save with np.ascontiguousarray(a) first)");
            }
            if (!(dict.get("shape") instanceof List<?> dims)) {
                throw new IllegalArgumentException("'shape' is missing or not a tuple");
            }
            if (descr.length() < 3) {
                throw new IllegalArgumentException("unsupported descr '" + descr + "'");
            }
            char order = descr.charAt(0);
            if (order != '<' && order != '>' && order != '|' && order != '=') {
                throw new IllegalArgumentException("unsupported byte order in descr '" + descr + "'");
            }
            ElementType type = ElementType.fromNpyCode(descr.substring(1));
            if (type == null) {
                throw new IllegalArgumentException("unsupported descr '" + descr
                        + "' (supported: f2, f4, f8, i1, u1, i4, i8, b1)");
            }
            int[] shape = new int[dims.size()];
            for (int i = 0; i < shape.length; i++) {
                if (!(dims.get(i) instanceof Long d) || d < 0 || d > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("shape entry " + dims.get(i) + " is not a dimension in [0, 2^31)");
                }
                shape[i] = d.intValue();
            }
            // '=' is native order, which numpy writes only as '<' or '>'; read it as little-endian (x86, ARM).
            return new Header(type, order == '>', shape, NdArray.byteCount(type, shape, "the array"));
        }

        private static String abbreviate(String s) {
            return s.length() > 200 ? s.substring(0, 200) + "..." : s;
        }
    }

    /**
     * Just enough of Python's literal syntax for NPY headers: dicts, tuples, lists, quoted
     * strings, integers (with Python 2's {@code L} suffix), True/False/None, trailing commas.
     */
    private static final class PyLiteral {
        private final String s;
        private int pos;

        PyLiteral(String s) {
            this.s = s;
        }

        Object parseAll() {
            Object v = value(0);
            ws();
            if (pos != s.length()) {
                throw error("trailing characters");
            }
            return v;
        }

        private Object value(int depth) {
            if (depth > 32) throw error("nesting too deep");
            ws();
            if (pos >= s.length()) throw error("unexpected end");
            char c = s.charAt(pos);
            switch (c) {
                case '{': {
                    pos++;
                    Map<Object, Object> m = new LinkedHashMap<>();
                    while (true) {
                        ws();
                        if (peek() == '}') { pos++; return m; }
                        Object k = value(depth + 1);
                        ws();
                        if (peek() != ':') throw error("expected ':'");
                        pos++;
                        m.put(k, value(depth + 1));
                        ws();
                        if (peek() == ',') { pos++; continue; }
                        if (peek() == '}') { pos++; return m; }
                        throw error("expected ',' or '}'");
                    }
                }
                case '(':
                case '[': {
                    char close = c == '(' ? ')' : ']';
                    pos++;
                    List<Object> l = new ArrayList<>();
                    while (true) {
                        ws();
                        if (peek() == close) { pos++; return l; }
                        l.add(value(depth + 1));
                        ws();
                        if (peek() == ',') { pos++; continue; }
                        if (peek() == close) { pos++; return l; }
                        throw error("expected ',' or '" + close + "'");
                    }
                }
                case '\'':
                case '"': {
                    int end = s.indexOf(c, pos + 1);
                    if (end < 0) throw error("unterminated string");
                    String str = s.substring(pos + 1, end);
                    pos = end + 1;
                    return str;
                }
                default:
                    if (c == '-' || Character.isDigit(c)) {
                        int start = pos++;
                        while (pos < s.length() && Character.isDigit(s.charAt(pos))) pos++;
                        String digits = s.substring(start, pos);
                        if (peek() == 'L' || peek() == 'l') pos++;
                        try {
                            return Long.parseLong(digits);
                        } catch (NumberFormatException e) {
                            throw error("integer " + (digits.length() > 30 ? digits.substring(0, 30) + "... ("
                                    + digits.length() + " digits)" : digits) + " out of range");
                        }
                    }
                    for (String word : new String[] {"True", "False", "None"}) {
                        if (s.startsWith(word, pos)) {
                            pos += word.length();
                            return word.equals("None") ? null : Boolean.valueOf(word.equals("True"));
                        }
                    }
                    throw error("unexpected character '" + c + "'");
            }
        }

        private char peek() {
            return pos < s.length() ? s.charAt(pos) : '\0';
        }

        private void ws() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) pos++;
        }

        private IllegalArgumentException error(String message) {
            return new IllegalArgumentException(message + " at offset " + pos + " of the header dict");
        }
    }
}
