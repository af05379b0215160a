package dev.faltung.kernel.conv;

/**
 * How a convolution is computed. All concrete algorithms compute the same function; the proofs
 * in {@code proofs-tests} show they agree. {@link #AUTO} is resolved to a concrete algorithm
 * before a kernel is called.
 */
public enum ConvAlgorithm {
    /** The loop nest. Applies everywhere. */
    DIRECT,
    /** Lowering to a patch matrix and one GEMM per image and group. Applies everywhere. */
    IM2COL,
    /** Frequency-domain multiply-accumulate with overlap-add tiles. Applies everywhere. */
    FFT,
    /** Winograd minimal filtering F(2x2,3x3) / F(4x4,3x3) / F(2x2,5x5): 3x3 and 5x5 kernels, stride 1, dilation 1 only. */
    WINOGRAD,
    /** Chosen per shape, dtype and backend. */
    AUTO;

    public static ConvAlgorithm parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown convolution algorithm '" + text
                    + "' (expected direct, im2col, fft, winograd or auto)");
        }
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
