package dev.faltung.kernel.simd;

import dev.faltung.kernel.Buffer;
import dev.faltung.kernel.DType;
import dev.faltung.kernel.conv.ConvAlgorithm;
import dev.faltung.kernel.conv.ConvGeometry;
import dev.faltung.kernel.conv.ConvDirection;
import dev.faltung.kernel.conv.ConvPlanner;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Convolutions routed through this backend (its GEMM and im2col under the shared algorithms)
 * agree with the float64 reference to float32 accuracy: each output sums C·R·S products of
 * values ≤ 1, so the absolute error is at most about C·R·S·2^-23.
 */
class ConvolutionTest {

    private static final SimdKernels KERNELS = new SimdKernels(2);

    @Test
    void forwardAndBothGradientsMatchTheReference() {
        Random rnd = new Random(1);
        ConvGeometry[] geometries = {
            new ConvGeometry(2, 3, 9, 17, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1),
            new ConvGeometry(1, 4, 8, 15, 6, 3, 2, 2, 1, 0, 1, 1, 0, 1, 2, 2),
            new ConvGeometry(3, 2, 5, 7, 33, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1),
        };
        for (ConvGeometry g : geometries) {
            double atol = 2e-7 * g.cPerGroup() * g.r() * g.s() * Math.max(g.n(), g.outH() * g.outW()) + 1e-6;
            float[] x = Check.randomFloats(rnd, g.inputSize(), -1, 1);
            float[] w = Check.randomFloats(rnd, g.weightSize(), -1, 1);
            float[] bias = Check.randomFloats(rnd, g.k(), -1, 1);
            float[] dy = Check.randomFloats(rnd, g.outputSize(), -1, 1);
            Buffer wantY = Buffer.allocate(DType.FLOAT64, g.outputSize());
            Oracle.REFERENCE.convForward(ConvAlgorithm.DIRECT, g, Oracle.widen(x), Oracle.widen(w), Oracle.widen(bias), wantY);
            Buffer wantDx = Buffer.allocate(DType.FLOAT64, g.inputSize());
            Oracle.REFERENCE.convBackwardData(ConvAlgorithm.DIRECT, g, Oracle.widen(dy), Oracle.widen(w), wantDx);
            Buffer wantDw = Buffer.allocate(DType.FLOAT64, g.weightSize());
            Buffer wantDb = Buffer.allocate(DType.FLOAT64, g.k());
            Oracle.REFERENCE.convBackwardFilter(ConvAlgorithm.DIRECT, g, Oracle.widen(x), Oracle.widen(dy), wantDw, wantDb);
            for (ConvAlgorithm alg : new ConvAlgorithm[] {ConvAlgorithm.DIRECT, ConvAlgorithm.IM2COL}) {
                float[] y = new float[g.outputSize()];
                KERNELS.convForward(alg, g, Buffer.of(x), Buffer.of(w), Buffer.of(bias), Buffer.of(y));
                Check.close("convForward " + alg + " " + g, Oracle.doubles(wantY), y, 0, atol);
                float[] dx = new float[g.inputSize()];
                KERNELS.convBackwardData(alg, g, Buffer.of(dy), Buffer.of(w), Buffer.of(dx));
                Check.close("convBackwardData " + alg + " " + g, Oracle.doubles(wantDx), dx, 0, atol);
                float[] dw = new float[g.weightSize()];
                float[] db = new float[g.k()];
                KERNELS.convBackwardFilter(alg, g, Buffer.of(x), Buffer.of(dy), Buffer.of(dw), Buffer.of(db));
                Check.close("convBackwardFilter dw " + alg + " " + g, Oracle.doubles(wantDw), dw, 0, atol);
                Check.close("convBackwardFilter dbias " + alg + " " + g, Oracle.doubles(wantDb), db, 0, atol);
            }
        }
    }

    @Test
    void autoTimesThisBackendsOwnKernelsIncludingWinogradBackwardFilter() {
        ConvGeometry g = new ConvGeometry(2, 4, 10, 12, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1);
        Random rnd = new Random(5);
        float[] x = Check.randomFloats(rnd, g.inputSize(), -1, 1);
        float[] dy = Check.randomFloats(rnd, g.outputSize(), -1, 1);
        float[] dw = new float[g.weightSize()];
        KERNELS.convBackwardFilter(ConvAlgorithm.AUTO, g, Buffer.of(x), Buffer.of(dy), Buffer.of(dw), null);
        ConvPlanner.Choice c = ConvPlanner.shared().choice(KERNELS, g, DType.FLOAT32, ConvDirection.BACKWARD_FILTER)
                .orElseThrow();
        if (c.mode() == ConvPlanner.Mode.BENCHMARK) {
            // FFT is not timed below 7x7 kernels (ConvPlanner.SMALLEST_FFT_SPAN).
            assertEquals(Set.of(ConvAlgorithm.DIRECT, ConvAlgorithm.IM2COL, ConvAlgorithm.WINOGRAD),
                    c.nanos().keySet(), "every algorithm this backend implements is timed");
        }
        Buffer want = Buffer.allocate(DType.FLOAT64, g.weightSize());
        Oracle.REFERENCE.convBackwardFilter(ConvAlgorithm.DIRECT, g, Oracle.widen(x), Oracle.widen(dy), want, null);
        Check.close("convBackwardFilter AUTO (" + c.algorithm() + ") " + g, Oracle.doubles(want), dw, 0, 1e-3);
    }
}
