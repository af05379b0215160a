package dev.faltung.nn.init;

/** Derives independent child seeds from a parent seed, so a model built from one seed is reproducible. */
public final class Seeds {

    private Seeds() {
    }

    /** A well-mixed seed for child {@code index} of {@code seed} (SplitMix64's finaliser). */
    public static long derive(long seed, long index) {
        long z = seed + 0x9E3779B97F4A7C15L * (index + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
