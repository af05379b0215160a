package dev.faltung.kernel;

/** Element types a tensor can hold. Every backend supports at least one. */
public enum DType {
    FLOAT32(4, "float32"),
    FLOAT64(8, "float64");

    private final int bytes;
    private final String label;

    DType(int bytes, String label) {
        this.bytes = bytes;
        this.label = label;
    }

    /** Size of one element in bytes. */
    public int bytes() {
        return bytes;
    }

    /** The lower-case name used on the command line and in files ({@code float32}, {@code float64}). */
    public String label() {
        return label;
    }

    /** Parses {@code float32}/{@code f32}/{@code float}, {@code float64}/{@code f64}/{@code double}. */
    public static DType parse(String text) {
        return switch (text.toLowerCase(java.util.Locale.ROOT)) {
            case "float32", "f32", "float" -> FLOAT32;
            case "float64", "f64", "double" -> FLOAT64;
            default -> throw new IllegalArgumentException(
                    "unknown dtype '" + text + "' (expected float32 or float64)");
        };
    }

    @Override
    public String toString() {
        return label;
    }
}
