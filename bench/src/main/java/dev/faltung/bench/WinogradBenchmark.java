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
 * Winograd convolution forward and forward + backward on the shapes of {@link ConvShape} it
 * applies to (3×3 and 5×5 kernels, stride 1); the other algorithms are in {@link ConvBenchmark}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {BenchJvm.VECTOR_MODULE, BenchJvm.NATIVE_ACCESS, BenchJvm.PARALLEL_GC})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class WinogradBenchmark {

    /**
     * The 3×3 and 5×5 stride-1 shapes. Named apart from {@link ConvBenchmark}'s {@code shape} (and with
     * no {@code algo} parameter) so that {@code -p shape=...} or {@code -p algo=...} meant for
     * that class cannot turn this one into a different benchmark.
     */
    @Param({"LENET_CONV1", "LENET_CONV2", "FMNIST_CONV1", "FMNIST_CONV2", "VGG_BLOCK", "RESNET_BLOCK"})
    public ConvShape winogradShape;

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
        conv = new ConvCase(BenchJvm.kernels(backend, threads), ConvAlgorithm.WINOGRAD, winogradShape.geometry(),
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
