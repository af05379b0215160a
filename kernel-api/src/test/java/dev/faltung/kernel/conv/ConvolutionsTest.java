package dev.faltung.kernel.conv;

import dev.faltung.kernel.Buffer;
import dev.faltung.kernel.DType;
import dev.faltung.kernel.Kernels;
import dev.faltung.kernel.reference.ReferenceKernels;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Every algorithm computes the same three functions as the direct loop nest, on fixed awkward geometries. */
class ConvolutionsTest {

    private static final Kernels REF = new ReferenceKernels();

    static List<ConvGeometry> geometries() {
        List<ConvGeometry> gs = new ArrayList<>();
        gs.add(ConvGeometry.of(2, 3, 7, 9, 4, 3, 3, 1, 1, Padding.SAME, 1, 1, 1));
        gs.add(ConvGeometry.of(1, 4, 10, 11, 6, 3, 3, 1, 1, Padding.of(2, 0, 1, 2), 1, 1, 2));
        gs.add(ConvGeometry.of(1, 4, 12, 12, 4, 3, 3, 1, 1, Padding.VALID, 1, 1, 4)); // depthwise
        gs.add(ConvGeometry.of(2, 2, 9, 8, 3, 5, 4, 2, 3, Padding.of(1, 2, 0, 3), 1, 1, 1));
        gs.add(ConvGeometry.of(1, 3, 13, 12, 2, 3, 2, 1, 2, Padding.FULL, 2, 3, 1));
        gs.add(ConvGeometry.of(1, 1, 1, 7, 1, 1, 3, 1, 1, Padding.VALID, 1, 1, 1)); // 1-D
        gs.add(ConvGeometry.of(1, 2, 20, 19, 3, 7, 7, 1, 1, Padding.SAME, 1, 1, 1));
        gs.add(ConvGeometry.of(1, 2, 6, 6, 2, 3, 3, 1, 1, Padding.of(4, 4), 1, 1, 1)); // pad > kernel-1
        return gs;
    }

    static Buffer random(DType dtype, int size, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Buffer b = Buffer.allocate(dtype, size);
        for (int i = 0; i < size; i++) b.set(i, rnd.nextDouble(-1, 1));
        return b;
    }

    static void assertClose(String what, Buffer expected, Buffer actual, double tol) {
        for (int i = 0; i < expected.size(); i++) {
            double e = expected.get(i), a = actual.get(i);
            if (!(Math.abs(e - a) <= tol)) {
                fail(what + ": first bad index " + i + " of " + expected.size() + ": expected " + e
                        + ", got " + a + " (tolerance " + tol + ")");
            }
        }
    }

    static double maxAbs(Buffer b) {
        double m = 0;
        for (int i = 0; i < b.size(); i++) m = Math.max(m, Math.abs(b.get(i)));
        return m;
    }

    @Test
    void everyApplicableAlgorithmAgreesWithDirectInFloat64() {
        for (ConvGeometry g : geometries()) {
            Buffer x = random(DType.FLOAT64, g.inputSize(), 1), w = random(DType.FLOAT64, g.weightSize(), 2);
            Buffer bias = random(DType.FLOAT64, g.k(), 3), dy = random(DType.FLOAT64, g.outputSize(), 4);
            Buffer y0 = Buffer.allocate(DType.FLOAT64, g.outputSize());
            Buffer dx0 = Buffer.allocate(DType.FLOAT64, g.inputSize());
            Buffer dw0 = Buffer.allocate(DType.FLOAT64, g.weightSize()), db0 = Buffer.allocate(DType.FLOAT64, g.k());
            Convolutions.forward(REF, ConvAlgorithm.DIRECT, g, x, w, bias, y0);
            Convolutions.backwardData(REF, ConvAlgorithm.DIRECT, g, dy, w, dx0);
            Convolutions.backwardFilter(REF, ConvAlgorithm.DIRECT, g, x, dy, dw0, db0);
            for (ConvAlgorithm a : List.of(ConvAlgorithm.IM2COL, ConvAlgorithm.FFT, ConvAlgorithm.WINOGRAD, ConvAlgorithm.AUTO)) {
                if (a == ConvAlgorithm.WINOGRAD && WinogradConvolution.inapplicability(g).isPresent()) continue;
                String where = a.label() + " " + Convolutions.describe(g);
                Buffer y = Buffer.allocate(DType.FLOAT64, g.outputSize());
                Buffer dx = random(DType.FLOAT64, g.inputSize(), 9); // garbage: must be overwritten
                Buffer dw = random(DType.FLOAT64, g.weightSize(), 9), db = random(DType.FLOAT64, g.k(), 9);
                Convolutions.forward(REF, a, g, x, w, bias, y);
                Convolutions.backwardData(REF, a, g, dy, w, dx);
                Convolutions.backwardFilter(REF, a, g, x, dy, dw, db);
                assertClose("forward " + where, y0, y, 1e-10 * maxAbs(y0));
                assertClose("backward data " + where, dx0, dx, 1e-10 * maxAbs(dx0));
                assertClose("backward filter " + where, dw0, dw, 1e-10 * maxAbs(dw0));
                assertClose("bias gradient " + where, db0, db, 1e-10 * maxAbs(db0));
            }
        }
    }

    @Test
    void everyWinogradTileAgreesWithDirect() {
        for (WinogradConvolution wino : List.of(WinogradConvolution.F2X2_3X3, WinogradConvolution.F4X4_3X3,
                WinogradConvolution.F2X2_5X5)) {
            int r = wino.kernelSize();
            // Odd sides, partial tiles, asymmetric padding; for 5x5 also padding past the kernel
            // (backward data crops) and groups.
            ConvGeometry g = r == 3
                    ? ConvGeometry.of(2, 3, 11, 10, 5, 3, 3, 1, 1, Padding.of(1, 2, 0, 1), 1, 1, 1)
                    : ConvGeometry.of(2, 4, 13, 9, 6, 5, 5, 1, 1, Padding.of(5, 2, 0, 1), 1, 1, 2);
            Buffer x = random(DType.FLOAT64, g.inputSize(), 5), w = random(DType.FLOAT64, g.weightSize(), 6);
            Buffer dy = random(DType.FLOAT64, g.outputSize(), 7);
            Buffer y0 = Buffer.allocate(DType.FLOAT64, g.outputSize()), dx0 = Buffer.allocate(DType.FLOAT64, g.inputSize());
            DirectConvolution.INSTANCE.forward(REF, g, x, w, null, y0);
            DirectConvolution.INSTANCE.backwardData(REF, g, dy, w, dx0);
            Buffer y = Buffer.allocate(DType.FLOAT64, g.outputSize()), dx = Buffer.allocate(DType.FLOAT64, g.inputSize());
            wino.forward(REF, g, x, w, null, y);
            wino.backwardData(REF, g, dy, w, dx);
            String name = "winograd F(" + wino.outputTile() + "," + r + ")";
            assertClose(name + " forward", y0, y, 1e-12 * maxAbs(y0));
            assertClose(name + " backward data", dx0, dx, 1e-12 * maxAbs(dx0));
        }
        assertEquals(64.0, WinogradConvolution.F2X2_3X3.amplification(), 1e-12);
        assertEquals(2304.0, WinogradConvolution.F4X4_3X3.amplification(), 1e-9);
        // a = 173/3, from Aᵀ's second row (0, 1, -1, 2, -2, 1): larger than F(4x4,3x3)'s 48.
        assertEquals(173.0 * 173 / 9, WinogradConvolution.F2X2_5X5.amplification(), 1e-9);
        assertSame(WinogradConvolution.F2X2_5X5, Convolutions.implementation(ConvAlgorithm.WINOGRAD,
                ConvGeometry.of(1, 1, 6, 6, 1, 5, 5, 1, 1, Padding.VALID, 1, 1, 1)));
    }

    @Test
    void directForwardMatchesAHandComputedExample() {
        // x = 1..9 in 3x3, w = [[1,0],[0,-1]]: y[i][j] = x[i][j] - x[i+1][j+1] = -4 everywhere, + bias 0.5.
        ConvGeometry g = ConvGeometry.of(1, 1, 3, 3, 1, 2, 2, 1, 1, Padding.VALID, 1, 1, 1);
        Buffer y = Buffer.allocate(DType.FLOAT32, 4);
        Convolutions.forward(REF, ConvAlgorithm.DIRECT, g, Buffer.of(1f, 2, 3, 4, 5, 6, 7, 8, 9),
                Buffer.of(1f, 0, 0, -1), Buffer.of(0.5f), y);
        assertEquals(Buffer.of(-3.5f, -3.5f, -3.5f, -3.5f), y);
    }

    @Test
    void winogradWhereItDoesNotApplyIsRefusedWithTheReason() {
        ConvGeometry seven = ConvGeometry.of(1, 1, 8, 8, 1, 7, 7, 1, 1, Padding.VALID, 1, 1, 1);
        ConvGeometry oblong = ConvGeometry.of(1, 1, 8, 8, 1, 3, 5, 1, 1, Padding.VALID, 1, 1, 1);
        ConvGeometry strided = ConvGeometry.of(1, 1, 8, 8, 1, 3, 3, 2, 2, Padding.VALID, 1, 1, 1);
        ConvGeometry dilated = ConvGeometry.of(1, 1, 8, 8, 1, 3, 3, 1, 1, Padding.VALID, 2, 2, 1);
        var e = assertThrows(UnsupportedOperationException.class, () -> Convolutions.forward(REF,
                ConvAlgorithm.WINOGRAD, seven, Buffer.allocate(DType.FLOAT64, 64), Buffer.allocate(DType.FLOAT64, 49),
                null, Buffer.allocate(DType.FLOAT64, 4)));
        assertTrue(e.getMessage().contains("winograd needs a 3x3 or 5x5 kernel, got 7x7"), e.getMessage());
        assertEquals("winograd needs a 3x3 or 5x5 kernel, got 3x5",
                WinogradConvolution.inapplicability(oblong).orElseThrow());
        e = assertThrows(UnsupportedOperationException.class, () -> Convolutions.backwardData(REF,
                ConvAlgorithm.WINOGRAD, strided, Buffer.allocate(DType.FLOAT64, 9), Buffer.allocate(DType.FLOAT64, 9),
                Buffer.allocate(DType.FLOAT64, 64)));
        assertTrue(e.getMessage().contains("winograd needs stride 1, got 2x2"), e.getMessage());
        assertEquals("winograd needs dilation 1, got 2x2",
                WinogradConvolution.inapplicability(dilated).orElseThrow());
    }

    @Test
    void badBuffersAndGeometriesFailNamingTheProblem() {
        ConvGeometry g = ConvGeometry.of(1, 2, 4, 4, 3, 3, 3, 1, 1, Padding.VALID, 1, 1, 1);
        var e = assertThrows(IllegalArgumentException.class, () -> Convolutions.forward(REF, ConvAlgorithm.DIRECT, g,
                Buffer.allocate(DType.FLOAT64, 16), Buffer.allocate(DType.FLOAT64, 54), null,
                Buffer.allocate(DType.FLOAT64, 12)));
        assertEquals("conv forward: input x has 16 elements, expected 32 for shape [1, 2, 4, 4]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Convolutions.forward(REF, ConvAlgorithm.DIRECT, g,
                Buffer.allocate(DType.FLOAT64, 32), Buffer.allocate(DType.FLOAT32, 54), null,
                Buffer.allocate(DType.FLOAT64, 12)));
        assertTrue(e.getMessage().contains("share a dtype"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ConvGeometry.of(1, 3, 8, 8, 4, 3, 3, 1, 1, Padding.VALID, 1, 1, 2));
        assertEquals("conv: groups=2 must divide input channels 3 and output channels 4", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ConvGeometry.of(1, 1, 4, 4, 1, 3, 3, 1, 1, Padding.VALID, 2, 2, 1));
        assertTrue(e.getMessage().contains("kernel 3x3 (dilated extent 5x5) is larger than the padded input 4x4"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ConvGeometry.of(1, 1, 4, 4, 1, 3, 3, 0, 1, Padding.VALID, 1, 1, 1));
        assertTrue(e.getMessage().contains("stride must be positive"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ConvGeometry.of(1, 1, 4, 4, 1, 3, 3, 1, 1, Padding.VALID, 1, -1, 1));
        assertTrue(e.getMessage().contains("dilation must be positive"), e.getMessage());
    }

    @Test
    void fftInverseOfForwardIsTheIdentity() {
        SplittableRandom rnd = new SplittableRandom(11);
        double[] re = new double[8 * 16], im = new double[8 * 16];
        for (int i = 0; i < re.length; i++) {
            re[i] = rnd.nextDouble(-1, 1);
            im[i] = rnd.nextDouble(-1, 1);
        }
        double[] r0 = re.clone(), i0 = im.clone();
        Fft.transform2d(re, im, 8, 16, false);
        // DC term is the sum.
        double sum = 0;
        for (double v : r0) sum += v;
        assertEquals(sum, re[0], 1e-12);
        Fft.transform2d(re, im, 8, 16, true);
        for (int i = 0; i < re.length; i++) {
            assertEquals(r0[i], re[i] / 128, 1e-14, "re at " + i);
            assertEquals(i0[i], im[i] / 128, 1e-14, "im at " + i);
        }
        assertThrows(IllegalArgumentException.class, () -> Fft.transform(new double[6], new double[6], 0, 6, false));
    }
}
