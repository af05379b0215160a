package dev.faltung.kernel.opencl;

import dev.faltung.kernel.Buffer;
import java.util.Random;

/**
 * Quick GEMM throughput on the selected OpenCL device (not a test, not a benchmark harness):
 * {@code java ... dev.faltung.kernel.opencl.GemmThroughput [n]}. Times {@code C = A·B} for
 * {@code n×n} float32 matrices including the host-device transfers every SPI call makes.
 */
final class GemmThroughput {

    private GemmThroughput() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 512;
        OpenClBackend backend = new OpenClBackend();
        System.out.println("opencl: " + backend.availability());
        OpenClKernels k = backend.kernelsWithThreshold(0);
        Random rnd = new Random(1);
        Buffer a = Buffer.of(OpenClTestSupport.randomFloats(rnd, n * n, -1, 1));
        Buffer b = Buffer.of(OpenClTestSupport.randomFloats(rnd, n * n, -1, 1));
        Buffer c = Buffer.allocate(dev.faltung.kernel.DType.FLOAT32, n * n);
        for (int i = 0; i < 3; i++) {
            k.gemm(false, false, n, n, n, 1, a, 0, n, b, 0, n, 0, c, 0, n);
        }
        int reps = 10;
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) {
            k.gemm(false, false, n, n, n, 1, a, 0, n, b, 0, n, 0, c, 0, n);
        }
        double seconds = (System.nanoTime() - t0) / 1e9 / reps;
        System.out.printf("gemm n=%d: %.2f ms per call, %.2f GFLOP/s%n", n, seconds * 1e3, 2.0 * n * n * n / seconds / 1e9);
    }
}
