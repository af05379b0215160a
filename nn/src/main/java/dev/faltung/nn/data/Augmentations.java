package dev.faltung.nn.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The standard training augmentations, and the parser for the CLI's {@code --augment} list such
 * as {@code "flip,translate=2,rotate=10,erase"}. Geometric transforms fill uncovered pixels with 0.
 */
public final class Augmentations {

    private Augmentations() {
    }

    /** Help text listing what {@link #parse} accepts. */
    public static final String SYNTAX = "comma list of: flip (horizontal, p=0.5), vflip, translate=PIXELS (or crop=PIXELS), "
            + "rotate=DEGREES, zoom=FACTOR (scale log-uniform in [1/FACTOR, FACTOR]), pca=SIGMA (RGB only, default 0.1), "
            + "erase[=PROBABILITY] (default 0.5); 'none' or empty for nothing";

    /**
     * Parses a comma list of augmentations, applied in the order written. {@code train} supplies
     * the RGB statistics for {@code pca} and the channel count to check it against.
     */
    public static Augmentation parse(String spec, LabelledImages train) {
        if (spec == null || spec.isBlank() || spec.strip().equals("none")) return Augmentation.NONE;
        List<Augmentation> steps = new ArrayList<>();
        for (String item : spec.split(",")) {
            String t = item.strip().toLowerCase(Locale.ROOT);
            if (t.isEmpty()) continue;
            int eq = t.indexOf('=');
            String name = eq < 0 ? t : t.substring(0, eq).strip();
            String arg = eq < 0 ? null : t.substring(eq + 1).strip();
            steps.add(switch (name) {
                case "flip", "hflip" -> horizontalFlip(arg == null ? 0.5 : number(name, arg, 0, 1));
                case "vflip" -> verticalFlip(arg == null ? 0.5 : number(name, arg, 0, 1));
                case "translate", "crop" -> translate((int) number(name, required(name, arg), 0, 64));
                case "rotate" -> rotate(number(name, required(name, arg), 0, 180));
                case "zoom" -> zoom(number(name, required(name, arg), 1, 10));
                case "pca" -> {
                    if (train == null || train.channels() != 3) {
                        throw new IllegalArgumentException("--augment pca needs RGB images, but the data has "
                                + (train == null ? "no" : train.channels()) + " channel(s)");
                    }
                    yield PcaColour.fit(train, arg == null ? 0.1 : number(name, arg, 0, 10));
                }
                case "erase" -> randomErasing(arg == null ? 0.5 : number(name, arg, 0, 1));
                default -> throw new IllegalArgumentException("--augment: unknown augmentation '" + name + "'; " + SYNTAX);
            });
        }
        return Augmentation.chain(steps);
    }

    private static String required(String name, String arg) {
        if (arg == null || arg.isEmpty()) {
            throw new IllegalArgumentException("--augment: '" + name + "' needs a value, e.g. " + name + "=2; " + SYNTAX);
        }
        return arg;
    }

    private static double number(String name, String arg, double min, double max) {
        double v;
        try {
            v = Double.parseDouble(arg);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--augment: '" + name + "=" + arg + "' is not a number", e);
        }
        if (!(v >= min && v <= max)) {
            throw new IllegalArgumentException("--augment: '" + name + "=" + arg + "' is outside [" + min + ", " + max + "]");
        }
        return v;
    }

    /** Mirrors left–right with probability {@code p}. */
    public static Augmentation horizontalFlip(double p) {
        return named("flip=" + p, (img, c, h, w, rng) -> {
            if (rng.nextDouble() >= p) return;
            for (int k = 0; k < c * h; k++) {
                int row = k * w;
                for (int a = 0, b = w - 1; a < b; a++, b--) {
                    float t = img[row + a];
                    img[row + a] = img[row + b];
                    img[row + b] = t;
                }
            }
        });
    }

    /** Mirrors top–bottom with probability {@code p}. */
    public static Augmentation verticalFlip(double p) {
        return named("vflip=" + p, (img, c, h, w, rng) -> {
            if (rng.nextDouble() >= p) return;
            float[] row = new float[w];
            for (int k = 0; k < c; k++) {
                for (int a = 0, b = h - 1; a < b; a++, b--) {
                    int ra = (k * h + a) * w;
                    int rb = (k * h + b) * w;
                    System.arraycopy(img, ra, row, 0, w);
                    System.arraycopy(img, rb, img, ra, w);
                    System.arraycopy(row, 0, img, rb, w);
                }
            }
        });
    }

    /**
     * Random crop with zero padding: pad by {@code pixels} on every side and cut a window of the
     * original size, i.e. shift by integers dy, dx uniform in [-pixels, pixels].
     */
    public static Augmentation translate(int pixels) {
        return named("translate=" + pixels, (img, c, h, w, rng) -> {
            int dy = rng.nextInt(-pixels, pixels + 1);
            int dx = rng.nextInt(-pixels, pixels + 1);
            if (dy == 0 && dx == 0) return;
            float[] src = img.clone();
            for (int k = 0; k < c; k++) {
                for (int y = 0; y < h; y++) {
                    int sy = y - dy;
                    for (int x = 0; x < w; x++) {
                        int sx = x - dx;
                        img[(k * h + y) * w + x] = sy < 0 || sy >= h || sx < 0 || sx >= w ? 0f : src[(k * h + sy) * w + sx];
                    }
                }
            }
        });
    }

    /** Rotation about the centre by an angle uniform in [-degrees, degrees], bilinear. */
    public static Augmentation rotate(double degrees) {
        return named("rotate=" + degrees, (img, c, h, w, rng) -> {
            double a = Math.toRadians(rng.nextDouble(-degrees, Math.nextUp(degrees)));
            affine(img, c, h, w, StrictMath.cos(a), StrictMath.sin(a), 1.0);
        });
    }

    /**
     * Zoom about the centre by a factor s with log s uniform in [-log f, log f], so zooming in by
     * f and out by f are equally likely; bilinear.
     */
    public static Augmentation zoom(double factor) {
        double range = Math.log(factor);
        return named("zoom=" + factor, (img, c, h, w, rng) -> {
            double s = Math.exp(rng.nextDouble(-range, Math.nextUp(range)));
            affine(img, c, h, w, 1, 0, s);
        });
    }

    /**
     * Inverse mapping for rotation by angle a and scale s about the image centre: each output
     * pixel p samples the input at centre + R(-a) (p - centre) / s.
     */
    private static void affine(float[] img, int c, int h, int w, double cos, double sin, double scale) {
        float[] src = img.clone();
        double cy = (h - 1) / 2.0;
        double cx = (w - 1) / 2.0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double dy = (y - cy) / scale;
                double dx = (x - cx) / scale;
                double sx = cx + cos * dx + sin * dy;
                double sy = cy - sin * dx + cos * dy;
                for (int k = 0; k < c; k++) {
                    img[(k * h + y) * w + x] = Image.bilinear(src, k, h, w, sy, sx, 0f);
                }
            }
        }
    }

    /**
     * Random erasing (Zhong et al. 2017, "Random Erasing Data Augmentation"): with probability
     * {@code p}, a rectangle of area fraction in [0.02, 0.4] and aspect ratio log-uniform in
     * [0.3, 1/0.3] is filled with uniform noise in [0, 1). Up to 10 tries to fit the rectangle.
     */
    public static Augmentation randomErasing(double p) {
        return named("erase=" + p, (img, c, h, w, rng) -> {
            if (rng.nextDouble() >= p) return;
            for (int attempt = 0; attempt < 10; attempt++) {
                double area = h * w * rng.nextDouble(0.02, 0.4);
                double ratio = Math.exp(rng.nextDouble(Math.log(0.3), Math.log(1 / 0.3)));
                int eh = (int) Math.round(Math.sqrt(area * ratio));
                int ew = (int) Math.round(Math.sqrt(area / ratio));
                if (eh < 1 || ew < 1 || eh >= h || ew >= w) continue;
                int y0 = rng.nextInt(h - eh + 1);
                int x0 = rng.nextInt(w - ew + 1);
                for (int k = 0; k < c; k++) {
                    for (int y = y0; y < y0 + eh; y++) {
                        for (int x = x0; x < x0 + ew; x++) {
                            img[(k * h + y) * w + x] = (float) rng.nextDouble();
                        }
                    }
                }
                return;
            }
        });
    }

    private static Augmentation named(String name, Augmentation a) {
        return new Augmentation() {
            @Override
            public void apply(float[] image, int channels, int height, int width, SplittableRandom rng) {
                a.apply(image, channels, height, width, rng);
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }
}
