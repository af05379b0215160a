package dev.faltung.nn.data;

import java.util.Arrays;
import java.util.List;

/**
 * An in-memory labelled image dataset: {@code n} images of shape [channels, height, width]
 * in [N, C, H, W] order with pixel values in [0, 1], one integer label per image in
 * [0, classNames.size()). Normalisation by mean and std happens in the loader.
 *
 * <p>Pixels are kept as floats, or, for datasets that come as 8-bit images (the IDX files of
 * the MNIST family), as the bytes themselves ({@link #ofBytes}): a quarter of the memory, and
 * each read gives {@code (b & 0xFF) / 255f}, the same float a conversion up front would. The
 * arrays are shared, not copied: treat them as read-only.
 */
public final class LabelledImages {

    private final float[] floats;
    private final byte[] bytes;
    private final int[] labels;
    private final int channels;
    private final int height;
    private final int width;
    private final List<String> classNames;

    /** Float pixels {@code images} [N, C, H, W], values in [0, 1]. */
    public LabelledImages(float[] images, int[] labels, int channels, int height, int width, List<String> classNames) {
        this(images, null, labels, channels, height, width, classNames);
    }

    /** 8-bit pixels {@code pixels} [N, C, H, W] (unsigned: 0 is black, 255 is white), stored as they are. */
    public static LabelledImages ofBytes(byte[] pixels, int[] labels, int channels, int height, int width,
                                         List<String> classNames) {
        return new LabelledImages(null, pixels, labels, channels, height, width, classNames);
    }

    /** Checks that the arrays agree with the geometry and that every label names a class. */
    private LabelledImages(float[] floats, byte[] bytes, int[] labels, int channels, int height, int width,
                           List<String> classNames) {
        this.classNames = List.copyOf(classNames);
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("LabelledImages: bad image shape [" + channels + ", " + height + ", " + width + "]");
        }
        long per = (long) channels * height * width;
        int pixels = floats != null ? floats.length : bytes.length;
        if ((long) labels.length * per != pixels) {
            throw new IllegalArgumentException("LabelledImages: " + labels.length + " labels need " + labels.length * per
                    + " pixels of shape [" + channels + ", " + height + ", " + width + "] but images has " + pixels);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= this.classNames.size()) {
                throw new IllegalArgumentException("LabelledImages: label " + labels[i] + " of image " + i
                        + " is outside [0, " + this.classNames.size() + ")");
            }
        }
        this.floats = floats;
        this.bytes = bytes;
        this.labels = labels;
        this.channels = channels;
        this.height = height;
        this.width = width;
    }

    /** The labels, one per image (shared: do not modify). */
    public int[] labels() {
        return labels;
    }

    public int channels() {
        return channels;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    public List<String> classNames() {
        return classNames;
    }

    /**
     * All pixels as floats [N, C, H, W]: the stored array when the dataset holds floats (shared:
     * do not modify), a new array when it holds bytes. Prefer {@link #copyImage} for one image.
     */
    public float[] images() {
        if (floats != null) {
            return floats;
        }
        float[] all = new float[bytes.length];
        for (int i = 0; i < all.length; i++) all[i] = (bytes[i] & 0xFF) / 255f;
        return all;
    }

    /** Copies image {@code i} into {@code dst} from {@code offset} on. */
    public void copyImage(int i, float[] dst, int offset) {
        int n = imageSize();
        int from = Math.multiplyExact(i, n);
        if (floats != null) {
            System.arraycopy(floats, from, dst, offset, n);
        } else {
            for (int k = 0; k < n; k++) dst[offset + k] = (bytes[from + k] & 0xFF) / 255f;
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
        float[] img = new float[imageSize()];
        copyImage(i, img, 0);
        return img;
    }

    /** A new dataset holding the images at {@code indices}, in that order (copies the pixels). */
    public LabelledImages subset(int[] indices) {
        int n = imageSize();
        int total = Math.multiplyExact(indices.length, n);
        float[] fs = floats != null ? new float[total] : null;
        byte[] bs = bytes != null ? new byte[total] : null;
        int[] lb = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            if (fs != null) {
                System.arraycopy(floats, indices[k] * n, fs, k * n, n);
            } else {
                System.arraycopy(bytes, indices[k] * n, bs, k * n, n);
            }
            lb[k] = labels[indices[k]];
        }
        return new LabelledImages(fs, bs, lb, channels, height, width, classNames);
    }

    /**
     * The same images and labels under other class names (sharing the arrays): for evaluating a
     * model on a dataset whose labels use some or all of the model's classes. Throws if a label
     * does not index {@code names}.
     */
    public LabelledImages withClassNames(List<String> names) {
        return new LabelledImages(floats, bytes, labels, channels, height, width, names);
    }

    /** The first {@code count} images (handy for quick runs and tests); this dataset itself when it has no more. */
    public LabelledImages head(int count) {
        if (count >= size()) {
            return this; // immutable: no need for a copy
        }
        int[] idx = new int[Math.min(count, size())];
        Arrays.setAll(idx, i -> i);
        return subset(idx);
    }

    @Override
    public String toString() {
        return "LabelledImages[" + size() + " x [" + channels + ", " + height + ", " + width + "], "
                + classCount() + " classes" + (bytes != null ? ", 8-bit" : "") + "]";
    }
}
