package dev.faltung.nn.data;

import java.util.Arrays;

/**
 * One mini-batch: images as [B, C, H, W] floats (augmented and normalised), their labels, and
 * the dataset indices they came from. The arrays belong to the receiver.
 */
public record Batch(float[] images, int[] labels, int[] indices, int channels, int height, int width) {

    /** Number of images in the batch. */
    public int size() {
        return labels.length;
    }

    /** The images' shape, [B, C, H, W]. */
    public int[] shape() {
        return new int[] {labels.length, channels, height, width};
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Batch b && Arrays.equals(images, b.images) && Arrays.equals(labels, b.labels)
                && Arrays.equals(indices, b.indices) && channels == b.channels && height == b.height && width == b.width;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(indices) + Arrays.hashCode(images);
    }

    @Override
    public String toString() {
        return "Batch" + Arrays.toString(shape());
    }
}
