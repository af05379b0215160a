package dev.faltung.nn.data;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AugmentationsTest {

    private static float[] ramp(int c, int h, int w) {
        float[] img = new float[c * h * w];
        for (int i = 0; i < img.length; i++) img[i] = (i % 97) / 97f;
        return img;
    }

    private static float[] applied(Augmentation a, float[] img, int c, int h, int w, long seed) {
        float[] out = img.clone();
        a.apply(out, c, h, w, new SplittableRandom(seed));
        return out;
    }

    @Test
    void everyAugmentationIsDeterministicForAFixedSeed() {
        LabelledImages rgb = new LabelledImages(ramp(3, 8, 8), new int[] {0}, 3, 8, 8, java.util.List.of("a"));
        Augmentation all = Augmentations.parse("flip,vflip,translate=2,rotate=20,zoom=1.3,pca=0.5,erase=1", rgb);
        float[] img = ramp(3, 8, 8);
        assertArrayEquals(applied(all, img, 3, 8, 8, 99), applied(all, img, 3, 8, 8, 99));
        boolean differs = false;
        for (long s = 0; s < 5 && !differs; s++) {
            differs = !Arrays.equals(applied(all, img, 3, 8, 8, 99), applied(all, img, 3, 8, 8, s));
        }
        assertTrue(differs, "different seeds give different images");
    }

    @Test
    void flipsWithCertaintyAreInvolutions() {
        float[] img = ramp(2, 5, 7);
        Augmentation h = Augmentations.horizontalFlip(1);
        Augmentation v = Augmentations.verticalFlip(1);
        float[] once = applied(h, img, 2, 5, 7, 0);
        assertEquals(img[1 * 35 + 2 * 7 + 0], once[1 * 35 + 2 * 7 + 6], "channel 1, row 2: column 0 moves to 6");
        assertArrayEquals(img, applied(h, once, 2, 5, 7, 0));
        float[] vOnce = applied(v, img, 2, 5, 7, 0);
        assertEquals(img[35 + 0 * 7 + 3], vOnce[35 + 4 * 7 + 3], "channel 1, column 3: row 0 moves to 4");
        assertArrayEquals(img, applied(v, vOnce, 2, 5, 7, 0));
        assertArrayEquals(img, applied(Augmentations.horizontalFlip(0), img, 2, 5, 7, 0));
    }

    @Test
    void translationShiftsContentAndFillsWithZero() {
        float[] img = new float[9 * 9];
        img[4 * 9 + 4] = 1; // a single dot in the centre
        for (long seed = 0; seed < 20; seed++) {
            float[] out = applied(Augmentations.translate(2), img, 1, 9, 9, seed);
            int at = -1;
            float sum = 0;
            for (int i = 0; i < out.length; i++) {
                sum += out[i];
                if (out[i] == 1) at = i;
            }
            assertEquals(1, sum, "the dot is moved, not duplicated or lost");
            assertTrue(Math.abs(at / 9 - 4) <= 2 && Math.abs(at % 9 - 4) <= 2, "shift within 2 pixels, got " + at);
        }
        assertArrayEquals(img, applied(Augmentations.translate(0), img, 1, 9, 9, 3));
    }

    @Test
    void rotationAndZoomKeepTheCentreAndTheIdentityCases() {
        float[] img = ramp(1, 9, 9);
        assertArrayEquals(img, applied(Augmentations.rotate(0), img, 1, 9, 9, 5), "rotate=0 is the identity");
        float[] z = applied(Augmentations.zoom(1), img, 1, 9, 9, 5);
        for (int i = 0; i < img.length; i++) assertEquals(img[i], z[i], 1e-6, "zoom=1 at " + i);
        // A constant image stays constant near its centre under any rotation or zoom.
        float[] flat = new float[81];
        Arrays.fill(flat, 0.5f);
        for (long seed = 0; seed < 10; seed++) {
            float[] r = applied(Augmentations.rotate(30), flat, 1, 9, 9, seed);
            float[] s = applied(Augmentations.zoom(1.5), flat, 1, 9, 9, seed);
            assertEquals(0.5f, r[40], 1e-6);
            assertEquals(0.5f, s[40], 1e-6);
        }
        // Rotating a dot at the centre's right by +-90 degrees bounds: the dot stays on the circle of radius 3.
        float[] dot = new float[81];
        dot[4 * 9 + 7] = 1;
        float[] r = applied(Augmentations.rotate(90), dot, 1, 9, 9, 1);
        double mass = 0;
        double cy = 0;
        double cx = 0;
        for (int i = 0; i < 81; i++) {
            mass += r[i];
            cy += r[i] * (i / 9 - 4);
            cx += r[i] * (i % 9 - 4);
        }
        assertEquals(3, Math.hypot(cy / mass, cx / mass), 0.35, "centre of mass keeps its distance from the centre");
    }

    @Test
    void randomErasingFillsOneRectangleOrNothing() {
        float[] zeros = new float[20 * 20];
        assertArrayEquals(zeros, applied(Augmentations.randomErasing(0), zeros, 1, 20, 20, 1));
        float[] out = applied(Augmentations.randomErasing(1), zeros, 1, 20, 20, 1);
        int minY = 20, maxY = -1, minX = 20, maxX = -1, changed = 0;
        for (int i = 0; i < out.length; i++) {
            if (out[i] != 0) {
                changed++;
                minY = Math.min(minY, i / 20);
                maxY = Math.max(maxY, i / 20);
                minX = Math.min(minX, i % 20);
                maxX = Math.max(maxX, i % 20);
            }
        }
        int box = (maxY - minY + 1) * (maxX - minX + 1);
        assertTrue(changed > 0 && changed == box, "erased pixels form a filled rectangle: " + changed + " vs " + box);
        assertTrue(box >= 0.02 * 400 * 0.5 && box <= 0.4 * 400 * 1.5, "area fraction near [0.02, 0.4]: " + box);
    }

    @Test
    void pcaColourUsesTheEigenvectorsOfTheRgbCovariance() {
        double[][] cov = {{4, 1, 0.5}, {1, 3, 0.2}, {0.5, 0.2, 1}};
        double[][] v = new double[3][3];
        double[] lambda = PcaColour.symmetricEigen(cov, v);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                double av = 0;
                double dot = 0;
                for (int k = 0; k < 3; k++) {
                    av += cov[i][k] * v[k][j];
                    dot += v[k][i] * v[k][j];
                }
                assertEquals(v[i][j] * lambda[j], av, 1e-12, "(A V)[" + i + "][" + j + "] = (V Λ)[" + i + "][" + j + "]");
                assertEquals(i == j ? 1 : 0, dot, 1e-12, "VᵀV[" + i + "][" + j + "]");
            }
        }
        assertEquals(8, lambda[0] + lambda[1] + lambda[2], 1e-12, "trace is preserved");

        LabelledImages rgb = new LabelledImages(ramp(3, 4, 4), new int[] {0}, 3, 4, 4, java.util.List.of("a"));
        PcaColour pca = PcaColour.fit(rgb, 0.1);
        float[] img = ramp(3, 4, 4);
        float[] out = applied(pca, img, 3, 4, 4, 7);
        for (int c = 0; c < 3; c++) {
            float shift = out[c * 16] - img[c * 16];
            for (int i = 0; i < 16; i++) {
                assertEquals(shift, out[c * 16 + i] - img[c * 16 + i], 1e-6, "one offset per channel, channel " + c);
            }
        }
        assertFalse(Arrays.equals(img, out));
    }

    @Test
    void parserBuildsTheListInOrderAndExplainsMistakes() {
        LabelledImages gray = SyntheticShapes.images(10, 0, 0);
        assertEquals("[flip=0.5, translate=2, rotate=10.0, erase=0.5]",
                Augmentations.parse("flip, translate=2,rotate=10,erase", gray).toString());
        assertEquals(Augmentation.NONE, Augmentations.parse("", gray));
        assertEquals(Augmentation.NONE, Augmentations.parse("none", gray));
        assertThrows(IllegalArgumentException.class, () -> Augmentations.parse("blur", gray), "unknown");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Augmentations.parse("rotate", gray));
        assertTrue(e.getMessage().contains("needs a value"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Augmentations.parse("rotate=abc", gray));
        assertThrows(IllegalArgumentException.class, () -> Augmentations.parse("flip=2", gray));
        IllegalArgumentException pca = assertThrows(IllegalArgumentException.class, () -> Augmentations.parse("pca", gray));
        assertTrue(pca.getMessage().contains("RGB"), pca.getMessage());
    }
}
