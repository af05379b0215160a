package dev.faltung.cli.bench;

import dev.faltung.cli.Args;
import dev.faltung.cli.UsageException;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code faltung bench peak}: the machine's fp32 peak as measured, not as computed from a clock
 * that a VM may misreport or a core may exceed when boosting: every thread runs a loop of fused
 * multiply-adds on the preferred vector species, with twelve independent accumulators (more than
 * FMA latency × FMA units on current cores, so the loop is bound by FMA throughput alone).
 * GEMM and convolution figures are quoted as a share of this.
 */
final class PeakBench {

    static final String USAGE = """
            usage: faltung bench peak [--threads T] [--ms MS]
              Times a loop of independent fused multiply-adds on the widest vectors on T
              threads at once (default: every processor) for about MS milliseconds (default
              1000), after as long again of warm-up. The last line is one JSON object with
              gflops (all threads), gflops_per_thread, threads, lanes.""";

    private static final Set<String> OPTIONS = Set.of("threads", "ms");
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    /** FLOP per loop iteration: 12 FMAs of 2 FLOP on each lane. */
    private static final int FLOP_PER_ITERATION = 12 * 2 * SPECIES.length();

    private PeakBench() {
    }

    static int run(List<String> argv, PrintStream out, PrintStream err) {
        Args args = Args.parse(argv, OPTIONS, Set.of());
        if (!args.positional().isEmpty()) {
            throw new UsageException("unexpected argument '" + args.positional().get(0) + "'");
        }
        int threads = BenchCommand.count(args, "threads", Runtime.getRuntime().availableProcessors(), 1);
        int millis = BenchCommand.count(args, "ms", 1000, 10);
        // Compile the loop (an interpreted first run would make the calibration far too short),
        // calibrate the iteration count on one thread, then warm up on all. Warm-up lasts until
        // the loop runs at least as fast as compiled vector code on any core, 0.5 GFLOP/s per
        // lane (ten times what the interpreter or C1 manage with the Vector API's boxes), or
        // 10 s: with the cores busy, the compiler finished it after a fixed 300 ms, and a 20 ms
        // run measured 0.08 GFLOP/s per thread.
        long warm = System.nanoTime();
        double compiledFlops = SPECIES.length() * 0.5e9;
        while (true) {
            long t0 = System.nanoTime();
            fmaLoop(1 << 12);
            long now = System.nanoTime();
            boolean compiled = (double) (1 << 12) * FLOP_PER_ITERATION * 1e9 / Math.max(1, now - t0) >= compiledFlops;
            if (now - warm >= 300_000_000L && compiled || now - warm >= 10_000_000_000L) break;
        }
        long iterations = 1 << 16;
        while (true) {
            long t0 = System.nanoTime();
            fmaLoop(iterations);
            if (System.nanoTime() - t0 > 50_000_000L) break;
            iterations *= 2;
        }
        long t0 = System.nanoTime();
        fmaLoop(iterations);
        long perRun = Math.max(1, System.nanoTime() - t0);
        long timed = Math.max(1, iterations * millis * 1_000_000L / perRun);
        allThreads(threads, timed);
        double seconds = allThreads(threads, timed);
        double gflops = (double) threads * timed * FLOP_PER_ITERATION / seconds / 1e9;
        out.printf(Locale.ROOT, "fp32 FMA peak on %d thread(s), %d lanes: %.1f GFLOP/s (%.1f per thread)%n",
                threads, SPECIES.length(), gflops, gflops / threads);
        out.println(new JsonLine()
                .put("bench", "peak")
                .put("threads", threads)
                .put("lanes", SPECIES.length())
                .put("seconds", seconds)
                .put("gflops", gflops)
                .put("gflops_per_thread", gflops / threads));
        return 0;
    }

    /** Runs the loop on {@code threads} threads started together; the wall time of all, in seconds. */
    private static double allThreads(int threads, long iterations) {
        CyclicBarrier start = new CyclicBarrier(threads + 1);
        Thread[] workers = new Thread[threads];
        float[] sinks = new float[threads];
        for (int i = 0; i < threads; i++) {
            int index = i;
            workers[i] = new Thread(() -> {
                await(start);
                sinks[index] = fmaLoop(iterations);
            }, "faltung-peak-" + i);
            workers[i].start();
        }
        await(start);
        long t0 = System.nanoTime();
        for (Thread w : workers) {
            try {
                w.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("bench peak: interrupted", e);
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        float sink = 0;
        for (float s : sinks) sink += s;
        if (Float.isNaN(sink)) {
            throw new IllegalStateException("bench peak: the FMA loop produced NaN");
        }
        return seconds;
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await();
        } catch (Exception e) {
            throw new IllegalStateException("bench peak: threads failed to start together", e);
        }
    }

    /** {@code iterations} rounds of 12 independent FMAs; returns a lane sum so the JIT keeps the work. */
    private static float fmaLoop(long iterations) {
        // a·b + c with a = 1 - 2^-20 and c small: the accumulators converge and stay finite.
        FloatVector a = FloatVector.broadcast(SPECIES, 1f - 0x1p-20f), c = FloatVector.broadcast(SPECIES, 1e-6f);
        FloatVector v0 = FloatVector.broadcast(SPECIES, 0.1f), v1 = FloatVector.broadcast(SPECIES, 0.2f),
                v2 = FloatVector.broadcast(SPECIES, 0.3f), v3 = FloatVector.broadcast(SPECIES, 0.4f),
                v4 = FloatVector.broadcast(SPECIES, 0.5f), v5 = FloatVector.broadcast(SPECIES, 0.6f),
                v6 = FloatVector.broadcast(SPECIES, 0.7f), v7 = FloatVector.broadcast(SPECIES, 0.8f),
                v8 = FloatVector.broadcast(SPECIES, 0.9f), v9 = FloatVector.broadcast(SPECIES, 1.0f),
                v10 = FloatVector.broadcast(SPECIES, 1.1f), v11 = FloatVector.broadcast(SPECIES, 1.2f);
        for (long i = 0; i < iterations; i++) {
            v0 = v0.fma(a, c);
            v1 = v1.fma(a, c);
            v2 = v2.fma(a, c);
            v3 = v3.fma(a, c);
            v4 = v4.fma(a, c);
            v5 = v5.fma(a, c);
            v6 = v6.fma(a, c);
            v7 = v7.fma(a, c);
            v8 = v8.fma(a, c);
            v9 = v9.fma(a, c);
            v10 = v10.fma(a, c);
            v11 = v11.fma(a, c);
        }
        return v0.add(v1).add(v2).add(v3).add(v4).add(v5).add(v6).add(v7).add(v8).add(v9).add(v10).add(v11)
                .reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }
}
