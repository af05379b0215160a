package dev.faltung.nn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faltung.autodiff.ConvSpec;
import dev.faltung.autodiff.Tensor;
import dev.faltung.kernel.DType;
import dev.faltung.nn.Module;
import java.util.List;
import org.junit.jupiter.api.Test;

class LayersTest {

    static Tensor t(double[] v, int... shape) {
        return Tensor.of(v, shape);
    }

    static void assertClose(double[] expected, Tensor actual, double tol, String op) {
        double[] a = actual.toDoubleArray();
        assertEquals(expected.length, a.length, op + ": element count");
        for (int i = 0; i < a.length; i++) {
            if (!(Math.abs(expected[i] - a[i]) <= tol)) {
                throw new AssertionError(op + " shape " + java.util.Arrays.toString(actual.shape()) + ": first bad index "
                        + i + ": expected " + expected[i] + ", got " + a[i]);
            }
        }
    }

    @Test
    void parametersAreRegisteredWithDottedNamesInOrder() {
        Sequential s = new Sequential(new Conv2d(1, 2, 3, 0), new BatchNorm2d(2), new ReLU(), new Flatten(),
                new Dense(8, 3, 1));
        assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias", "4.weight", "4.bias"),
                List.copyOf(s.namedParameters().keySet()));
        assertEquals(List.of("1.running_mean", "1.running_var"), List.copyOf(s.namedBuffers().keySet()));
        assertEquals(18 + 2 + 2 + 2 + 24 + 3, s.parameterCount());
        assertTrue(s.namedParameters().values().stream().allMatch(Tensor::requiresGrad));
        assertArrayEquals(new int[] {5, 3}, s.outputShape(new int[] {5, 1, 4, 4}));
        assertTrue(s.toString().contains("(0): Conv2d(1, 2, kernel=3x3"), s.toString());
    }

    @Test
    void reluBeforeMaxPoolGivesTheSameOutputAndGradientsAsInOrder() {
        // Ties, zeros, negative zeros and windows with no positive value: where the pooled
        // element is chosen among equal values the two orders could differ, and must not.
        java.util.Random r = new java.util.Random(7);
        float[] v = new float[2 * 3 * 7 * 7];
        float[] levels = {-2f, -1f, -0f, 0f, 0.5f, 1f, 1f, 3f};
        for (int i = 0; i < v.length; i++) v[i] = i % 5 == 0 ? levels[r.nextInt(levels.length)] : (float) r.nextGaussian();
        for (int i = 0; i < 9; i++) v[i] = -1f - i; // the first windows hold no positive value
        float[] up = new float[2 * 3 * 4 * 4];
        for (int i = 0; i < up.length; i++) up[i] = (float) r.nextGaussian();
        for (MaxPool2d pool : List.of(new MaxPool2d(2), new MaxPool2d(3, 2, 1, true), new MaxPool2d(3, 2, 0, false))) {
            Tensor a = Tensor.of(v.clone(), 2, 3, 7, 7).requiresGrad(true);
            Tensor ya = new Sequential(new ReLU(), pool).forward(a);
            Tensor b = Tensor.of(v.clone(), 2, 3, 7, 7).requiresGrad(true);
            Tensor yb = pool.forward(b.relu());
            assertArrayEquals(yb.shape(), ya.shape(), pool.toString());
            Tensor g = Tensor.of(java.util.Arrays.copyOf(up, yb.numel()), yb.shape());
            ya.backward(g, false);
            yb.backward(g, false);
            assertArrayEquals(yb.toFloatArray(), ya.toFloatArray(), pool + " output");
            // Equal as numbers: where no gradient reaches an element, one order gives g * 0 and the
            // other 0 + g * 0, so a zero's sign may differ.
            assertArrayEquals(b.grad().toFloatArray(), a.grad().toFloatArray(), 0f, pool + " input gradient");
        }
    }

    @Test
    void trainAndEvalPropagateToChildren() {
        Dropout d = new Dropout(0.5, 1);
        Sequential s = new Sequential(new Sequential(d));
        s.train(false);
        assertTrue(!d.isTraining() && !s.isTraining());
        s.train(true);
        assertTrue(d.isTraining());
    }

    @Test
    void sameSeedSameWeightsDifferentSeedDifferentWeights() {
        assertArrayEquals(new Dense(4, 3, 7).weight().toDoubleArray(), new Dense(4, 3, 7).weight().toDoubleArray());
        assertNotEquals(new Dense(4, 3, 7).weight().toDoubleArray()[0], new Dense(4, 3, 8).weight().toDoubleArray()[0]);
    }

    @Test
    void defaultInitialisationIsPyTorchsBound() {
        Conv2d c = new Conv2d(4, 8, 3, 0); // fan_in 36: U(±1/6)
        for (double v : c.weight().toDoubleArray()) {
            assertTrue(Math.abs(v) <= 1 / 6.0, "weight " + v);
        }
        for (double v : c.bias().toDoubleArray()) {
            assertTrue(Math.abs(v) <= 1 / 6.0, "bias " + v);
        }
    }

    @Test
    void denseComputesAffineMap() {
        Dense d = new Dense(2, 1, 0);
        d.setParameter("weight", t(new double[] {2, -1}, 1, 2));
        d.setParameter("bias", t(new double[] {0.5}, 1));
        assertClose(new double[] {0.5 + 2 - 3, 0.5}, d.forward(t(new double[] {1, 3, 0, 0}, 2, 2)), 1e-12, "dense");
        assertThrows(IllegalArgumentException.class, () -> d.forward(t(new double[] {1, 2, 3}, 1, 3)));
    }

    @Test
    void batchNormTrainingNormalisesWithBatchStatsAndUpdatesRunningStats() {
        BatchNorm1d bn = new BatchNorm1d(2).to(DType.FLOAT64) instanceof BatchNorm1d b ? b : null;
        // channel 0: 1, 2, 3, 6 (mean 3, biased var 3.5, unbiased 14/3); channel 1: all 5 (var 0).
        Tensor x = t(new double[] {1, 5, 2, 5, 3, 5, 6, 5}, 4, 2);
        Tensor y = bn.forward(x);
        double sd = Math.sqrt(3.5 + 1e-5);
        assertClose(new double[] {-2 / sd, 0, -1 / sd, 0, 0, 0, 3 / sd, 0}, y, 1e-12, "batchnorm train");
        assertClose(new double[] {0.9 * 0 + 0.1 * 3, 0.1 * 5}, bn.runningMean(), 1e-12, "running_mean");
        assertClose(new double[] {0.9 + 0.1 * 14 / 3.0, 0.9}, bn.runningVar(), 1e-12, "running_var");
        bn.train(false);
        Tensor e = bn.forward(t(new double[] {1, 5}, 1, 2));
        assertClose(new double[] {(1 - 0.3) / Math.sqrt(0.9 + 1.4 / 3 + 1e-5), (5 - 0.5) / Math.sqrt(0.9 + 1e-5)}, e,
                1e-12, "batchnorm eval");
        assertClose(new double[] {0.3, 0.5}, bn.runningMean(), 1e-12, "eval leaves running_mean");
    }

    @Test
    void batchNorm2dReducesOverBatchAndSpace() {
        BatchNorm2d bn = new BatchNorm2d(1, 1e-5, 0.5, true);
        bn.to(DType.FLOAT64);
        Tensor x = t(new double[] {0, 2, 4, 6}, 2, 1, 1, 2);
        bn.forward(x);
        assertClose(new double[] {1.5}, bn.runningMean(), 1e-12, "mean 3 with momentum 0.5");
        assertClose(new double[] {0.5 + 0.5 * 20 / 3.0}, bn.runningVar(), 1e-12, "unbiased var 20/3");
        assertThrows(IllegalArgumentException.class, () -> bn.forward(t(new double[] {1}, 1, 1, 1, 1)));
    }

    @Test
    void invertedDropoutScalesInTrainingAndIsIdentityAtTest() {
        Dropout d = new Dropout(0.25, 42);
        Tensor x = Tensor.ones(DType.FLOAT64, 1000);
        double[] y = d.forward(x).toDoubleArray();
        int kept = 0;
        for (double v : y) {
            assertTrue(v == 0 || Math.abs(v - 1 / 0.75) < 1e-12, "value " + v);
            kept += v == 0 ? 0 : 1;
        }
        assertTrue(kept > 700 && kept < 800, "kept " + kept);
        d.train(false);
        assertArrayEquals(x.toDoubleArray(), d.forward(x).toDoubleArray());
    }

    @Test
    void weightScalingDropoutScalesAtTestOnly() {
        Dropout d = new Dropout(0.25, Dropout.Rule.WEIGHT_SCALING, 42);
        for (double v : d.forward(Tensor.ones(DType.FLOAT64, 100)).toDoubleArray()) {
            assertTrue(v == 0 || v == 1, "value " + v);
        }
        d.train(false);
        assertClose(new double[] {0.75, 1.5}, d.forward(t(new double[] {1, 2}, 2)), 1e-12, "test-time scaling");
    }

    @Test
    void dropoutMasksAreReproducibleAndAdvanceWithEachStep() {
        Tensor x = Tensor.ones(DType.FLOAT64, 64);
        Dropout a = new Dropout(0.5, 9), b = new Dropout(0.5, 9);
        double[] first = a.forward(x).toDoubleArray();
        assertArrayEquals(first, b.forward(x).toDoubleArray());
        double[] second = a.forward(x).toDoubleArray();
        assertTrue(!java.util.Arrays.equals(first, second), "a new mask each step");
        a.setStep(0);
        assertArrayEquals(first, a.forward(x).toDoubleArray());
    }

    @Test
    void localResponseNormMatchesTheDefinition() {
        LocalResponseNorm lrn = new LocalResponseNorm(2, 0.5, 0.75, 1.0);
        // channels 1, 2, 3 at one pixel; size 2: window c-1..c (padding 1 before, 0 after).
        Tensor y = lrn.forward(t(new double[] {1, 2, 3}, 1, 3, 1, 1));
        double[] a = {1, 2, 3};
        double[] expected = new double[3];
        for (int c = 0; c < 3; c++) {
            double s = a[c] * a[c] + (c > 0 ? a[c - 1] * a[c - 1] : 0);
            expected[c] = a[c] / Math.pow(1 + 0.5 / 2 * s, 0.75);
        }
        assertClose(expected, y, 1e-12, "lrn");
    }

    @Test
    void flatOutputProbabilitiesNormaliseEachGroup() {
        FlatOutputProbabilities f = new FlatOutputProbabilities(new int[] {2, 3}, 0.0);
        Tensor y = f.forward(t(new double[] {1, 3, -1, 2, 2}, 1, 5));
        assertClose(new double[] {0.25, 0.75, 0, 0.5, 0.5}, y, 1e-12, "flat output probabilities");
    }

    @Test
    void lpPoolIsThePNormOfEachWindow() {
        LpPool2d p = new LpPool2d(2, 2, 2, false);
        Tensor y = p.forward(t(new double[] {3, 4, 0, 0, 1, 2, 2, 4}, 1, 2, 2, 2));
        assertClose(new double[] {5, 5}, y, 1e-9, "lp pool p=2");
    }

    @Test
    void stochasticPoolAveragesByProbabilityAtTestAndSamplesAnElementInTraining() {
        StochasticPool2d p = new StochasticPool2d(2, 2, 3);
        Tensor x = t(new double[] {1, 3, 0, 0, 0, 0, 0, 0}, 1, 2, 2, 2);
        p.train(false);
        assertClose(new double[] {(1 + 9) / 4.0, 0}, p.forward(x), 1e-12, "Σ a²/Σ a; empty window 0");
        p.train(true);
        int threes = 0;
        for (int i = 0; i < 400; i++) {
            double[] y = p.forward(x).toDoubleArray();
            assertTrue(y[0] == 1 || y[0] == 3, "sampled " + y[0]);
            assertEquals(0.0, y[1]);
            threes += y[0] == 3 ? 1 : 0;
        }
        assertTrue(threes > 260 && threes < 340, "3 drawn with probability 3/4: " + threes + "/400");
        assertThrows(IllegalArgumentException.class, () -> p.forward(x.neg()));
    }

    @Test
    void maxoutTakesTheLargestPiece() {
        Maxout m = new Maxout(1, 2, 3, 0);
        m.setParameter("linear.weight", t(new double[] {1, -1, 2, 0, 3, -3}, 6, 1));
        m.setParameter("linear.bias", t(new double[] {0, 0, 0, 1, 0, 0}, 6));
        assertClose(new double[] {2, 3, 1, 3}, m.forward(t(new double[] {1, -1}, 2, 1)), 1e-12, "maxout");
    }

    @Test
    void embeddingLooksUpRowsAndAccumulatesGradients() {
        Embedding e = new Embedding(4, 2, 0);
        e.setParameter("weight", t(new double[] {0, 1, 10, 11, 20, 21, 30, 31}, 4, 2).requiresGrad(true));
        Tensor y = e.forward(new int[] {2, 0, 2}, 1, 3);
        assertArrayEquals(new int[] {1, 3, 2}, y.shape());
        assertClose(new double[] {20, 21, 0, 1, 20, 21}, y, 0, "lookup");
        y.sum().backward();
        assertClose(new double[] {1, 1, 0, 0, 2, 2, 0, 0}, e.weight().grad(), 0, "scatter-add");
    }

    @Test
    void adaptiveAvgPoolUsesPyTorchWindows() {
        AdaptiveAvgPool2d p = new AdaptiveAvgPool2d(2, 1);
        // rows [0,2) and [1,3) of a 3x1 column.
        assertClose(new double[] {1.5, 2.5}, p.forward(t(new double[] {1, 2, 3}, 1, 1, 3, 1)), 1e-12, "adaptive");
    }

    @Test
    void residualBlockProjectsOnlyWhenShapesChange() {
        assertTrue(!new ResidualBlock(4, 4, 1, 0).projects());
        ResidualBlock b = new ResidualBlock(4, 8, 2, 0);
        assertTrue(b.projects());
        assertArrayEquals(new int[] {2, 8, 3, 3}, b.forward(Tensor.normal(1, 0, 1, DType.FLOAT32, 2, 4, 6, 6)).shape());
        assertTrue(b.namedParameters().containsKey("downsample.0.weight"));
    }

    @Test
    void inceptionAndConcatStackBranchesAlongChannels() {
        InceptionBlock b = new InceptionBlock(3, 2, 2, 4, 1, 2, 3, 0);
        assertArrayEquals(new int[] {1, 11, 5, 5}, b.forward(Tensor.normal(1, 0, 1, DType.FLOAT32, 1, 3, 5, 5)).shape());
        Module mismatched = new Concat(new Conv2d(1, 1, 1, 0), new Conv2d(1, 1, 3, 0));
        assertThrows(IllegalArgumentException.class, () -> ((Layer) mismatched).outputShape(new int[] {1, 1, 5, 5}));
    }

    @Test
    void convLayersHaveTheExpectedOutputShapes() {
        Tensor x = Tensor.normal(1, 0, 1, DType.FLOAT32, 2, 3, 9, 9);
        Conv2d c = new Conv2d(3, 4, 3, ConvSpec.DEFAULT.withStride(2).withPadding(1), false, 0);
        assertArrayEquals(new int[] {2, 4, 5, 5}, c.forward(x).shape());
        assertArrayEquals(new int[] {2, 4, 18, 18}, new ConvTranspose2d(3, 4, 3, 2, 1, 1, true, 0).forward(x).shape());
        assertArrayEquals(new int[] {2, 5, 7}, new Conv1d(3, 5, 3, 0).forward(Tensor.zeros(DType.FLOAT32, 2, 3, 9)).shape());
        assertArrayEquals(new int[] {2, 3, 5, 5}, new MaxPool2d(3, 2, 1, true).forward(x).shape());
        assertArrayEquals(new int[] {2, 3, 4, 4}, new AvgPool2d(3, 2, 0, false, true).forward(x).shape());
        assertArrayEquals(new int[] {2, 3}, new GlobalAvgPool().forward(x).shape());
    }
}
