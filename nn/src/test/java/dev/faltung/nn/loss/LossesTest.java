package dev.faltung.nn.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.faltung.autodiff.Tensor;
import org.junit.jupiter.api.Test;

class LossesTest {

    private static Tensor t(double[] v, int... shape) {
        return Tensor.of(v, shape);
    }

    @Test
    void crossEntropyIsMeanNegativeLogSoftmaxOfTheTarget() {
        Tensor logits = t(new double[] {1, 2, 3, 0, 0, 0}, 2, 3);
        double lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
        double expected = ((lse - 1) + Math.log(3)) / 2;
        assertEquals(expected, Losses.crossEntropy(logits, new int[] {0, 2}).item(), 1e-12);
    }

    @Test
    void aMaskedLogitOfMinusInfinityLeavesTheLossFinite() {
        // The masked class has probability 0 and log-probability -inf; without label smoothing
        // only the target's log-probability counts, as in torch, so 0·(-inf) must not enter.
        double ninf = Double.NEGATIVE_INFINITY;
        Tensor logits = t(new double[] {1, ninf, 3, ninf, 0, 0}, 2, 3).requiresGrad(true);
        double expected = ((Math.log(Math.exp(1) + Math.exp(3)) - 1) + Math.log(2)) / 2;
        Tensor loss = Losses.crossEntropy(logits, new int[] {0, 2});
        assertEquals(expected, loss.item(), 1e-12);
        loss.backward();
        assertEquals(0.0, logits.grad().get(0, 1)); // no probability, no gradient
        assertEquals(0.0, logits.grad().get(1, 0));
    }

    @Test
    void nllOfLogSoftmaxEqualsCrossEntropyAndHonoursClassWeights() {
        Tensor logits = t(new double[] {1, 2, 3, 0, 1, 0}, 2, 3);
        int[] targets = {0, 1};
        double[] w = {2, 0.5, 1};
        assertEquals(Losses.crossEntropy(logits, targets, 0, w).item(),
                Losses.nll(logits.logSoftmax(1), targets, w).item(), 1e-12);
        double lp0 = 1 - Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
        double lp1 = 1 - Math.log(Math.exp(0) + Math.exp(1) + Math.exp(0));
        assertEquals(-(2 * lp0 + 0.5 * lp1) / 2.5, Losses.nll(logits.logSoftmax(1), targets, w).item(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> Losses.nll(logits, new int[] {0, 3}));
    }

    @Test
    void mseAndRmse() {
        Tensor p = t(new double[] {1, 2, 3, 4}, 2, 2), y = t(new double[] {1, 0, 3, 0}, 2, 2);
        assertEquals(5.0, Losses.mse(p, y).item(), 1e-12);
        assertEquals(Math.sqrt(5.0), Losses.rmse(p, y).item(), 1e-12);
    }

    @Test
    void binaryCrossEntropyWithLogitsIsStableAndMatchesTheDefinition() {
        double[] x = {-2, 0.5, 3, 800, -800};
        double[] y = {0, 1, 1, 0, 1};
        double expected = 0;
        for (int i = 0; i < 3; i++) {
            double s = 1 / (1 + Math.exp(-x[i]));
            expected += -(y[i] * Math.log(s) + (1 - y[i]) * Math.log(1 - s));
        }
        expected += 800 + 800; // -log(1-σ(800)) ≈ 800 and -log σ(-800) ≈ 800
        assertEquals(expected / 5, Losses.binaryCrossEntropyWithLogits(t(x, 5), t(y, 5)).item(), 1e-9);
    }

    @Test
    void posWeightScalesThePositiveTerm() {
        double x = 0.3, y = 1, pw = 4;
        double expected = -pw * Math.log(1 / (1 + Math.exp(-x)));
        assertEquals(expected, Losses.binaryCrossEntropyWithLogits(t(new double[] {x}, 1, 1), t(new double[] {y}, 1, 1),
                t(new double[] {pw}, 1)).item(), 1e-12);
        double y0 = 0;
        double negative = -Math.log(1 - 1 / (1 + Math.exp(-x)));
        assertEquals(negative, Losses.binaryCrossEntropyWithLogits(t(new double[] {x}, 1, 1),
                t(new double[] {y0}, 1, 1), t(new double[] {pw}, 1)).item(), 1e-12);
    }

    @Test
    void labelSmoothingMixesInTheUniformDistribution() {
        Tensor logits = t(new double[] {0, Math.log(3)}, 1, 2); // p = (1/4, 3/4)
        double s = 0.2;
        double expected = (1 - s) * -Math.log(0.75) + s / 2 * (-Math.log(0.25) - Math.log(0.75));
        assertEquals(expected, Losses.crossEntropy(logits, new int[] {1}, s, null).item(), 1e-12);
    }
}
