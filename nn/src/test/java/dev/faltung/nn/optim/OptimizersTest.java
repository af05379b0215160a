package dev.faltung.nn.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faltung.autodiff.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Each optimizer takes three steps on θ₀ = (1, -2) with the constant gradient g = (0.5, 1); the
 * expected values were worked out by hand from the PyTorch formulas (and checked with a
 * separate scalar script), e.g. SGD with momentum 0.9, lr 0.1 on the first coordinate:
 * b = 0.5, 0.95, 1.355 so θ = 0.95, 0.855, 0.7195.
 */
class OptimizersTest {

    private static Map<String, Tensor> params() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("w", Tensor.of(new double[] {1.0, -2.0}, 2).requiresGrad(true));
        return m;
    }

    private static double[] threeSteps(Function<Map<String, Tensor>, Optimizer> make) {
        Map<String, Tensor> p = params();
        Optimizer o = make.apply(p);
        for (int i = 0; i < 3; i++) {
            p.get("w").setGrad(Tensor.of(new double[] {0.5, 1.0}, 2));
            o.step();
        }
        return p.get("w").toDoubleArray();
    }

    private static void check(double[] expected, Function<Map<String, Tensor>, Optimizer> make, double tol) {
        double[] got = threeSteps(make);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], got[i], tol, "element " + i + " after 3 steps");
        }
    }

    @Test
    void sgd() {
        check(new double[] {0.85, -2.3}, p -> new Sgd(p, 0.1), 1e-12);
    }

    @Test
    void sgdWithCoupledWeightDecay() {
        // g' = g + 0.1θ: θ = 0.94, 0.8806, 0.821794
        check(new double[] {0.821794, -2.237608}, p -> new Sgd(p, 0.1, 0, 0, 0.1, false), 1e-12);
    }

    @Test
    void sgdWithMomentum() {
        check(new double[] {0.7195, -2.561}, p -> Sgd.momentum(p, 0.1, 0.9), 1e-12);
    }

    @Test
    void nesterov() {
        // steps g + 0.9b = 0.95, 1.355, 1.7195 on the first coordinate
        check(new double[] {0.59755, -2.8049}, p -> Sgd.nesterov(p, 0.1, 0.9), 1e-12);
    }

    @Test
    void adaGrad() {
        // 1 - 0.1·0.5·(1/√0.25 + 1/√0.5 + 1/√0.75)
        check(new double[] {0.7715542949990494, -2.228445705019284}, p -> new AdaGrad(p, 0.1), 1e-12);
    }

    @Test
    void rmsProp() {
        check(new double[] {0.7710870078067141, -2.228913010585297}, p -> new RmsProp(p, 0.01), 1e-12);
    }

    @Test
    void adam() {
        // with a constant gradient the bias-corrected ratio m̂/√v̂ is 1: each step moves lr·sign(g)
        check(new double[] {0.7000000060000005, -2.2999999969999996}, p -> new Adam(p, 0.1), 1e-12);
    }

    @Test
    void adamWithCoupledDecay() {
        check(new double[] {0.7001745748141188, -2.299872009451411}, p -> new Adam(p, 0.1, 0.9, 0.999, 1e-8, 0.1), 1e-12);
    }

    @Test
    void adamWDecaysDecoupled() {
        check(new double[] {0.6732890059402004, -2.2376079970298997}, p -> new AdamW(p, 0.1, 0.9, 0.999, 1e-8, 0.1),
                1e-12);
    }

    @Test
    void parametersWithoutGradientAreLeftAlone() {
        Map<String, Tensor> p = params();
        new Adam(p, 0.1).step();
        assertArrayEquals(new double[] {1, -2}, p.get("w").toDoubleArray());
    }

    @Test
    void stateRoundTripGivesABitIdenticalResume() {
        Map<String, Tensor> a = params(), b = params();
        Adam first = new Adam(a, 0.05);
        for (int i = 0; i < 2; i++) {
            a.get("w").setGrad(Tensor.of(new double[] {0.3 * i + 0.1, -1.0}, 2));
            first.step();
        }
        Map<String, Tensor> saved = first.state();
        assertEquals(List.of("lr", "step.w", "exp_avg.w", "exp_avg_sq.w"), List.copyOf(saved.keySet()));
        Adam resumed = new Adam(b, 1.0);
        resumed.loadState(saved);
        b.get("w").buffer().set(0, a.get("w").get(0));
        b.get("w").buffer().set(1, a.get("w").get(1));
        a.get("w").setGrad(Tensor.of(new double[] {0.7, 0.2}, 2));
        b.get("w").setGrad(Tensor.of(new double[] {0.7, 0.2}, 2));
        first.step();
        resumed.step();
        assertEquals(0.05, resumed.learningRate());
        assertArrayEquals(a.get("w").toDoubleArray(), b.get("w").toDoubleArray());
        assertArrayEquals(first.state().get("exp_avg_sq.w").toDoubleArray(),
                resumed.state().get("exp_avg_sq.w").toDoubleArray());
    }

    @Test
    void loadStateNamesMissingAndMisshapenEntries() {
        Sgd sgd = Sgd.momentum(params(), 0.1, 0.9);
        Map<String, Tensor> state = new LinkedHashMap<>(sgd.state());
        state.remove("momentum_buffer.w");
        var e = assertThrows(IllegalArgumentException.class, () -> sgd.loadState(state));
        assertTrue(e.getMessage().contains("momentum_buffer.w"), e.getMessage());
        state.put("momentum_buffer.w", Tensor.of(new double[] {1, 2, 3}, 3));
        e = assertThrows(IllegalArgumentException.class, () -> sgd.loadState(state));
        assertTrue(e.getMessage().contains("shape"), e.getMessage());
    }

    @Test
    void zeroGradClearsGradients() {
        Map<String, Tensor> p = params();
        p.get("w").setGrad(Tensor.of(new double[] {1, 1}, 2));
        new Sgd(p, 0.1).zeroGrad();
        assertNull(p.get("w").grad());
    }

    @Test
    void maxNormProjectsLongRowsOntoTheBall() {
        Map<String, Tensor> p = new LinkedHashMap<>();
        Tensor w = Tensor.of(new double[] {3, 4, 0.3, 0.4}, 2, 2).requiresGrad(true);
        p.put("w", w);
        Sgd sgd = new Sgd(p, 0.0);
        sgd.addConstraint(new MaxNorm(1.0, List.of(w)));
        w.setGrad(Tensor.zeros(w.dtype(), 2, 2));
        sgd.step();
        assertArrayEquals(new double[] {0.6, 0.8, 0.3, 0.4}, w.toDoubleArray(), 1e-12);
    }

    @Test
    void clippingByGlobalNormAndByValue() {
        Tensor a = Tensor.zeros(dev.faltung.kernel.DType.FLOAT64, 2), b = Tensor.zeros(dev.faltung.kernel.DType.FLOAT64, 1);
        a.setGrad(Tensor.of(new double[] {3, 0}, 2));
        b.setGrad(Tensor.of(new double[] {4}, 1));
        assertEquals(5.0, GradientClipping.clipByGlobalNorm(List.of(a, b), 1.0), 1e-12);
        double c = 1.0 / (5 + 1e-6);
        assertArrayEquals(new double[] {3 * c, 0}, a.grad().toDoubleArray(), 1e-12);
        assertArrayEquals(new double[] {4 * c}, b.grad().toDoubleArray(), 1e-12);
        a.setGrad(Tensor.of(new double[] {-3, 0.2}, 2));
        GradientClipping.clipByValue(List.of(a), 0.5);
        assertArrayEquals(new double[] {-0.5, 0.2}, a.grad().toDoubleArray(), 1e-12);
    }

    @Test
    void schedules() {
        LearningRateSchedule step = LearningRateSchedule.step(0.1, 3, 0.5);
        assertEquals(0.1, step.rate(2));
        assertEquals(0.05, step.rate(3));
        assertEquals(0.025, step.rate(7), 1e-15);
        assertEquals(0.1 * 0.9 * 0.9, LearningRateSchedule.exponential(0.1, 0.9).rate(2), 1e-15);
        LearningRateSchedule cos = LearningRateSchedule.cosine(1.0, 10, 0.1);
        assertEquals(1.0, cos.rate(0), 1e-15);
        assertEquals(0.55, cos.rate(5), 1e-15);
        assertEquals(0.1, cos.rate(10), 1e-15);
        assertEquals(0.1, cos.rate(12), 1e-15);
        LearningRateSchedule warm = LearningRateSchedule.warmup(4, 0.25, cos);
        assertEquals(0.25, warm.rate(0), 1e-15);
        assertEquals(0.625, warm.rate(2), 1e-15);
        assertEquals(1.0, warm.rate(4), 1e-15);
        assertEquals(0.55, warm.rate(9), 1e-15);
        // Part of the way through an epoch: step and exponential wait for the whole epoch, cosine and warm-up move.
        assertEquals(0.1, step.rate(2.99));
        assertEquals(0.1 * 0.9, LearningRateSchedule.exponential(0.1, 0.9).rate(1.5), 1e-15);
        assertEquals(0.1 + 0.9 * (1 + Math.cos(Math.PI * 0.25)) / 2, cos.rate(2.5), 1e-15);
        assertEquals(0.25 + 0.75 * 0.375, warm.rate(1.5), 1e-15);
        Sgd sgd = new Sgd(params(), 1.0);
        warm.apply(sgd, 1);
        assertEquals(0.4375, sgd.learningRate(), 1e-15);
    }
}
