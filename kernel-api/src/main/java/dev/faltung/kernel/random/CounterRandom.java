package dev.faltung.kernel.random;

/**
 * A counter-based generator: the {@code i}-th number of stream {@code seed} is a pure function
 * of {@code (seed, i)}, so any backend (a GPU thread per element included) draws exactly the
 * same numbers, in any order. The mixing function is SplitMix64's finaliser (Steele, Lea and
 * Flood 2014) applied twice, which passes BigCrush as a counter hash.
 */
public final class CounterRandom {

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private CounterRandom() {
    }

    /** 64 random bits for counter {@code i} of stream {@code seed}. */
    public static long bits(long seed, long i) {
        return mix(mix(seed * GOLDEN + 0x632BE59BD9B4E019L) + (i + 1) * GOLDEN);
    }

    /** Uniform double in [0, 1) with 53 random bits. */
    public static double uniform(long seed, long i) {
        return (bits(seed, i) >>> 11) * 0x1.0p-53;
    }

    /**
     * Standard normal by Box–Muller from counters {@code 2i} and {@code 2i+1} (one value per
     * call, the cosine branch), so element {@code i} never depends on its neighbours. StrictMath
     * makes the value identical on every JVM and machine.
     */
    public static double normal(long seed, long i) {
        double u1 = 1.0 - uniform(seed, 2 * i); // in (0, 1]: log is finite
        double u2 = uniform(seed, 2 * i + 1);
        return StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2.0 * Math.PI * u2);
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
