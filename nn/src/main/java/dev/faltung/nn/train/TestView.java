package dev.faltung.nn.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A deterministic transformation of a batch of images for test-time augmentation: the
 * evaluator averages the predicted probabilities over several views of each image. Views are
 * immutable; {@link #apply} returns a new array and leaves its input alone.
 */
public interface TestView {

    /** The transformed copy of {@code images}, laid out [n, channels, height, width]. */
    float[] apply(float[] images, int n, int channels, int height, int width);

    /** The images as they are. */
    TestView IDENTITY = new TestView() {
        @Override
        public float[] apply(float[] images, int n, int channels, int height, int width) {
            return images;
        }

        @Override
        public String toString() {
            return "identity";
        }
    };

    /** Mirrored left to right. */
    TestView HORIZONTAL_FLIP = new TestView() {
        @Override
        public float[] apply(float[] images, int n, int channels, int height, int width) {
            float[] out = new float[images.length];
            for (int row = 0; row < n * channels * height; row++) {
                int o = row * width;
                for (int x = 0; x < width; x++) {
                    out[o + x] = images[o + width - 1 - x];
                }
            }
            return out;
        }

        @Override
        public String toString() {
            return "flip";
        }
    };

    /**
     * Moved by {@code dx} pixels right and {@code dy} pixels down; uncovered pixels take the
     * image's value at the nearest edge, so a shift never invents a dark border that the
     * (normalised) training images did not have.
     */
    static TestView shift(int dx, int dy) {
        return new TestView() {
            @Override
            public float[] apply(float[] images, int n, int channels, int height, int width) {
                float[] out = new float[images.length];
                for (int plane = 0; plane < n * channels; plane++) {
                    int o = plane * height * width;
                    for (int y = 0; y < height; y++) {
                        int sy = Math.clamp(y - dy, 0, height - 1);
                        for (int x = 0; x < width; x++) {
                            int sx = Math.clamp(x - dx, 0, width - 1);
                            out[o + y * width + x] = images[o + sy * width + sx];
                        }
                    }
                }
                return out;
            }

            @Override
            public String toString() {
                return "shift(" + dx + "," + dy + ")";
            }
        };
    }

    /** What {@link #parse} accepts, for help texts. */
    String SYNTAX = "comma list of: flip (left-right mirror), shift=K (four views moved by K pixels); "
            + "the identity view is always included";

    /**
     * The identity view followed by the views a comma list names: {@code flip}, {@code shift=K}
     * (the four views moved by K pixels left, right, up and down). Empty or {@code none} means
     * the identity alone.
     */
    static List<TestView> parse(String spec) {
        List<TestView> views = new ArrayList<>();
        views.add(IDENTITY);
        if (spec == null || spec.isBlank() || spec.trim().equalsIgnoreCase("none")) {
            return views;
        }
        for (String raw : spec.split(",")) {
            String item = raw.trim().toLowerCase(Locale.ROOT);
            if (item.equals("flip")) {
                views.add(HORIZONTAL_FLIP);
            } else if (item.startsWith("shift=")) {
                int k;
                try {
                    k = Integer.parseInt(item.substring("shift=".length()));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("test-time augmentation: '" + raw.trim()
                            + "' needs an integer number of pixels");
                }
                if (k < 1) {
                    throw new IllegalArgumentException("test-time augmentation: shift " + k + " must be at least 1");
                }
                views.add(shift(k, 0));
                views.add(shift(-k, 0));
                views.add(shift(0, k));
                views.add(shift(0, -k));
            } else if (!item.equals("identity")) {
                throw new IllegalArgumentException("test-time augmentation: unknown view '" + raw.trim() + "'; "
                        + SYNTAX);
            }
        }
        return views;
    }
}
