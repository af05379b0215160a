package dev.faltung.nn.data;

import java.util.List;
import java.util.SplittableRandom;

/**
 * A random image transformation for training. {@link #apply} transforms one [C, H, W] image in
 * place, drawing every random choice from the generator it is given, so the result is a pure
 * function of the image and the generator's seed. Implementations are immutable and thread-safe.
 */
public interface Augmentation {

    /** Transforms {@code image} ([channels, height, width]) in place. */
    void apply(float[] image, int channels, int height, int width, SplittableRandom rng);

    /** Leaves images unchanged. */
    Augmentation NONE = new Augmentation() {
        @Override
        public void apply(float[] image, int channels, int height, int width, SplittableRandom rng) {
        }

        @Override
        public String toString() {
            return "none";
        }
    };

    /** Applies {@code steps} in order with one generator. */
    static Augmentation chain(List<Augmentation> steps) {
        if (steps.isEmpty()) return NONE;
        List<Augmentation> copy = List.copyOf(steps);
        return new Augmentation() {
            @Override
            public void apply(float[] image, int channels, int height, int width, SplittableRandom rng) {
                for (Augmentation a : copy) a.apply(image, channels, height, width, rng);
            }

            @Override
            public String toString() {
                return copy.toString();
            }
        };
    }
}
