package dev.faltung.nn.io;

import java.util.Locale;

/**
 * Element types that array files (NPY, safetensors) may hold, with their byte widths and their
 * names in each format. Arrays of every type can be widened to float/double; integer types also
 * to {@code long} (class labels, targets).
 */
public enum ElementType {
    FLOAT16(2, "f2", "F16", true),
    BFLOAT16(2, null, "BF16", true),
    FLOAT32(4, "f4", "F32", true),
    FLOAT64(8, "f8", "F64", true),
    INT8(1, "i1", "I8", false),
    UINT8(1, "u1", "U8", false),
    INT32(4, "i4", "I32", false),
    INT64(8, "i8", "I64", false),
    BOOL(1, "b1", "BOOL", false);

    private final int bytes;
    private final String npyCode;
    private final String safetensorsName;
    private final boolean floating;

    ElementType(int bytes, String npyCode, String safetensorsName, boolean floating) {
        this.bytes = bytes;
        this.npyCode = npyCode;
        this.safetensorsName = safetensorsName;
        this.floating = floating;
    }

    /** Size of one element in bytes. */
    public int bytes() {
        return bytes;
    }

    /** True for the floating-point types. */
    public boolean isFloating() {
        return floating;
    }

    /** The numpy type code without byte order ({@code f4}, {@code i8}, ...); null if numpy has none. */
    public String npyCode() {
        return npyCode;
    }

    /** The dtype name in a safetensors header ({@code F32}, {@code I64}, ...). */
    public String safetensorsName() {
        return safetensorsName;
    }

    /** The type a numpy code such as {@code f4} or {@code u1} names, or null if unsupported. */
    static ElementType fromNpyCode(String code) {
        for (ElementType t : values()) {
            if (code.equals(t.npyCode)) {
                return t;
            }
        }
        return null;
    }

    /** The type a safetensors dtype name names, or null if unsupported. */
    static ElementType fromSafetensorsName(String name) {
        for (ElementType t : values()) {
            if (t.safetensorsName.equals(name)) {
                return t;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
