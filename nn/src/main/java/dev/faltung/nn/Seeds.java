package dev.faltung.nn;

/**
 * Derives independent seeds from a base seed and a path of integers (epoch, sample index, ...),
 * so every random choice is a pure function of where it happens, not of the order things ran in.
 * That is what makes a resumed run and a prefetching loader bit-identical to a straight run.
 */
public final class Seeds {

    private Seeds() {
    }

    /** A seed for {@code (seed, a)}: SplitMix64's finaliser over a golden-ratio step. */
    public static long derive(long seed, long a) {
        long z = seed + 0x9E3779B97F4A7C15L * (a + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A seed for {@code (seed, a, b)}. */
    public static long derive(long seed, long a, long b) {
        return derive(derive(seed, a), b);
    }
}
