package dev.faltung.kernel.simd;

import dev.faltung.kernel.Buffer;
import dev.faltung.kernel.conv.ConvAlgorithm;
import dev.faltung.kernel.conv.ConvDirection;
import dev.faltung.kernel.conv.ConvGeometry;
import dev.faltung.kernel.conv.ConvPlanner;
import dev.faltung.kernel.conv.Convolutions;
import java.util.Locale;
import java.util.Random;

/**
 * Timing harness for the float32 convolutions (not a test): per shape and algorithm, the median
 * milliseconds of forward, backward data, backward filter, and of the three in sequence, plus AUTO's choices.
 * Run from the repository root after {@code mvn -pl kernel-simd -am test-compile}:
 * {@code java --add-modules jdk.incubator.vector -Dfaltung.threads=2 -cp kernel-simd/target/classes:kernel-simd/target/test-classes:kernel-api/target/classes
 * dev.faltung.kernel.simd.ConvThroughput [shape-name-filter] [algorithms]}. The PyTorch side is
 * {@code kernel-simd/src/test/python/conv_throughput.py}, over the same shapes.
 */
public final class ConvThroughput {

    private record Shape(String name, int n, int c, int h, int w, int k, int r, int s, int stride, int pad) {
        ConvGeometry geometry() {
            return new ConvGeometry(n, c, h, w, k, r, s, stride, stride, pad, pad, pad, pad, 1, 1, 1);
        }
    }

    private static final Shape[] SHAPES = {
        new Shape("lenet-conv1", 64, 1, 28, 28, 6, 5, 5, 1, 0),
        new Shape("lenet-conv2", 64, 6, 14, 14, 16, 5, 5, 1, 0),
        new Shape("fmnist-conv1", 64, 1, 28, 28, 32, 5, 5, 1, 2),
        new Shape("fmnist-conv2", 64, 32, 14, 14, 64, 5, 5, 1, 2),
        new Shape("vgg-block", 16, 64, 56, 56, 64, 3, 3, 1, 1),
        new Shape("resnet-block", 32, 128, 28, 28, 128, 3, 3, 1, 1),
        new Shape("alexnet-conv1", 8, 3, 227, 227, 96, 11, 11, 4, 0),
        new Shape("large-kernel", 8, 16, 64, 64, 16, 15, 15, 1, 7),
    };

    private ConvThroughput() {
    }

    public static void main(String[] args) {
        String filter = args.length > 0 ? args[0] : "";
        String algs = args.length > 1 ? args[1] : "direct,im2col,fft,winograd,auto";
        SimdKernels kernels = new SimdKernels(WorkerPool.configuredThreads());
        System.out.printf(Locale.ROOT, "threads=%d%n%-14s %-9s %10s %10s %10s %10s%n", kernels.threads(), "shape",
                "algorithm", "fwd ms", "bwd-data", "bwd-filter", "fwd+bwd ms");
        for (Shape sh : SHAPES) {
            if (!sh.name().contains(filter)) continue;
            ConvGeometry g = sh.geometry();
            Random rnd = new Random(7);
            Buffer x = Buffer.of(Check.randomFloats(rnd, g.inputSize(), -1, 1));
            Buffer w = Buffer.of(Check.randomFloats(rnd, g.weightSize(), -0.2, 0.2));
            Buffer b = Buffer.of(Check.randomFloats(rnd, g.k(), -1, 1));
            Buffer y = Buffer.of(new float[g.outputSize()]);
            Buffer dy = Buffer.of(Check.randomFloats(rnd, g.outputSize(), -1, 1));
            Buffer dx = Buffer.of(new float[g.inputSize()]);
            Buffer dw = Buffer.of(new float[g.weightSize()]);
            Buffer db = Buffer.of(new float[g.k()]);
            for (String name : algs.split(",")) {
                ConvAlgorithm a = ConvAlgorithm.parse(name);
                if (a != ConvAlgorithm.AUTO && Convolutions.implementation(a, g)
                        .whyNotApplicable(g, ConvDirection.FORWARD).isPresent()) {
                    continue;
                }
                ConvAlgorithm fa = a, ba = a;
                Runnable fwd = () -> kernels.convForward(fa, g, x, w, b, y);
                Runnable all = () -> {
                    kernels.convForward(fa, g, x, w, b, y);
                    kernels.convBackwardData(ba, g, dy, w, dx);
                    kernels.convBackwardFilter(ba, g, x, dy, dw, db);
                };
                double f = time(fwd), fb = time(all);
                double bd = time(() -> kernels.convBackwardData(ba, g, dy, w, dx));
                double bf = time(() -> kernels.convBackwardFilter(ba, g, x, dy, dw, db));
                String chosen = "";
                if (a == ConvAlgorithm.AUTO) {
                    StringBuilder sb = new StringBuilder();
                    for (ConvDirection d : ConvDirection.values()) {
                        sb.append(' ').append(ConvPlanner.shared().choice(kernels, g, dev.faltung.kernel.DType.FLOAT32, d)
                                .map(c -> c.algorithm().label() + timings(c)).orElse("?"));
                    }
                    chosen = "  (" + sb.toString().trim() + ")";
                }
                System.out.printf(Locale.ROOT, "%-14s %-9s %10.2f %10.2f %10.2f %10.2f%s%n", sh.name(), a.label(),
                        f, bd, bf, fb, chosen);
            }
        }
    }

    /** The planner's measured milliseconds per candidate, e.g. {@code [direct 1.2 im2col 0.8]}. */
    private static String timings(ConvPlanner.Choice c) {
        StringBuilder sb = new StringBuilder("[");
        c.nanos().forEach((a, ns) -> sb.append(sb.length() > 1 ? " " : "").append(a.label())
                .append(String.format(Locale.ROOT, " %.2f", ns / 1e6)));
        return sb.append(']').toString();
    }

    /** Median of timed runs after warm-up, in milliseconds; at least 5 runs and about 1.5 s. */
    private static double time(Runnable r) {
        long t0 = System.nanoTime();
        int warm = 0;
        while (warm < 3 || (System.nanoTime() - t0 < 500_000_000L && warm < 50)) {
            r.run();
            warm++;
        }
        double per = (System.nanoTime() - t0) / 1e6 / warm;
        int runs = (int) Math.max(5, Math.min(200, 1000 / Math.max(per, 1e-3)));
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
            long s = System.nanoTime();
            r.run();
            ms[i] = (System.nanoTime() - s) / 1e6;
        }
        java.util.Arrays.sort(ms);
        return ms[runs / 2];
    }
}
