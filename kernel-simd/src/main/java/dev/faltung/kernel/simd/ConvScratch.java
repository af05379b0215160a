package dev.faltung.kernel.simd;

/**
 * Grow-only float32 work arrays for the convolutions, one set per calling thread, so a training
 * loop does not allocate patch matrices on every step. Slots are numbered by the caller; an
 * array is replaced only when a larger one is asked for, and its contents are unspecified.
 * Not shared between threads (each thread gets its own instance).
 */
final class ConvScratch {

    /** Slot of the patch matrix (im2col) or padded input planes. */
    static final int COLS = 0;
    /** Slot of a gathered or computed output/gradient block. */
    static final int OUT = 1;
    /** Slot of rearranged weights. */
    static final int WEIGHTS = 2;
    /** Slot of a second temporary of the FFT path. */
    static final int SPECTRA = 3;

    private static final ThreadLocal<ConvScratch> PER_THREAD = ThreadLocal.withInitial(ConvScratch::new);

    private final float[][] slots = new float[4][];

    private ConvScratch() {
    }

    /** The calling thread's scratch. */
    static ConvScratch get() {
        return PER_THREAD.get();
    }

    /** An array of at least {@code size} floats in {@code slot}. */
    float[] floats(int slot, long size) {
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("conv: work array of " + size + " floats exceeds a Java array");
        }
        float[] a = slots[slot];
        if (a == null || a.length < size) {
            a = new float[(int) size];
            slots[slot] = a;
        }
        return a;
    }
}
