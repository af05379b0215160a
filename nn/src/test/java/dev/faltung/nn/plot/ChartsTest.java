package dev.faltung.nn.plot;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChartsTest {

    @TempDir
    Path dir;

    private static int count(BufferedImage img, int rgb) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if ((img.getRGB(x, y) & 0xFFFFFF) == rgb) n++;
            }
        }
        return n;
    }

    @Test
    void curvesPngHasBothPanelsAndBothSeries() throws IOException {
        Path f = dir.resolve("curves.png");
        Charts.curves(f, new Charts.Curves(new double[] {2, 1, 0.5}, new double[] {2.2, 1.3, Double.NaN},
                new double[] {0.3, 0.6, 0.8}, new double[] {0.25, 0.5, 0.7}));
        BufferedImage img = ImageIO.read(f.toFile());
        assertEquals(1000, img.getWidth());
        assertEquals(420, img.getHeight());
        assertTrue(count(img, 0x1f77b4) > 200, "train series drawn");
        assertTrue(count(img, 0xff7f0e) > 200, "validation series drawn");
        assertTrue(count(img.getSubimage(500, 0, 500, 420), 0x1f77b4) > 100, "accuracy panel has the train series");
    }

    @Test
    void curvesWithoutValidationOrWithOneEpochStillRender() throws IOException {
        Path f = dir.resolve("one.png");
        Charts.curves(f, new Charts.Curves(new double[] {1.5}, new double[0], new double[] {0.4}, new double[0]));
        BufferedImage img = ImageIO.read(f.toFile());
        assertEquals(0, count(img, 0xff7f0e), "no validation colour without validation data");
        assertThrows(IllegalArgumentException.class,
                () -> new Charts.Curves(new double[] {1, 2}, new double[] {1}, new double[0], new double[0]));
    }

    @Test
    void confusionPngShadesTheDiagonal() throws IOException {
        long[][] counts = {{50, 0, 0}, {5, 40, 5}, {0, 10, 40}};
        Path f = dir.resolve("confusion.png");
        Charts.confusion(f, counts, List.of("cat", "dog", "a rather long class name"));
        BufferedImage img = ImageIO.read(f.toFile());
        assertTrue(img.getWidth() > 3 * 36 && img.getHeight() > 3 * 36);
        assertTrue(count(img, 0x08306B) > 100, "a perfectly classified row is drawn in the darkest shade");
        assertThrows(IllegalArgumentException.class, () -> Charts.confusion(dir.resolve("x.png"), counts, List.of("a", "b")));
    }

    @Test
    void ticksAreNiceNumbersEnclosingTheRange() {
        assertArrayEquals(new double[] {0, 0.5, 1, 1.5, 2, 2.5}, Charts.niceTicks(0, 2.3, 6), 1e-12);
        assertArrayEquals(new double[] {20, 30, 40, 50, 60, 70, 80, 90, 100}, Charts.niceTicks(25, 92, 6), 1e-12);
        assertArrayEquals(new double[] {1, 2}, Charts.niceTicks(1, 2, 2), 1e-12);
    }
}
