package dev.faltung.kernel.opencl;

import static dev.faltung.kernel.opencl.OpenClTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faltung.kernel.Buffer;
import dev.faltung.kernel.conv.ConvAlgorithm;
import dev.faltung.kernel.conv.ConvDirection;
import dev.faltung.kernel.conv.ConvGeometry;
import dev.faltung.kernel.conv.Convolutions;
import dev.faltung.kernel.conv.Padding;
import dev.faltung.kernel.pool.PoolGeometry;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What stays on the device: a layer op is one launch, its inputs are put once and its results
 * got once, and the intermediate data of a lowered convolution never crosses. Counted by
 * {@link Launcher#traffic()}, which sees every launch and explicit transfer.
 */
class DeviceResidencyTest {

    private static final ConvGeometry LAYER = ConvGeometry.of(4, 3, 9, 9, 5, 3, 3, 1, 1, Padding.of(1, 1), 1, 1, 1);

    /** Runs {@code op} and returns the traffic it caused on {@code k}'s device. */
    private static Launcher.Traffic traffic(OpenClKernels k, Runnable op) {
        Launcher.Traffic before = k.launcher().traffic();
        op.run();
        return k.launcher().traffic().minus(before);
    }

    private static void assertTraffic(String op, Launcher.Traffic t, long launches, long passes, long uploads,
                                      long uploadedBytes, long downloads, long downloadedBytes) {
        assertEquals(new Launcher.Traffic(launches, passes, uploads, uploadedBytes, downloads, downloadedBytes), t,
                op + ": launches, passes, uploads (bytes), downloads (bytes)");
    }

    @Test
    void anIm2colConvolutionLayerIsOneLaunchPerDirectionAndItsLoweredMatrixNeverCrosses() {
        OpenClKernels k = device();
        ConvGeometry g = LAYER;
        Random rnd = new Random(1);
        Buffer x = Buffer.of(randomFloats(rnd, g.inputSize(), -1, 1));
        Buffer w = Buffer.of(randomFloats(rnd, g.weightSize(), -1, 1));
        Buffer b = Buffer.of(randomFloats(rnd, g.k(), -1, 1));
        Buffer y = Buffer.allocate(dev.faltung.kernel.DType.FLOAT32, g.outputSize());
        Buffer dx = Buffer.allocate(dev.faltung.kernel.DType.FLOAT32, g.inputSize());
        Buffer dw = Buffer.allocate(dev.faltung.kernel.DType.FLOAT32, g.weightSize());
        Buffer db = Buffer.allocate(dev.faltung.kernel.DType.FLOAT32, g.k());
        long xb = 4L * g.inputSize(), wb = 4L * g.weightSize(), bb = 4L * g.k(), yb = 4L * g.outputSize();

        // All four images fit one chunk: lower + multiply (2 passes), one launch.
        assertTraffic("forward", traffic(k, () -> k.convForward(ConvAlgorithm.IM2COL, g, x, w, b, y)),
                1, 2, 3, xb + wb + bb, 1, yb);
        assertTraffic("backward data", traffic(k, () -> k.convBackwardData(ConvAlgorithm.IM2COL, g, y, w, dx)),
                1, 2, 2, yb + wb, 1, xb);
        assertTraffic("backward filter", traffic(k, () -> k.convBackwardFilter(ConvAlgorithm.IM2COL, g, x, y, dw, db)),
                1, 3, 2, xb + yb, 2, wb + bb);

        // The generic lowering on the same kernels: per image an im2col and a GEMM, each a round trip.
        Launcher.Traffic generic = traffic(k, () -> Convolutions.forward(k, ConvAlgorithm.IM2COL, g, x, w, b, y));
        assertEquals(2L * g.n(), generic.launches(), "generic im2col forward: launches " + generic);
    }

    @Test
    void moreImagesThanTheScratchHoldsRunAsChunksOfTheSameLaunch() {
        Launcher launcher = device().launcher();
        // Two images per chunk: five images make three chunks.
        ConvGeometry g = ConvGeometry.of(5, 4, 7, 8, 6, 3, 2, 2, 1, Padding.of(1, 0, 2, 1), 2, 1, 2);
        int perImage = g.c() * g.r() * g.s() * g.outH() * g.outW();
        LoweredConvolution lowered = new LoweredConvolution(launcher, 2 * perImage + 1);
        assertEquals(2, lowered.chunkFor(g));
        Random rnd = new Random(2);
        float[] x = randomFloats(rnd, g.inputSize(), -1, 1);
        float[] w = randomFloats(rnd, g.weightSize(), -1, 1);
        float[] bias = randomFloats(rnd, g.k(), -1, 1);
        float[] dy = randomFloats(rnd, g.outputSize(), -1, 1);
        double[] y = new double[g.outputSize()], dx = new double[g.inputSize()];
        double[] dw = new double[g.weightSize()], db = new double[g.k()];
        OpenClKernelsTest.convLoops(g, widen(x), widen(w), widen(bias), widen(dy), y, dx, dw, db);
        double tol = 1e-6 * Math.max(g.cPerGroup() * g.r() * g.s(), g.n() * g.outH() * g.outW());

        float[] yGot = new float[g.outputSize()];
        Launcher.Traffic before = launcher.traffic();
        lowered.forward(g, x, w, bias, yGot);
        Launcher.Traffic t = launcher.traffic().minus(before);
        assertEquals(1, t.launches(), "one launch for three chunks: " + t);
        assertEquals(6, t.passes(), "lower + multiply per chunk: " + t);
        assertClose("chunked im2col forward " + g, g.outputShape(), y, yGot, 0, tol);

        float[] dxGot = new float[g.inputSize()];
        lowered.backwardData(g, dy, w, dxGot);
        assertClose("chunked im2col backward data " + g, g.inputShape(), dx, dxGot, 0, tol);

        float[] dwGot = new float[g.weightSize()], dbGot = new float[g.k()];
        lowered.backwardFilter(g, x, dy, dwGot, dbGot);
        assertClose("chunked im2col backward filter (accumulated over chunks) " + g, g.weightShape(), dw, dwGot, 0, tol);
        assertClose("chunked im2col bias gradient " + g, new int[] {g.k()}, db, dbGot, 0, tol);
    }

    @Test
    void directConvolutionPoolingSoftmaxAndMomentsAreOneLaunchEach() {
        OpenClKernels k = device();
        ConvGeometry g = LAYER;
        Random rnd = new Random(3);
        Buffer x = Buffer.of(randomFloats(rnd, g.inputSize(), -1, 1));
        Buffer w = Buffer.of(randomFloats(rnd, g.weightSize(), -1, 1));
        Buffer b = Buffer.of(randomFloats(rnd, g.k(), -1, 1));
        Buffer y = Buffer.of(new float[g.outputSize()]);
        Buffer dx = Buffer.of(new float[g.inputSize()]);
        Buffer dw = Buffer.of(new float[g.weightSize()]);
        Buffer db = Buffer.of(new float[g.k()]);
        long xb = 4L * g.inputSize(), wb = 4L * g.weightSize(), bb = 4L * g.k(), yb = 4L * g.outputSize();
        assertTraffic("direct forward", traffic(k, () -> k.convForward(ConvAlgorithm.DIRECT, g, x, w, b, y)),
                1, 1, 3, xb + wb + bb, 1, yb);
        assertTraffic("direct backward data", traffic(k, () -> k.convBackwardData(ConvAlgorithm.DIRECT, g, y, w, dx)),
                1, 1, 2, yb + wb, 1, xb);
        assertTraffic("direct backward filter",
                traffic(k, () -> k.convBackwardFilter(ConvAlgorithm.DIRECT, g, x, y, dw, db)), 1, 1, 2, xb + yb, 2, wb + bb);

        PoolGeometry p = new PoolGeometry(4, 5, 9, 9, 2, 2, 2, 2, 0, 0, false, true);
        Buffer pooled = Buffer.of(new float[p.outputSize()]);
        int[] argmax = new int[p.outputSize()];
        long inB = 4L * p.inputSize(), outB = 4L * p.outputSize();
        assertTraffic("max pool forward with argmax", traffic(k, () -> k.maxPoolForward(p, y, pooled, argmax)),
                1, 1, 1, inB, 2, 2 * outB);
        assertTraffic("max pool forward without argmax", traffic(k, () -> k.maxPoolForward(p, y, pooled, null)),
                1, 1, 1, inB, 1, outB);
        assertTraffic("max pool backward", traffic(k, () -> k.maxPoolBackward(p, pooled, argmax, y)),
                1, 1, 2, 2 * outB, 1, inB);

        int outer = 6, dim = 7, inner = 5, n = outer * dim * inner;
        Buffer logits = Buffer.of(randomFloats(rnd, n, -3, 3));
        Buffer probs = Buffer.of(new float[n]);
        Buffer grad = Buffer.of(new float[n]);
        assertTraffic("softmax", traffic(k, () -> k.softmax(logits, outer, dim, inner, false, probs)),
                1, 1, 1, 4L * n, 1, 4L * n);
        assertTraffic("softmax backward", traffic(k, () -> k.softmaxBackward(probs, logits, outer, dim, inner, false, grad)),
                1, 1, 2, 8L * n, 1, 4L * n);

        Buffer mean = Buffer.of(new float[dim]), var = Buffer.of(new float[dim]);
        assertTraffic("moments", traffic(k, () -> k.moments(logits, outer, dim, inner, mean, var)),
                1, 1, 1, 4L * n, 2, 8L * dim);
    }

    @Test
    void eachKernelClassIsCompiledOnceHoweverManyKernelSetsUseIt() {
        OpenClKernels first = device();
        OpenClKernels second = backend().kernelsWithThreshold(0);
        ConvGeometry g = LAYER;
        Buffer x = Buffer.of(new float[g.inputSize()]);
        Buffer w = Buffer.of(new float[g.weightSize()]);
        Buffer y = Buffer.of(new float[g.outputSize()]);
        for (OpenClKernels k : new OpenClKernels[] {first, second, first}) {
            k.convForward(ConvAlgorithm.IM2COL, g, x, w, null, y);
            k.convForward(ConvAlgorithm.DIRECT, g, x, w, null, y);
        }
        Map<String, Integer> builds = Launcher.programBuilds();
        assertEquals(1, builds.get("LoweredConvKernel"), "program builds per kernel class: " + builds);
        assertEquals(1, builds.get("ConvDirectKernel"), "program builds per kernel class: " + builds);
        assertTrue(builds.values().stream().allMatch(c -> c == 1), "every class built once: " + builds);
    }

    @Test
    void autoChoosesOnlyAlgorithmsThatRunWhollyOnTheDevice() {
        OpenClKernels k = device();
        ConvGeometry g = ConvGeometry.of(2, 4, 12, 12, 8, 5, 5, 1, 1, Padding.SAME, 1, 1, 1);
        Buffer x = Buffer.of(new float[g.inputSize()]);
        Buffer w = Buffer.of(new float[g.weightSize()]);
        Buffer y = Buffer.of(new float[g.outputSize()]);
        Launcher.Traffic t = traffic(k, () -> k.convForward(ConvAlgorithm.AUTO, g, x, w, null, y));
        ConvAlgorithm chosen = k.convChoices().get(new DeviceConvChoice.Key(g, ConvDirection.FORWARD));
        assertTrue(chosen == ConvAlgorithm.DIRECT || chosen == ConvAlgorithm.IM2COL, "AUTO chose " + chosen);
        // Timing ran each candidate three times, then the call itself: all on the device.
        assertEquals(7, t.launches(), "launches while choosing and running: " + t);
    }
}
