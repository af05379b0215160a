package dev.faltung.kernel.conv;

import dev.faltung.kernel.Buffer;
import dev.faltung.kernel.DType;
import dev.faltung.kernel.Kernels;

import java.lang.System.Logger.Level;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Resolves {@link ConvAlgorithm#AUTO} to a concrete algorithm per (backend, geometry, dtype,
 * direction) and caches the choice for the life of the planner. In {@link Mode#BENCHMARK} (the
 * default, like cuDNN's "find") it runs every applicable algorithm through the backend's own
 * conv kernels on scratch buffers of the right sizes and keeps the fastest: first untimed, until
 * the JIT has compiled each one, then 3 to 20 timed runs each, taking turns, each after an
 * untimed one of its own, within about 300 ms per candidate or longer while it still gets
 * faster, the fastest run counting (against noise).
 * In {@link Mode#HEURISTIC} it applies fixed rules, so the choice is deterministic. The shared
 * planner's mode comes from the system property
 * {@code faltung.conv.auto} ({@code benchmark} or {@code heuristic}). Algorithms that do not apply
 * (Winograd off 3×3 or 5×5 at stride 1) are skipped with their reason. Every choice and each timing is logged
 * through {@link System.Logger} at DEBUG (quiet by default: one line per new layer shape would
 * flood training output at INFO), passed to listeners and readable through {@link #choice}.
 * A backend is identified by its {@link Kernels} class. Thread-safe.
 */
public final class ConvPlanner {

    /** How a planner chooses. */
    public enum Mode {
        /** Time each applicable algorithm on the backend and keep the fastest. */
        BENCHMARK,
        /** Fixed rules on the geometry: deterministic, no timing. */
        HEURISTIC,
        /**
         * Given by the caller: {@link #pin}ned (the choices of the run a checkpoint comes from) or
         * {@link #remember}ed from an earlier run's timing.
         */
        PINNED;

        /** Parses {@code benchmark} or {@code heuristic}. */
        public static Mode parse(String text) {
            return switch (text.trim().toLowerCase(Locale.ROOT)) {
                case "benchmark", "find" -> BENCHMARK;
                case "heuristic" -> HEURISTIC;
                default -> throw new IllegalArgumentException("faltung.conv.auto='" + text
                        + "': expected benchmark or heuristic");
            };
        }
    }

    /** What a choice is for. */
    public record Key(String backend, ConvGeometry geometry, DType dtype, ConvDirection direction) {
    }

    /**
     * A resolved choice: the algorithm, how it was chosen, the measured nanoseconds per
     * candidate (empty in heuristic mode) and the candidates skipped with their reason.
     */
    public record Choice(Key key, ConvAlgorithm algorithm, Mode mode,
                         Map<ConvAlgorithm, Long> nanos, Map<ConvAlgorithm, String> skipped) {
    }

    /** Name of the system property selecting the shared planner's mode. */
    public static final String MODE_PROPERTY = "faltung.conv.auto";

    private static final System.Logger LOG = System.getLogger(ConvPlanner.class.getName());
    private static final List<ConvAlgorithm> CANDIDATES =
            List.of(ConvAlgorithm.DIRECT, ConvAlgorithm.IM2COL, ConvAlgorithm.FFT, ConvAlgorithm.WINOGRAD);

    /** Runs per candidate: at least {@code MIN_RUNS}, more up to {@code MAX_RUNS} while under the budget. */
    private static final int MIN_RUNS = 3;
    /** Kernel area (dilated span) below which AUTO does not consider FFT. */
    static final int SMALLEST_FFT_SPAN = 49;
    /**
     * Channel products {@code C/G·K/G} below which AUTO does not consider Winograd on 5×5
     * kernels: its transforms grow with {@code C + K} and repay themselves only from about
     * 32×32 channels (measured on two cores: LeNet's 6→16 layer ran 2–3× slower than DIRECT in
     * every direction, Fashion-MNIST's 1→32 2–4×; its 32→64 layer 10–20 % faster); nor on
     * outputs under 4×4, where most of each 2×2 tile's window is padding (LeNet's third layer,
     * 16→120 channels onto 1×1).
     */
    static final int SMALLEST_WINOGRAD_5X5_CHANNELS = 1024;
    private static final int MAX_RUNS = 20;
    /** Untimed runs before timing go in chunks of this long, until one finds the code compiled. */
    private static final long WARMUP_CHUNK_NANOS = 30_000_000L;
    /** Consecutive chunks without compilation or progress that end the untimed runs. */
    private static final int WARMUP_SETTLED_CHUNKS = 3;
    /** Untimed time per candidate after which timing starts regardless. */
    private static final long WARMUP_CAP_NANOS = 1_500_000_000L;
    /** Time per candidate after which no further runs start, unless the last run was 10% faster than all before. */
    private static final long RUN_BUDGET_NANOS = 300_000_000L;
    /** Time per candidate after which no further runs start at all. */
    private static final long RUN_CAP_NANOS = 1_500_000_000L;

    private static volatile ConvPlanner shared;

    private final Mode mode;
    private final ConcurrentHashMap<Key, Choice> choices = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Key, ConvAlgorithm> remembered = new ConcurrentHashMap<>();
    private final List<Consumer<Choice>> listeners = new CopyOnWriteArrayList<>();

    public ConvPlanner(Mode mode) {
        this.mode = java.util.Objects.requireNonNull(mode, "mode");
    }

    /** The planner {@link Convolutions} uses for AUTO; its mode is read from {@value #MODE_PROPERTY} once. */
    public static ConvPlanner shared() {
        ConvPlanner p = shared;
        if (p == null) {
            synchronized (ConvPlanner.class) {
                if (shared == null) {
                    shared = new ConvPlanner(Mode.parse(System.getProperty(MODE_PROPERTY, "benchmark")));
                }
                p = shared;
            }
        }
        return p;
    }

    public Mode mode() {
        return mode;
    }

    /** The algorithm for this call, choosing (and caching) it on first use. */
    public ConvAlgorithm resolve(Kernels kernels, ConvGeometry g, DType dtype, ConvDirection direction) {
        Key key = new Key(kernels.getClass().getName(), g, dtype, direction);
        Choice c = choices.get(key);
        if (c == null) {
            // Choose outside the map's lock (a benchmark can take a while); a racing thread at
            // worst benchmarks the same key twice and the first stored choice wins.
            ConvAlgorithm earlier = mode == Mode.BENCHMARK ? remembered.get(key) : null;
            Choice fresh = earlier != null ? new Choice(key, earlier, Mode.PINNED, Map.of(), Map.of())
                    : choose(kernels, key);
            c = choices.putIfAbsent(key, fresh);
            if (c == null) {
                c = fresh;
                LOG.log(Level.DEBUG, () -> "conv " + direction.label() + " " + dtype + " on " + key.backend()
                        + " for " + Convolutions.describe(g) + ": " + fresh.algorithm().label()
                        + " (" + fresh.mode().name().toLowerCase(Locale.ROOT) + ")");
                for (Consumer<Choice> l : listeners) l.accept(fresh);
            }
        }
        return c.algorithm();
    }

    /**
     * Makes {@code algorithm} the choice for {@code key} unless one was made already: a resumed
     * run repeats its first part's choices, so that it continues with the same arithmetic. The
     * algorithm must apply to the key's geometry and direction.
     */
    public void pin(Key key, ConvAlgorithm algorithm) {
        if (algorithm == ConvAlgorithm.AUTO) {
            throw new IllegalArgumentException("ConvPlanner.pin: AUTO is not an algorithm to pin");
        }
        Optional<String> why = Convolutions.implementation(algorithm, key.geometry())
                .whyNotApplicable(key.geometry(), key.direction());
        if (why.isPresent()) {
            throw new IllegalArgumentException("ConvPlanner.pin: " + algorithm.label() + " does not apply to "
                    + key.direction().label() + " of " + Convolutions.describe(key.geometry()) + ": " + why.get());
        }
        choices.putIfAbsent(key, new Choice(key, algorithm, Mode.PINNED, Map.of(), Map.of()));
    }

    /**
     * Choices an earlier run's timing made (a cache of them kept between runs): a benchmarking
     * planner takes the one for a key at the key's first use instead of timing the candidates
     * again. Unlike {@link #pin} nothing is chosen up front, so {@link #choices} still lists only
     * the keys this planner met. Ignored in heuristic mode, whose rules are the point; entries
     * whose algorithm no longer applies to their key are left out.
     */
    public void remember(Map<Key, ConvAlgorithm> earlier) {
        earlier.forEach((key, algorithm) -> {
            if (algorithm != ConvAlgorithm.AUTO && Convolutions.implementation(algorithm, key.geometry())
                    .whyNotApplicable(key.geometry(), key.direction()).isEmpty()) {
                remembered.put(key, algorithm);
            }
        });
    }

    /** The cached choice for a key, if one was made. */
    public Optional<Choice> choice(Kernels kernels, ConvGeometry g, DType dtype, ConvDirection direction) {
        return Optional.ofNullable(choices.get(new Key(kernels.getClass().getName(), g, dtype, direction)));
    }

    /** All choices made so far. */
    public Map<Key, Choice> choices() {
        return Map.copyOf(choices);
    }

    /** Calls {@code listener} with every new choice, on the thread that made it. */
    public void addListener(Consumer<Choice> listener) {
        listeners.add(java.util.Objects.requireNonNull(listener, "listener"));
    }

    public void removeListener(Consumer<Choice> listener) {
        listeners.remove(listener);
    }

    /** Forgets every cached and remembered choice (after a backend change of settings, for example). */
    public void clear() {
        choices.clear();
        remembered.clear();
    }

    private Choice choose(Kernels kernels, Key key) {
        ConvGeometry g = key.geometry();
        Map<ConvAlgorithm, String> skipped = new EnumMap<>(ConvAlgorithm.class);
        List<ConvAlgorithm> applicable = new java.util.ArrayList<>();
        for (ConvAlgorithm a : CANDIDATES) {
            Optional<String> why = Convolutions.implementation(a, g).whyNotApplicable(g, key.direction());
            // The shared Winograd delegates backward filter to im2col, so the rules never pick it;
            // timing still tries it, since a backend may implement it (the SIMD backend does).
            if (mode == Mode.HEURISTIC && a == ConvAlgorithm.WINOGRAD
                    && key.direction() == ConvDirection.BACKWARD_FILTER && why.isEmpty()) {
                why = Optional.of("winograd backward filter delegates to im2col");
            }
            int spanH = g.dilationH() * (g.r() - 1) + 1, spanW = g.dilationW() * (g.s() - 1) + 1;
            if (a == ConvAlgorithm.FFT && why.isEmpty() && spanH * spanW < SMALLEST_FFT_SPAN) {
                // Not worth its timing runs: on kernels below 7x7 the transforms never paid off
                // (5x5 layers ran 4-13x slower than DIRECT), and its untimed first runs cost most.
                why = Optional.of("kernels below 7x7 are never faster by FFT");
            }
            if (a == ConvAlgorithm.WINOGRAD && why.isEmpty() && g.r() == 5
                    && (g.cPerGroup() * g.kPerGroup() < SMALLEST_WINOGRAD_5X5_CHANNELS || g.outH() < 4 || g.outW() < 4)) {
                // Its untimed first runs (the JIT compiling its transforms) cost seconds.
                why = Optional.of("5x5 winograd needs C/G*K/G >= " + SMALLEST_WINOGRAD_5X5_CHANNELS
                        + " and outputs of 4x4 or more to repay its transforms");
            }
            if (why.isPresent()) skipped.put(a, why.get());
            else applicable.add(a);
        }
        if (mode == Mode.HEURISTIC) {
            return new Choice(key, heuristic(g, applicable), mode, Map.of(), Map.copyOf(skipped));
        }
        Map<ConvAlgorithm, Long> nanos = new EnumMap<>(ConvAlgorithm.class);
        Scratch s = new Scratch(g, key.dtype());
        // Through the backend's own kernel entry, so a backend's specialised implementation of an
        // algorithm is what gets timed, not the generic one in this package. Early runs include JIT
        // compilation (interpreted vector code is orders of magnitude slower) and any run can be
        // hit by other load, so the fastest of several runs counts, and the candidates take turns
        // (round by round) so that each one's compilation has finished before its last runs.
        int count = applicable.size();
        // Untimed runs first, until each candidate runs compiled: its code can take a second to
        // get there (LeNet's conv2, 0.19 ms compiled, ran 300 ms interpreted, then 20 ms, 7 ms,
        // 2 ms...), and a count of runs that suits a 13 ms layer leaves a 0.2 ms one interpreted
        // (DIRECT then timed 2 ms, or IM2COL 24 ms, and the pick was a coin toss). The timed runs
        // then wait for the JIT to go quiet, since compiler threads share the cores with the
        // timed kernels (on 2 cores a DIRECT that settles at 5 ms timed 11 ms and lost to IM2COL).
        for (ConvAlgorithm a : applicable) {
            warmUp(kernels, key.direction(), a, g, s);
        }
        awaitQuietCompiler();
        long[] fastest = new long[count], spent = new long[count];
        boolean[] improving = new boolean[count];
        java.util.Arrays.fill(fastest, Long.MAX_VALUE);
        for (int run = 0; run < MAX_RUNS; run++) {
            boolean ran = false;
            long leader = Long.MAX_VALUE;
            for (long f : fastest) leader = Math.min(leader, f);
            for (int i = 0; i < count; i++) {
                // Within the budget only candidates close to the leader run on, and past it only
                // those still getting faster (their compilation is not finished yet) and not far
                // behind, up to a hard cap: timing candidates that would not win took most of the
                // first step of a training run (5 s for the Fashion-MNIST CNN).
                boolean more = run < MIN_RUNS || (spent[i] < RUN_BUDGET_NANOS && fastest[i] <= 2 * leader)
                        || (improving[i] && fastest[i] <= 4 * leader && spent[i] < RUN_CAP_NANOS);
                if (!more) continue;
                if (count > 1) {
                    // An untimed run first: the candidate before it leaves the caches (and the
                    // shared scratch arrays) to itself. On the 15×15 kernel an FFT that had
                    // warmed up to 10.6 ms timed 16.0 ms at best, each time right after IM2COL's
                    // 70 ms, and lost to DIRECT's 14.8 (twice as slow as FFT in the benchmark).
                    long u0 = System.nanoTime();
                    run(kernels, key.direction(), applicable.get(i), g, s);
                    spent[i] += System.nanoTime() - u0;
                }
                long t0 = System.nanoTime();
                run(kernels, key.direction(), applicable.get(i), g, s);
                long dt = System.nanoTime() - t0;
                spent[i] += dt;
                improving[i] = dt < fastest[i] - fastest[i] / 10;
                fastest[i] = Math.min(fastest[i], dt);
                ran = true;
            }
            if (!ran) break;
        }
        ConvAlgorithm best = null;
        long bestTime = Long.MAX_VALUE;
        for (int i = 0; i < count; i++) {
            ConvAlgorithm a = applicable.get(i);
            long elapsed = fastest[i];
            nanos.put(a, elapsed);
            LOG.log(Level.DEBUG, () -> "conv " + key.direction().label() + " " + a.label() + ": " + elapsed / 1000 + " us");
            if (elapsed < bestTime) {
                bestTime = elapsed;
                best = a;
            }
        }
        return new Choice(key, best, mode, Map.copyOf(nanos), Map.copyOf(skipped));
    }

    private static void run(Kernels kernels, ConvDirection direction, ConvAlgorithm a, ConvGeometry g, Scratch s) {
        switch (direction) {
            case FORWARD -> kernels.convForward(a, g, s.x, s.w, s.bias, s.y);
            case BACKWARD_DATA -> kernels.convBackwardData(a, g, s.y, s.w, s.x);
            case BACKWARD_FILTER -> kernels.convBackwardFilter(a, g, s.x, s.y, s.w, s.bias);
        }
    }

    /**
     * Runs a candidate untimed, in chunks of at least {@value #WARMUP_CHUNK_NANOS} ns, until
     * {@value #WARMUP_SETTLED_CHUNKS} chunks in a row in which the JIT finished no compilation and
     * which ran no more than 10% faster than the chunks before (one such chunk is not enough: a
     * long C2 compilation finishes nothing while it runs); at most {@value #WARMUP_CAP_NANOS} ns.
     */
    private static void warmUp(Kernels kernels, ConvDirection direction, ConvAlgorithm a, ConvGeometry g, Scratch s) {
        java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        boolean watchJit = jit != null && jit.isCompilationTimeMonitoringSupported();
        long compiled = watchJit ? jit.getTotalCompilationTime() : 0;
        long begin = System.nanoTime(), best = Long.MAX_VALUE;
        int settledChunks = 0;
        while (System.nanoTime() - begin < WARMUP_CAP_NANOS) {
            long chunkStart = System.nanoTime(), chunkBest = Long.MAX_VALUE, now;
            do {
                long t0 = System.nanoTime();
                run(kernels, direction, a, g, s);
                now = System.nanoTime();
                chunkBest = Math.min(chunkBest, now - t0);
            } while (now - chunkStart < WARMUP_CHUNK_NANOS);
            long compiledNow = watchJit ? jit.getTotalCompilationTime() : compiled;
            boolean settled = compiledNow == compiled && best != Long.MAX_VALUE && chunkBest >= best - best / 10;
            compiled = compiledNow;
            best = Math.min(best, chunkBest);
            settledChunks = settled ? settledChunks + 1 : 0;
            if (settledChunks == WARMUP_SETTLED_CHUNKS) break;
        }
        long spent = System.nanoTime() - begin, fastest = best;
        LOG.log(Level.DEBUG, () -> "conv " + direction.label() + " " + a.label() + ": warmed up for "
                + spent / 1_000_000 + " ms, to " + fastest / 1000 + " us");
    }

    /** Waits (at most a second) until the JIT has compiled nothing for 30 ms. */
    private static void awaitQuietCompiler() {
        java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            return;
        }
        long deadline = System.nanoTime() + 1_000_000_000L, last = jit.getTotalCompilationTime();
        try {
            while (System.nanoTime() < deadline) {
                Thread.sleep(30);
                long now = jit.getTotalCompilationTime();
                if (now == last) {
                    return;
                }
                last = now;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The heuristic: tiny problems go DIRECT (no lowering overhead); 3×3 stride-1 kernels with
     * enough channels to amortise the transforms go WINOGRAD (5×5 only when timed: its F(2×2)
     * tiles save less and waste more of their padding); large kernels at stride 1 go FFT,
     * where the transform's cost no longer grows with the kernel area; the rest IM2COL.
     */
    static ConvAlgorithm heuristic(ConvGeometry g, List<ConvAlgorithm> applicable) {
        if (g.flops() < 1 << 16) return ConvAlgorithm.DIRECT;
        if (applicable.contains(ConvAlgorithm.WINOGRAD) && g.r() == 3 && g.cPerGroup() * g.kPerGroup() >= 16
                && g.outH() >= 4 && g.outW() >= 4) {
            return ConvAlgorithm.WINOGRAD;
        }
        int spanH = g.dilationH() * (g.r() - 1) + 1, spanW = g.dilationW() * (g.s() - 1) + 1;
        if (g.strideH() == 1 && g.strideW() == 1 && spanH * spanW >= 49) return ConvAlgorithm.FFT;
        return ConvAlgorithm.IM2COL;
    }

    /** Buffers of the sizes a geometry needs, filled with smooth non-trivial values. */
    private static final class Scratch {
        final Buffer x, w, bias, y;

        Scratch(ConvGeometry g, DType dtype) {
            x = filled(dtype, g.inputSize(), 0.37);
            w = filled(dtype, g.weightSize(), 0.71);
            bias = filled(dtype, g.k(), 0.13);
            y = filled(dtype, g.outputSize(), 0.53);
        }

        private static Buffer filled(DType dtype, int size, double phase) {
            Buffer b = Buffer.allocate(dtype, size);
            for (int i = 0; i < size; i++) b.set(i, Math.sin(phase * (i + 1)));
            return b;
        }
    }
}
