package dev.faltung.cli.bench;

import java.util.Arrays;

/**
 * Wall-clock samples of one repeated computation, in milliseconds, in the order they were
 * taken. Warm-up runs are executed but not kept. The median is the headline number: it ignores
 * the occasional run slowed by GC or a neighbour on the machine, where the mean would not.
 */
record Timings(double[] millis, int warmupRuns) {

    Timings(double[] millis) {
        this(millis, 0);
    }

    Timings {
        if (millis.length == 0) {
            throw new IllegalArgumentException("bench: need at least one timed repeat");
        }
        millis = millis.clone();
    }

    /** Runs {@code body} {@code warmup} times untimed, then {@code repeats} times timed. */
    static Timings measure(int warmup, int repeats, Runnable body) {
        return measure(warmup, 0, repeats, body);
    }

    /**
     * Runs {@code body} untimed at least {@code warmup} times and until {@code warmupMillis} have
     * passed after the first of them, then {@code repeats} times timed. The time floor lets the JIT compile the hot loops
     * of small problems, for which a few runs are not enough.
     */
    static Timings measure(int warmup, long warmupMillis, int repeats, Runnable body) {
        if (warmup < 0) {
            throw new IllegalArgumentException("bench: warm-up count must be >= 0, got " + warmup);
        }
        if (warmupMillis < 0) {
            throw new IllegalArgumentException("bench: warm-up time must be >= 0 ms, got " + warmupMillis);
        }
        if (repeats < 1) {
            throw new IllegalArgumentException("bench: repeat count must be >= 1, got " + repeats);
        }
        int warmupRuns = 0;
        if (warmup > 0 || warmupMillis > 0) {
            // The clock starts after the first run: that one resolves AUTO, whose timing of every
            // candidate can take seconds and used up the warm-up time, leaving the chosen kernel
            // itself with three runs before the timed ones (LeNet conv2 then timed 0.18 ms, not 0.10).
            body.run();
            warmupRuns++;
        }
        long start = System.nanoTime();
        while (warmupRuns < warmup || (System.nanoTime() - start) / 1_000_000 < warmupMillis) {
            body.run();
            warmupRuns++;
        }
        double[] ms = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long t0 = System.nanoTime();
            body.run();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        return new Timings(ms, warmupRuns);
    }

    int repeats() {
        return millis.length;
    }

    /** The middle sample; the mean of the two middle samples for an even count. */
    double median() {
        double[] s = millis.clone();
        Arrays.sort(s);
        int m = s.length / 2;
        return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
    }

    double min() {
        return Arrays.stream(millis).min().orElseThrow();
    }

    double mean() {
        return Arrays.stream(millis).average().orElseThrow();
    }

    /** {@code flops} per run at the median time, in 10⁹ FLOP per second. */
    double gflops(double flops) {
        return flops / (median() * 1e6);
    }

    @Override
    public double[] millis() {
        return millis.clone();
    }
}
