package dev.faltung.cli.bench;

import dev.faltung.cli.Args;
import dev.faltung.cli.UsageException;
import dev.faltung.kernel.Buffer;
import dev.faltung.kernel.DType;
import dev.faltung.kernel.KernelFamily;
import dev.faltung.kernel.Kernels;
import dev.faltung.kernel.conv.ConvAlgorithm;
import dev.faltung.kernel.conv.ConvDirection;
import dev.faltung.kernel.conv.ConvGeometry;
import dev.faltung.kernel.conv.ConvPlanner;
import java.io.PrintStream;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code faltung bench conv}: times one convolution shape on one backend with one algorithm,
 * forward only or forward + backward data + backward filter (one training step's convolution
 * work). Forward is {@link ConvGeometry#flops()} FLOP; each backward pass costs the same
 * multiply-adds, so forward + backward is three times that. With {@code --algo auto} the result
 * names the algorithm the planner chose for each direction.
 */
final class ConvBench {

    static final String USAGE = """
            usage: faltung bench conv --shape N,C,H,W,K,R,S,stride,pad [--algo A] [--backward]
                                      [--backend B] [--threads T] [--dtype float32|float64]
                                      [--repeat R] [--warmup W] [--warmup-ms MS]
              Times a convolution of input [N,C,H,W] with K filters of R×S (square stride and
              symmetric padding): W untimed runs (and more until MS milliseconds have passed,
              so the JIT has compiled the kernels), then R timed runs (defaults W=3, MS=2000, R=10).
              --algo direct|im2col|fft|winograd|auto (default auto; winograd needs 3×3 or 5×5, stride 1).
              --backward adds the backward-data and backward-filter passes to every run.
              The last line is one JSON object with median_ms, min_ms, mean_ms, gflops (forward
              FLOP, ×3 with --backward, at the median time), backend, threads, dtype, shape,
              requested and algo (the algorithm AUTO chose; per direction in algos), repeats.""";

    private static final Set<String> OPTIONS =
            Set.of("shape", "algo", "backend", "threads", "dtype", "repeat", "warmup", "warmup-ms");

    private ConvBench() {
    }

    /**
     * Parses {@code N,C,H,W,K,R,S,stride,pad}: stride applies to both axes, pad to all four
     * sides, dilation 1, one group.
     */
    static ConvGeometry parseShape(String text) {
        String[] parts = text.split(",", -1);
        String expected = "option --shape needs 9 comma-separated integers N,C,H,W,K,R,S,stride,pad"
                + " (e.g. 64,1,28,28,6,5,5,1,0), got '" + text + "'";
        if (parts.length != 9) {
            throw new UsageException(expected);
        }
        int[] v = new int[9];
        for (int i = 0; i < 9; i++) {
            try {
                v[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new UsageException(expected);
            }
        }
        try {
            return new ConvGeometry(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[7],
                    v[8], v[8], v[8], v[8], 1, 1, 1);
        } catch (IllegalArgumentException e) {
            throw new UsageException("option --shape " + text + ": " + e.getMessage());
        }
    }

    static int run(List<String> argv, PrintStream out, PrintStream err) {
        Args args = Args.parse(argv, OPTIONS, Set.of("backward"));
        if (!args.positional().isEmpty()) {
            throw new UsageException("unexpected argument '" + args.positional().get(0) + "'");
        }
        String shape = args.require("shape");
        ConvGeometry g = parseShape(shape);
        ConvAlgorithm algorithm;
        try {
            algorithm = ConvAlgorithm.parse(args.get("algo", "auto"));
        } catch (IllegalArgumentException e) {
            throw new UsageException("option --algo: " + e.getMessage());
        }
        boolean backward = args.flag("backward");
        DType dtype = BenchBackend.dtype(args);
        int warmup = BenchCommand.count(args, "warmup", 3, 0);
        int repeats = BenchCommand.count(args, "repeat", 10, 1);
        int warmupMillis = BenchCommand.count(args, "warmup-ms", 2000, 0);
        BenchBackend target = BenchBackend.select(args, err);
        Kernels kernels = target.kernels();

        Buffer x = RandomData.uniform(dtype, g.inputSize(), 1);
        Buffer w = RandomData.uniform(dtype, g.weightSize(), 2);
        Buffer bias = RandomData.uniform(dtype, g.k(), 3);
        Buffer y = Buffer.allocate(dtype, g.outputSize());
        Buffer dy = backward ? RandomData.uniform(dtype, g.outputSize(), 5) : null;
        Buffer dx = backward ? Buffer.allocate(dtype, g.inputSize()) : null;
        Buffer dw = backward ? Buffer.allocate(dtype, g.weightSize()) : null;
        Buffer dbias = backward ? Buffer.allocate(dtype, g.k()) : null;

        Map<ConvDirection, ConvAlgorithm> chosen = new EnumMap<>(ConvDirection.class);
        Consumer<ConvPlanner.Choice> recorder = c -> {
            if (c.key().geometry().equals(g) && c.key().dtype() == dtype) {
                synchronized (chosen) {
                    chosen.putIfAbsent(c.key().direction(), c.algorithm());
                }
            }
        };
        ConvPlanner.shared().addListener(recorder);
        Timings t;
        try {
            t = Timings.measure(warmup, warmupMillis, repeats, () -> {
                kernels.convForward(algorithm, g, x, w, bias, y);
                if (backward) {
                    kernels.convBackwardData(algorithm, g, dy, w, dx);
                    kernels.convBackwardFilter(algorithm, g, x, dy, dw, dbias);
                }
            });
        } finally {
            ConvPlanner.shared().removeListener(recorder);
        }
        ConvSpotCheck check = new ConvSpotCheck(g, dtype);
        check.forward(x, w, bias, y);
        if (backward) {
            check.backwardData(dy, w, dx);
            check.backwardFilter(x, dy, dw, dbias);
        }

        List<ConvDirection> directions = backward
                ? List.of(ConvDirection.FORWARD, ConvDirection.BACKWARD_DATA, ConvDirection.BACKWARD_FILTER)
                : List.of(ConvDirection.FORWARD);
        JsonLine algos = new JsonLine();
        for (ConvDirection d : directions) {
            String label = algorithm != ConvAlgorithm.AUTO ? algorithm.label()
                    : resolved(chosen, kernels, g, dtype, d, err);
            algos.put(d.name().toLowerCase(Locale.ROOT), label);
        }
        String forwardAlgo = algorithm != ConvAlgorithm.AUTO ? algorithm.label()
                : resolved(chosen, kernels, g, dtype, ConvDirection.FORWARD, err);
        double flops = g.flops() * (backward ? 3 : 1);
        out.printf(Locale.ROOT, "conv %s %s %s%s on %s: %s; median %.3f ms, min %.3f ms over %d runs -> %.2f GFLOP/s%n",
                shape, dtype, backward ? "forward+backward" : "forward",
                algorithm == ConvAlgorithm.AUTO ? " auto" : "", target.label(), algos, t.median(), t.min(),
                t.repeats(), t.gflops(flops));
        out.println(new JsonLine()
                .put("bench", "conv")
                .put("shape", shape)
                .put("n", g.n()).put("c", g.c()).put("h", g.h()).put("w", g.w())
                .put("k", g.k()).put("r", g.r()).put("s", g.s())
                .put("stride", g.strideH()).put("pad", g.padTop())
                .put("out_h", g.outH()).put("out_w", g.outW())
                .put("pass", backward ? "forward+backward" : "forward")
                .put("dtype", dtype.label())
                .put("backend", target.backend().name())
                .put("threads", target.threads())
                .put("backend_status", target.status())
                .put("delegated_to_reference", !target.computes(KernelFamily.CONV, dtype))
                .put("requested", algorithm.label())
                .put("algo", forwardAlgo)
                .put("algos", algos)
                .put("flops", flops)
                .put("warmup", t.warmupRuns())
                .put("repeats", t.repeats())
                .put("median_ms", t.median())
                .put("min_ms", t.min())
                .put("mean_ms", t.mean())
                .put("gflops", t.gflops(flops)));
        return 0;
    }

    /**
     * The algorithm AUTO ran for {@code direction}: the choice seen while timing, or one the
     * shared planner had cached before this run; null, with a note, if the backend resolved AUTO
     * without the planner.
     */
    private static String resolved(Map<ConvDirection, ConvAlgorithm> chosen, Kernels kernels, ConvGeometry g,
                                   DType dtype, ConvDirection direction, PrintStream err) {
        ConvAlgorithm a;
        synchronized (chosen) {
            a = chosen.get(direction);
        }
        if (a == null) {
            a = ConvPlanner.shared().choice(kernels, g, dtype, direction).map(ConvPlanner.Choice::algorithm)
                    .orElse(null);
        }
        if (a == null) {
            err.println("faltung bench: note: the planner recorded no AUTO choice for conv " + direction.label()
                    + "; the backend resolved it itself");
            return null;
        }
        return a.label();
    }
}
