package dev.faltung.kernel.simd;

import java.util.Random;

/**
 * Timing harness for the float32 and float64 GEMM (not a test): prints GFLOP/s for square
 * sizes. Run from kernel-simd after {@code mvn test-compile}:
 * {@code java --add-modules jdk.incubator.vector -cp target/classes:target/test-classes:../kernel-api/target/classes
 * dev.faltung.kernel.simd.GemmBenchmark [threads...]}.
 */
public final class GemmBenchmark {

    private GemmBenchmark() {
    }

    public static void main(String[] args) {
        int[] threadCounts = args.length == 0 ? new int[] {1, 2} : java.util.Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        int[] sizes = {256, 512, 1024};
        boolean dbl = Boolean.getBoolean("bench.double");
        for (int threads : threadCounts) {
            FloatGemm fg = new FloatGemm(WorkerPool.of(threads));
            DoubleGemm dg = new DoubleGemm(WorkerPool.of(threads));
            for (int n : sizes) {
                Random rnd = new Random(1);
                float[] a = new float[n * n], b = new float[n * n], c = new float[n * n];
                double[] ad = new double[n * n], bd = new double[n * n], cd = new double[n * n];
                for (int i = 0; i < a.length; i++) {
                    a[i] = rnd.nextFloat() - 0.5f;
                    b[i] = rnd.nextFloat() - 0.5f;
                    ad[i] = a[i];
                    bd[i] = b[i];
                }
                double flops = 2.0 * n * n * n;
                long minRuns = Math.max(3, (long) (2e10 / flops));
                double best = 0, bestD = 0;
                for (int rep = 0; rep < 3; rep++) {
                    long t0 = System.nanoTime();
                    for (int r = 0; r < minRuns; r++) {
                        fg.gemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n, true);
                    }
                    long t1 = System.nanoTime();
                    best = Math.max(best, flops * minRuns / (t1 - t0));
                    if (dbl) {
                        t0 = System.nanoTime();
                        for (int r = 0; r < minRuns; r++) {
                            dg.gemm(false, false, n, n, n, 1.0, ad, 0, n, bd, 0, n, 0.0, cd, 0, n, true);
                        }
                        t1 = System.nanoTime();
                        bestD = Math.max(bestD, flops * minRuns / (t1 - t0));
                    }
                }
                System.out.printf("threads=%d n=%d  float32 %.1f GFLOP/s%s%n", threads, n, best,
                        dbl ? String.format("  float64 %.1f GFLOP/s", bestD) : "");
            }
        }
    }
}
