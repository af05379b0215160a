package dev.faltung.bench;

import dev.faltung.kernel.Buffer;
import dev.faltung.kernel.DType;
import dev.faltung.kernel.Kernels;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Square single GEMM {@code C = A·B}, {@code n×n}, {@code 2n³} FLOP per call; the {@code gflop}
 * counter gives GFLOP/s. Select backends with {@code -p backend=simd,reference,opencl}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {BenchJvm.VECTOR_MODULE, BenchJvm.NATIVE_ACCESS, BenchJvm.PARALLEL_GC})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class GemmBenchmark {

    @Param({"64", "128", "256", "512", "1024", "2048"})
    public int n;

    @Param({"simd"})
    public String backend;

    /** 0 means the backend's default (every core). */
    @Param({"0"})
    public int threads;

    @Param({"float32"})
    public String dtype;

    private Kernels kernels;
    private Buffer a;
    private Buffer b;
    private Buffer c;
    private double gflopPerCall;

    @Setup(Level.Trial)
    public void setUp() {
        kernels = BenchJvm.kernels(backend, threads);
        DType type = DType.parse(dtype);
        a = BenchJvm.uniform(type, n * n, 1);
        b = BenchJvm.uniform(type, n * n, 2);
        c = Buffer.allocate(type, n * n);
        gflopPerCall = 2.0 * n * n * n / 1e9;
    }

    @Benchmark
    public Buffer gemm(GflopCounter counter) {
        kernels.gemm(false, false, n, n, n, 1.0, a, 0, n, b, 0, n, 0.0, c, 0, n);
        counter.gflop += gflopPerCall;
        return c;
    }
}
