package dev.faltung.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faltung.kernel.DType;
import org.junit.jupiter.api.Test;

class TensorTest {

    private static Tensor vec(double... v) {
        return Tensor.of(v, v.length);
    }

    @Test
    void addBroadcastsARowOverAMatrix() {
        Tensor m = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor r = vec(10, 20, 30);
        assertArrayEquals(new double[] {11, 22, 33, 14, 25, 36}, m.add(r).toDoubleArray());
        assertArrayEquals(new int[] {2, 3}, r.add(m).shape());
    }

    @Test
    void shapeMismatchNamesTheOpAndBothShapes() {
        Tensor a = Tensor.zeros(DType.FLOAT64, 2, 3);
        Tensor b = Tensor.zeros(DType.FLOAT64, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.mul(b));
        assertTrue(e.getMessage().contains("mul") && e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4]"),
                e.getMessage());
        IllegalArgumentException mm = assertThrows(IllegalArgumentException.class,
                () -> a.matmul(Tensor.zeros(DType.FLOAT64, 4, 2)));
        assertTrue(mm.getMessage().contains("matmul") && mm.getMessage().contains("[4, 2]"), mm.getMessage());
    }

    @Test
    void mixedDtypesAreRejectedByName() {
        Tensor a = Tensor.zeros(DType.FLOAT64, 2);
        Tensor b = Tensor.zeros(DType.FLOAT32, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.add(b));
        assertTrue(e.getMessage().contains("float64") && e.getMessage().contains("float32"), e.getMessage());
    }

    @Test
    void gradientsAccumulateAcrossBackwardCalls() {
        Tensor x = vec(1, 2).requiresGrad(true);
        x.mul(3.0).sum().backward();
        x.mul(3.0).sum().backward();
        assertArrayEquals(new double[] {6, 6}, x.grad().toDoubleArray());
        x.zeroGrad();
        assertNull(x.grad());
    }

    @Test
    void aTensorUsedTwiceReceivesBothGradients() {
        Tensor x = vec(3).requiresGrad(true);
        x.mul(x).add(x).sum().backward(); // d/dx (x² + x) = 2x + 1
        assertEquals(7.0, x.grad().item());
    }

    @Test
    void noGradRecordsNothing() {
        Tensor x = vec(1, 2).requiresGrad(true);
        try (NoGrad ignored = NoGrad.enter()) {
            Tensor y = x.exp();
            assertFalse(y.requiresGrad());
        }
        assertTrue(x.exp().requiresGrad());
    }

    @Test
    void backwardFreesTheGraphUnlessRetained() {
        Tensor x = vec(1, 2).requiresGrad(true);
        Tensor y = x.exp();
        Tensor loss = y.sum();
        loss.backward();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> y.sum().backward());
        assertTrue(e.getMessage().contains("freed"), e.getMessage());

        Tensor z = x.exp().sum();
        z.backward(Tensor.scalar(1, DType.FLOAT64), true);
        z.backward(Tensor.scalar(1, DType.FLOAT64), true);
    }

    @Test
    void backwardOfANonScalarNeedsAnExplicitGradient() {
        Tensor x = vec(1, 2).requiresGrad(true);
        assertThrows(IllegalArgumentException.class, () -> x.exp().backward());
        assertThrows(IllegalStateException.class, () -> vec(1).sum().backward());
    }

    @Test
    void deepGraphsDoNotOverflowTheStack() {
        Tensor x = vec(0.5).requiresGrad(true);
        Tensor y = x;
        for (int i = 0; i < 20_000; i++) {
            y = y.add(0.0);
        }
        y.sum().backward();
        assertEquals(1.0, x.grad().item());
    }

    @Test
    void reshapeIsAViewSharingStorage() {
        Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor v = x.reshape(3, -1);
        assertArrayEquals(new int[] {3, 2}, v.shape());
        assertSame(x.buffer(), v.buffer());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> x.reshape(4, 2));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4, 2]"), e.getMessage());
    }

    @Test
    void transposeAndSliceAndConcatAndPadMoveTheRightElements() {
        Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertArrayEquals(new double[] {1, 4, 2, 5, 3, 6}, x.transpose(0, 1).toDoubleArray());
        assertArrayEquals(new double[] {2, 3, 5, 6}, x.slice(1, 1, 3).toDoubleArray());
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6},
                Tensor.concat(0, x, x).toDoubleArray());
        assertArrayEquals(new double[] {0, 1, 2, 3, 0, 4, 5, 6}, x.pad(new int[] {0, 1}, new int[] {0, 0}, 0).toDoubleArray());
    }

    @Test
    void reductionsOverAxes() {
        Tensor x = Tensor.of(new double[] {1, 5, 3, 4, 2, 6}, 2, 3);
        assertArrayEquals(new double[] {5, 7, 9}, x.sum(0).toDoubleArray());
        assertArrayEquals(new double[] {3, 4}, x.mean(1).toDoubleArray());
        assertArrayEquals(new double[] {5, 6}, x.max(1).toDoubleArray());
        assertArrayEquals(new int[] {1, 2}, x.argmax(1));
        assertEquals(21.0, x.sum().item());
        assertArrayEquals(new int[] {2, 1}, x.sum(new int[] {1}, true).shape());
        assertEquals(8.0 / 3.0, Tensor.of(new double[] {1, 3, 5}, 3).var(new int[] {0}, 0, false).item(), 1e-15);
    }

    @Test
    void crossEntropyMatchesTheDefinition() {
        Tensor logits = Tensor.of(new double[] {1, 2, 3, 1, 1, 1}, 2, 3);
        double l0 = -Math.log(Math.exp(3) / (Math.exp(1) + Math.exp(2) + Math.exp(3)));
        double l1 = -Math.log(1.0 / 3);
        assertEquals((l0 + l1) / 2, logits.crossEntropy(new int[] {2, 0}).item(), 1e-12);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> logits.crossEntropy(new int[] {3, 0}));
        assertTrue(e.getMessage().contains("target 3"), e.getMessage());
    }

    @Test
    void convolutionRejectsAChannelMismatchByShape() {
        Tensor x = Tensor.zeros(DType.FLOAT32, 1, 3, 8, 8);
        Tensor w = Tensor.zeros(DType.FLOAT32, 4, 2, 3, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Convolution.conv2d(x, w, null, ConvSpec.DEFAULT));
        assertTrue(e.getMessage().contains("conv2d") && e.getMessage().contains("[1, 3, 8, 8]")
                && e.getMessage().contains("[4, 2, 3, 3]"), e.getMessage());
    }

    @Test
    void leavesNeverShareAGradientBufferWithEachOtherOrWithTheCaller() {
        Tensor x = vec(1, 2, 3).requiresGrad(true), y = vec(4, 5, 6).requiresGrad(true);
        x.add(y).sum().backward();                     // add hands one gradient to both inputs
        assertArrayEquals(new double[] {1, 1, 1}, x.grad().toDoubleArray());
        assertArrayEquals(new double[] {1, 1, 1}, y.grad().toDoubleArray());
        assertFalse(x.grad().buffer() == y.grad().buffer());

        Tensor z = vec(1, 2, 3, 4).requiresGrad(true);
        Tensor gradOutput = Tensor.of(new double[] {1, 2, 3, 4}, 2, 2);
        z.reshape(2, 2).backward(gradOutput, false);     // the caller's gradient reaches the leaf as a view
        assertFalse(z.grad().buffer() == gradOutput.buffer());
        gradOutput.set(100, 0, 0);
        assertArrayEquals(new double[] {1, 2, 3, 4}, z.grad().toDoubleArray());
    }
}
