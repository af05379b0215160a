package dev.faltung.cli.bench;

import dev.faltung.cli.Args;
import dev.faltung.cli.UsageException;
import dev.faltung.kernel.Buffer;
import dev.faltung.kernel.DType;
import dev.faltung.kernel.KernelFamily;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * {@code faltung bench gemm}: times {@code C = A·B} for square {@code n×n} matrices on one
 * backend. A GEMM is {@code 2n³} FLOP (n³ multiply-adds). A few entries of the last result are
 * checked against a double-precision dot product, so a fast but wrong kernel cannot report a
 * speed.
 */
final class GemmBench {

    static final String USAGE = """
            usage: faltung bench gemm --n N [--backend B] [--threads T] [--dtype float32|float64]
                                      [--repeat R] [--warmup W] [--warmup-ms MS]
              Times C = A·B for n×n matrices: W untimed runs (and more until MS milliseconds
              have passed, so the JIT has compiled the kernels), then R timed runs (defaults
              W=3, MS=2000, R=10).
              Prints a summary, then as the last line one JSON object with median_ms, min_ms,
              mean_ms, gflops (2n³ FLOP at the median time), backend, threads, dtype, n, repeats.""";

    private static final Set<String> OPTIONS =
            Set.of("n", "backend", "threads", "dtype", "repeat", "warmup", "warmup-ms");

    private GemmBench() {
    }

    static int run(List<String> argv, PrintStream out, PrintStream err) {
        Args args = Args.parse(argv, OPTIONS, Set.of());
        if (!args.positional().isEmpty()) {
            throw new UsageException("unexpected argument '" + args.positional().get(0) + "'");
        }
        if (!args.has("n")) {
            throw new UsageException("missing required option --n");
        }
        int n = args.getInt("n", 0);
        if (n < 1) {
            throw new UsageException("option --n needs a positive matrix size, got " + n);
        }
        if ((long) n * n > Integer.MAX_VALUE) {
            throw new UsageException("option --n " + n + ": an n×n matrix exceeds the largest buffer ("
                    + Integer.MAX_VALUE + " elements)");
        }
        DType dtype = BenchBackend.dtype(args);
        int warmup = BenchCommand.count(args, "warmup", 3, 0);
        int repeats = BenchCommand.count(args, "repeat", 10, 1);
        int warmupMillis = BenchCommand.count(args, "warmup-ms", 2000, 0);
        BenchBackend target = BenchBackend.select(args, err);

        Buffer a = RandomData.uniform(dtype, n * n, 1);
        Buffer b = RandomData.uniform(dtype, n * n, 2);
        Buffer c = Buffer.allocate(dtype, n * n);
        Timings t = Timings.measure(warmup, warmupMillis, repeats,
                () -> target.kernels().gemm(false, false, n, n, n, 1.0, a, 0, n, b, 0, n, 0.0, c, 0, n));
        check(n, dtype, a, b, c);

        double flops = 2.0 * n * n * n;
        out.printf(Locale.ROOT, "gemm n=%d %s on %s: median %.3f ms, min %.3f ms over %d runs -> %.2f GFLOP/s%n",
                n, dtype, target.label(), t.median(), t.min(), t.repeats(), t.gflops(flops));
        out.println(new JsonLine()
                .put("bench", "gemm")
                .put("n", n)
                .put("dtype", dtype.label())
                .put("backend", target.backend().name())
                .put("threads", target.threads())
                .put("backend_status", target.status())
                .put("delegated_to_reference", !target.computes(KernelFamily.GEMM, dtype))
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
     * Compares 16 entries of {@code c} with a double-precision dot product. The float32 bound
     * {@code 1e-4·Σ|a·b|} is far above the rounding of any summation order and far below any
     * indexing or blocking mistake.
     */
    private static void check(int n, DType dtype, Buffer a, Buffer b, Buffer c) {
        double tol = dtype == DType.FLOAT32 ? 1e-4 : 1e-12;
        SplittableRandom r = new SplittableRandom(3);
        for (int probe = 0; probe < 16; probe++) {
            int i = r.nextInt(n);
            int j = r.nextInt(n);
            double sum = 0;
            double magnitude = 0;
            for (int p = 0; p < n; p++) {
                double term = a.get(i * n + p) * b.get(p * n + j);
                sum += term;
                magnitude += Math.abs(term);
            }
            double got = c.get(i * n + j);
            if (!(Math.abs(got - sum) <= tol * magnitude + 1e-30)) {
                throw new IllegalStateException("gemm result check failed: n=" + n + " " + dtype + " C[" + i + ","
                        + j + "] = " + got + ", expected " + sum + " (tolerance " + tol * magnitude + ")");
            }
        }
    }
}
