package dev.faltung.kernel.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.faltung.kernel.Buffer;
import dev.faltung.kernel.DType;
import dev.faltung.kernel.conv.ConvGeometry;
import dev.faltung.kernel.pool.PoolGeometry;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * im2col and pooling equal the float64 oracle exactly (they move data; pooling sums are in
 * double and rounded once), col2im to float accumulation accuracy, over strides, paddings, dilations, odd widths and ceil mode.
 */
class FloatImagesTest {

    private static final SimdKernels KERNELS = new SimdKernels(3);

    private static final ConvGeometry[] CONVS = {
        new ConvGeometry(2, 3, 7, 17, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1),
        new ConvGeometry(1, 2, 9, 15, 2, 3, 2, 2, 3, 0, 2, 2, 1, 1, 2, 1),
        new ConvGeometry(1, 1, 5, 33, 1, 5, 5, 1, 1, 4, 4, 4, 4, 1, 1, 1),
        new ConvGeometry(2, 2, 1, 16, 2, 1, 3, 1, 2, 0, 0, 0, 0, 1, 1, 1),
        new ConvGeometry(1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1),
    };

    @Test
    void im2colAndCol2imMatchTheOracle() {
        Random rnd = new Random(1);
        for (ConvGeometry g : CONVS) {
            float[] x = Check.randomFloats(rnd, g.inputSize(), -1, 1);
            int colsSize = g.c() * g.r() * g.s() * g.outH() * g.outW();
            for (int image = 0; image < g.n(); image++) {
                float[] cols = Check.randomFloats(rnd, colsSize, 5, 6); // stale values must be overwritten
                KERNELS.im2col(g, Buffer.of(x), image, Buffer.of(cols));
                Buffer want = Buffer.allocate(DType.FLOAT64, colsSize);
                Oracle.REFERENCE.im2col(g, Oracle.widen(x), image, want);
                Check.close("im2col " + g + " image " + image, Oracle.doubles(want), cols, 0, 0);

                float[] dx = Check.randomFloats(rnd, g.inputSize(), -1, 1);
                Buffer wantDx = Oracle.widen(dx);
                KERNELS.col2im(g, Buffer.of(cols), Buffer.of(dx), image);
                Oracle.REFERENCE.col2im(g, Oracle.widen(cols), wantDx, image);
                // col2im adds up to r·s taps into a float image element, rounding each time as the
                // reference does in float32; the oracle here adds in double.
                Check.close("col2im " + g + " image " + image, Oracle.doubles(wantDx), dx, 2e-6, 1e-5);
            }
        }
    }

    @Test
    void poolingMatchesTheOracle() {
        Random rnd = new Random(2);
        PoolGeometry[] pools = {
            new PoolGeometry(2, 3, 7, 17, 2, 2, 2, 2, 0, 0, false, true),
            new PoolGeometry(1, 2, 9, 15, 3, 3, 2, 2, 1, 1, true, true),
            new PoolGeometry(1, 2, 9, 15, 3, 3, 2, 2, 1, 1, true, false),
            new PoolGeometry(1, 1, 5, 33, 3, 2, 1, 1, 1, 1, false, false),
            new PoolGeometry(1, 1, 1, 1, 1, 1, 1, 1, 0, 0, false, true),
            // 2x2 windows at stride 2 take a vector path: rows of several vectors, and planes
            // enough to be split across threads.
            new PoolGeometry(2, 2, 5, 70, 2, 2, 2, 2, 0, 0, false, false),
            new PoolGeometry(4, 8, 32, 35, 2, 2, 2, 2, 0, 0, false, false),
        };
        for (PoolGeometry g : pools) {
            float[] x = Check.randomFloats(rnd, g.inputSize(), -1, 1);
            // Quarters, so that windows hold ties (the first maximum must win), and a few NaNs.
            for (int i = 0; i < x.length; i++) {
                x[i] = Math.round(x[i] * 4) / 4f;
            }
            for (int i = 0; i < x.length; i += 97) {
                x[i] = Float.NaN;
            }
            float[] y = new float[g.outputSize()];
            int[] arg = new int[g.outputSize()];
            KERNELS.maxPoolForward(g, Buffer.of(x), Buffer.of(y), arg);
            Buffer wy = Buffer.allocate(DType.FLOAT64, g.outputSize());
            int[] warg = new int[g.outputSize()];
            Oracle.REFERENCE.maxPoolForward(g, Oracle.widen(x), wy, warg);
            Check.close("maxPoolForward " + g, Oracle.doubles(wy), y, 0, 0);
            assertArrayEquals(warg, arg, "maxPoolForward argmax " + g);

            float[] dy = Check.randomFloats(rnd, g.outputSize(), -1, 1);
            float[] dx = Check.randomFloats(rnd, g.inputSize(), 3, 4);
            KERNELS.maxPoolBackward(g, Buffer.of(dy), arg, Buffer.of(dx));
            Buffer wdx = Buffer.allocate(DType.FLOAT64, g.inputSize());
            Oracle.REFERENCE.maxPoolBackward(g, Oracle.widen(dy), warg, wdx);
            Check.close("maxPoolBackward " + g, Oracle.doubles(wdx), dx, 0, 0);

            x[0] = 0.5f;
            KERNELS.avgPoolForward(g, Buffer.of(x), Buffer.of(y));
            Oracle.REFERENCE.avgPoolForward(g, Oracle.widen(x), wy);
            Check.close("avgPoolForward " + g, Oracle.doubles(wy), y, 0, 0);

            KERNELS.avgPoolBackward(g, Buffer.of(dy), Buffer.of(dx));
            Oracle.REFERENCE.avgPoolBackward(g, Oracle.widen(dy), wdx);
            Check.close("avgPoolBackward " + g, Oracle.doubles(wdx), dx, 0, 0);
        }
    }
}
