package dev.faltung.nn.data;

import dev.faltung.nn.Seeds;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The embedded default dataset: 28x28 grayscale line drawings of ten shapes (ring, square,
 * triangle, X, plus, diamond, chevron, bars, tee, arc), each drawn with random position, size,
 * stretch, rotation, stroke width and brightness, plus a stray stroke and Gaussian noise. The
 * classes share strokes (plus/tee, square/diamond, chevron/triangle) so a small CNN learns it in
 * an epoch without it being trivial. Image {@code i} is a pure function of {@code (seed, split, i)}.
 */
public final class SyntheticShapes {

    public static final int SIZE = 28;
    public static final List<String> CLASSES = List.of(
            "ring", "square", "triangle", "x-cross", "plus", "diamond", "chevron", "bars", "tee", "arc");

    /** Each shape as polylines in a unit box centred on 0 (y grows downwards, as in images). */
    private static final double[][][] STROKES = {
        polygon(24, 0, 2 * Math.PI, true),
        {{-0.85, -0.85, 0.85, -0.85, 0.85, 0.85, -0.85, 0.85, -0.85, -0.85}},
        {{0, -1, 0.95, 0.75, -0.95, 0.75, 0, -1}},
        {{-0.85, -0.85, 0.85, 0.85}, {-0.85, 0.85, 0.85, -0.85}},
        {{-1, 0, 1, 0}, {0, -1, 0, 1}},
        {{0, -1, 1, 0, 0, 1, -1, 0, 0, -1}},
        {{-1, -0.6, 0, 0.6, 1, -0.6}},
        {{-1, -0.4, 1, -0.4}, {-1, 0.4, 1, 0.4}},
        {{-1, -0.8, 1, -0.8}, {0, -0.8, 0, 1}},
        polygon(12, 0, Math.PI, false),
    };

    private SyntheticShapes() {
    }

    /** {@code trainSize} training and {@code testSize} test images, disjoint streams of one seed. */
    public static TrainTest generate(int trainSize, int testSize, long seed) {
        return new TrainTest(images(trainSize, seed, 0), images(testSize, seed, 1));
    }

    /** The default split: 6000 training and 1000 test images. */
    public static TrainTest standard(long seed) {
        return generate(6000, 1000, seed);
    }

    /** The test part of {@link #standard}, generated alone. */
    public static LabelledImages standardTest(long seed) {
        return images(1000, seed, 1);
    }

    /** {@code n} images from stream {@code split} of {@code seed}, labels cycling 0..9 so classes are balanced. */
    public static LabelledImages images(int n, long seed, int split) {
        if (n < 0) {
            throw new IllegalArgumentException("SyntheticShapes.images: negative count " + n);
        }
        float[] images = new float[Math.multiplyExact(n, SIZE * SIZE)];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % CLASSES.size();
            draw(labels[i], new SplittableRandom(Seeds.derive(seed, split, i)), images, i * SIZE * SIZE);
        }
        return new LabelledImages(images, labels, 1, SIZE, SIZE, CLASSES);
    }

    private static void draw(int label, SplittableRandom rng, float[] out, int offset) {
        double cx = SIZE / 2.0 + rng.nextDouble(-3, 3);
        double cy = SIZE / 2.0 + rng.nextDouble(-3, 3);
        double scale = rng.nextDouble(6.0, 9.5);
        double sx = scale * rng.nextDouble(0.85, 1.15);
        double sy = scale * rng.nextDouble(0.85, 1.15);
        double angle = Math.toRadians(rng.nextDouble(-20, 20));
        double halfWidth = rng.nextDouble(0.6, 1.6);
        double brightness = rng.nextDouble(0.55, 1.0);
        double cos = StrictMath.cos(angle);
        double sin = StrictMath.sin(angle);

        // Transform the unit polylines into pixel-space segments: stretch, rotate, translate.
        double[][] shape = STROKES[label];
        int count = 0;
        for (double[] line : shape) count += line.length / 2 - 1;
        boolean stray = rng.nextDouble() < 0.6;
        double[] seg = new double[4 * (count + (stray ? 1 : 0))];
        int k = 0;
        for (double[] line : shape) {
            for (int p = 0; p + 3 < line.length; p += 2) {
                for (int q = 0; q < 4; q += 2) {
                    double x = line[p + q] * sx;
                    double y = line[p + q + 1] * sy;
                    seg[k++] = cx + cos * x - sin * y;
                    seg[k++] = cy + sin * x + cos * y;
                }
            }
        }
        double strayBrightness = 0;
        if (stray) {
            double x0 = rng.nextDouble(2, SIZE - 2);
            double y0 = rng.nextDouble(2, SIZE - 2);
            double len = rng.nextDouble(3, 7);
            double a = rng.nextDouble(0, 2 * Math.PI);
            seg[k++] = x0;
            seg[k++] = y0;
            seg[k++] = x0 + len * StrictMath.cos(a);
            seg[k++] = y0 + len * StrictMath.sin(a);
            strayBrightness = rng.nextDouble(0.2, 0.5);
        }
        double noise = rng.nextDouble(0.02, 0.12);
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                double px = x + 0.5;
                double py = y + 0.5;
                double d = Double.MAX_VALUE;
                for (int s = 0; s < count; s++) {
                    d = Math.min(d, segmentDistance(px, py, seg, 4 * s));
                }
                // Coverage of a pixel by a stroke of half-width w: a one-pixel linear ramp at the edge.
                double v = brightness * clamp(halfWidth + 0.5 - d);
                if (stray) {
                    v = Math.max(v, strayBrightness * clamp(0.6 + 0.5 - segmentDistance(px, py, seg, 4 * count)));
                }
                v += noise * rng.nextGaussian();
                out[offset + y * SIZE + x] = (float) clamp(v);
            }
        }
    }

    /** Euclidean distance from (px, py) to the segment seg[o..o+3] = (x0, y0, x1, y1). */
    private static double segmentDistance(double px, double py, double[] seg, int o) {
        double x0 = seg[o];
        double y0 = seg[o + 1];
        double dx = seg[o + 2] - x0;
        double dy = seg[o + 3] - y0;
        double len2 = dx * dx + dy * dy;
        double t = len2 == 0 ? 0 : clamp(((px - x0) * dx + (py - y0) * dy) / len2);
        double ex = px - (x0 + t * dx);
        double ey = py - (y0 + t * dy);
        return Math.sqrt(ex * ex + ey * ey);
    }

    private static double clamp(double v) {
        return v < 0 ? 0 : Math.min(v, 1);
    }

    private static double[][] polygon(int segments, double from, double to, boolean closed) {
        double[] line = new double[2 * (segments + 1)];
        for (int i = 0; i <= segments; i++) {
            double a = closed && i == segments ? from : from + (to - from) * i / segments;
            line[2 * i] = StrictMath.cos(a);
            line[2 * i + 1] = StrictMath.sin(a);
        }
        return new double[][] {line};
    }
}
