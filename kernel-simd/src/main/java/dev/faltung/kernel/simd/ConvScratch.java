package dev.faltung.kernel.simd;

/**
 * Float32 work arrays for the convolutions, one set per calling thread, so a training loop does
 * not allocate patch matrices on every step. Slots are numbered by the caller; an array is
 * replaced when a larger one is asked for, and dropped when {@link #WINDOW} requests in a row
 * needed less than half of it (the convolution planner tries every algorithm once, and the
 * largest of their work arrays would otherwise stay for the rest of the run). Contents are
 * unspecified. Not shared between threads (each thread gets its own instance).
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
    /** Slot of a kernel rearranged for a pass that runs as another (backward data as a forward pass). */
    static final int KERNEL = 4;
    private static final int SLOTS = 5;

    private static final ThreadLocal<ConvScratch> PER_THREAD = ThreadLocal.withInitial(ConvScratch::new);

    /** Requests per slot after which an array twice as large as any of them is dropped. */
    static final int WINDOW = 64;
    /** Arrays smaller than this (1 MiB) are kept whatever their use. */
    private static final int KEEP = 1 << 18;

    private final float[][] slots = new float[SLOTS][];
    private final long[] largestRecent = new long[SLOTS];
    private final int[] requests = new int[SLOTS];

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
        largestRecent[slot] = Math.max(largestRecent[slot], size);
        if (++requests[slot] == WINDOW) {
            if (a != null && a.length > KEEP && a.length > 2 * largestRecent[slot]) {
                a = null;
            }
            requests[slot] = 0;
            largestRecent[slot] = size;
        }
        if (a == null || a.length < size) {
            a = new float[(int) size];
        }
        slots[slot] = a;
        return a;
    }
}
