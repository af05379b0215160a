package dev.faltung.nn.data;

import java.util.Arrays;
import java.util.List;

/**
 * An in-memory labelled image dataset: {@code n} images of shape [channels, height, width]
 * stored contiguously as [N, C, H, W] floats (pixel values scaled to [0, 1]), one integer label
 * per image in [0, classNames.size()). Normalisation by mean and std happens in the loader.
 * The arrays are shared, not copied: treat them as read-only.
 */
public record LabelledImages(float[] images, int[] labels, int channels, int height, int width, List<String> classNames) {

    /** Checks that the arrays agree with the geometry and that every label names a class. */
    public LabelledImages {
        classNames = List.copyOf(classNames);
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("LabelledImages: bad image shape [" + channels + ", " + height + ", " + width + "]");
        }
        long per = (long) channels * height * width;
        if ((long) labels.length * per != images.length) {
            throw new IllegalArgumentException("LabelledImages: " + labels.length + " labels need " + labels.length * per
                    + " pixels of shape [" + channels + ", " + height + ", " + width + "] but images has " + images.length);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classNames.size()) {
                throw new IllegalArgumentException("LabelledImages: label " + labels[i] + " of image " + i
                        + " is outside [0, " + classNames.size() + ")");
            }
        }
    }

    /** Number of images. */
    public int size() {
        return labels.length;
    }

    /** Number of floats per image, C*H*W. */
    public int imageSize() {
        return channels * height * width;
    }

    /** Number of classes. */
    public int classCount() {
        return classNames.size();
    }

    /** The shape of one image, [C, H, W]. */
    public int[] imageShape() {
        return new int[] {channels, height, width};
    }

    /** A copy of image {@code i}. */
    public float[] image(int i) {
        int n = imageSize();
        return Arrays.copyOfRange(images, i * n, (i + 1) * n);
    }

    /** A new dataset holding the images at {@code indices}, in that order (copies the pixels). */
    public LabelledImages subset(int[] indices) {
        int n = imageSize();
        float[] px = new float[Math.multiplyExact(indices.length, n)];
        int[] lb = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            System.arraycopy(images, indices[k] * n, px, k * n, n);
            lb[k] = labels[indices[k]];
        }
        return new LabelledImages(px, lb, channels, height, width, classNames);
    }

    /** The first {@code count} images (handy for quick runs and tests). */
    public LabelledImages head(int count) {
        int[] idx = new int[Math.min(count, size())];
        Arrays.setAll(idx, i -> i);
        return subset(idx);
    }

    @Override
    public String toString() {
        return "LabelledImages[" + size() + " x [" + channels + ", " + height + ", " + width + "], "
                + classCount() + " classes]";
    }
}
