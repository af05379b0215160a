package dev.faltung.nn.data;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SyntheticShapesTest {

    @Test
    void isAPureFunctionOfTheSeed() {
        TrainTest a = SyntheticShapes.generate(300, 100, 7);
        TrainTest b = SyntheticShapes.generate(300, 100, 7);
        assertArrayEquals(a.train().images(), b.train().images());
        assertArrayEquals(a.test().images(), b.test().images());
        assertArrayEquals(a.train().labels(), b.train().labels());
        assertFalse(java.util.Arrays.equals(a.train().images(), SyntheticShapes.generate(300, 100, 8).train().images()));
        // Image i does not depend on how many images were asked for.
        assertArrayEquals(a.train().image(42), SyntheticShapes.images(50, 7, 0).image(42));
    }

    @Test
    void hasTheDocumentedShapeBalancedLabelsAndUnitRangePixels() {
        LabelledImages d = SyntheticShapes.images(1000, 3, 0);
        assertArrayEquals(new int[] {1, 28, 28}, d.imageShape());
        assertEquals(SyntheticShapes.CLASSES, d.classNames());
        int[] perClass = new int[10];
        for (int l : d.labels()) perClass[l]++;
        assertArrayEquals(new int[] {100, 100, 100, 100, 100, 100, 100, 100, 100, 100}, perClass);
        for (int i = 0; i < d.images().length; i++) {
            float v = d.images()[i];
            assertTrue(v >= 0 && v <= 1, "pixel " + i + " = " + v);
        }
        TrainTest std = SyntheticShapes.standard(1);
        assertEquals(6000, std.train().size());
        assertEquals(1000, std.test().size());
    }

    @Test
    void isLearnableButNotTrivial() {
        // A nearest-class-mean classifier, far weaker than a CNN, must beat chance (10%) clearly
        // yet stay well short of perfect: the data has signal and still needs a real model.
        TrainTest d = SyntheticShapes.generate(2000, 500, 3);
        int n = d.train().imageSize();
        double[][] mean = new double[10][n];
        int[] count = new int[10];
        for (int i = 0; i < d.train().size(); i++) {
            int l = d.train().labels()[i];
            count[l]++;
            for (int j = 0; j < n; j++) mean[l][j] += d.train().images()[i * n + j];
        }
        for (int c = 0; c < 10; c++) for (int j = 0; j < n; j++) mean[c][j] /= count[c];
        int correct = 0;
        for (int i = 0; i < d.test().size(); i++) {
            int best = -1;
            double bestD = Double.MAX_VALUE;
            for (int c = 0; c < 10; c++) {
                double dist = 0;
                for (int j = 0; j < n; j++) {
                    double e = d.test().images()[i * n + j] - mean[c][j];
                    dist += e * e;
                }
                if (dist < bestD) {
                    bestD = dist;
                    best = c;
                }
            }
            if (best == d.test().labels()[i]) correct++;
        }
        double accuracy = correct / (double) d.test().size();
        assertTrue(accuracy > 0.35 && accuracy < 0.9, "nearest-mean accuracy " + accuracy);
    }
}
