package dev.faltung.bench;

import dev.faltung.kernel.DType;
import dev.faltung.kernel.conv.ConvAlgorithm;
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
 * Convolution forward and forward + backward (data and filter) for every shape of
 * {@link ConvShape} and every algorithm that applies to all of them, plus AUTO; Winograd, which
 * needs 3×3 or 5×5 kernels at stride 1, is in {@link WinogradBenchmark}. The {@code gflop} counter
 * gives GFLOP/s (forward FLOP, three times that for forward + backward).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {BenchJvm.VECTOR_MODULE, BenchJvm.NATIVE_ACCESS, BenchJvm.PARALLEL_GC})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ConvBenchmark {

    /** Every shape when not given. */
    @Param
    public ConvShape shape;

    @Param({"direct", "im2col", "fft", "auto"})
    public String algo;

    @Param({"simd"})
    public String backend;

    /** 0 means the backend's default (every core). */
    @Param({"0"})
    public int threads;

    @Param({"float32"})
    public String dtype;

    private ConvCase conv;

    @Setup(Level.Trial)
    public void setUp() {
        conv = new ConvCase(BenchJvm.kernels(backend, threads), ConvAlgorithm.parse(algo), shape.geometry(),
                DType.parse(dtype));
    }

    @Benchmark
    public Object forward(GflopCounter counter) {
        counter.gflop += conv.forwardGflop();
        return conv.forward();
    }

    @Benchmark
    public Object forwardBackward(GflopCounter counter) {
        counter.gflop += 3 * conv.forwardGflop();
        return conv.forwardBackward();
    }
}
