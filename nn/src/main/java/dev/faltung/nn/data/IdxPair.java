package dev.faltung.nn.data;

import dev.faltung.nn.io.IdxFile;
import dev.faltung.nn.io.MalformedFileException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * One images file and its labels file of an MNIST-style dataset, read and checked against each
 * other: {@code n} 8-bit images as bytes in [N, C, H, W] order and {@code n} non-negative labels.
 *
 * <p>Images are unsigned bytes of shape [N, H, W] (grayscale, as MNIST and its kin), or
 * [N, H, W, C] (channels last, as numpy and image libraries store colour pictures) or
 * [N, C, H, W] (channels first) with C = 1 or 3; a shape that fits both readings, such as
 * [N, 3, 8, 3], is read as channels last. Labels are integers of shape [N]: unsigned bytes as in
 * MNIST, or signed bytes, shorts or ints for datasets with more than 256 classes, each in
 * [0, {@link #MAX_CLASSES}).
 */
record IdxPair(byte[] pixels, int[] labels, int channels, int height, int width) {

    /** More classes than this is not a classification dataset a CNN here could train on. */
    static final int MAX_CLASSES = 1 << 16;

    /** Reads and cross-checks the two files; every exception names the offending file. */
    static IdxPair read(Path imagesFile, Path labelsFile) throws IOException {
        IdxFile.Contents images = IdxFile.read(imagesFile);
        IdxFile.Contents labels = IdxFile.read(labelsFile);
        int[] s = images.shape();
        if (images.type() != IdxFile.Type.UBYTE || s.length < 3 || s.length > 4) {
            throw new MalformedFileException(imagesFile, "expected unsigned-byte images of shape [N, H, W], "
                    + "[N, H, W, C] or [N, C, H, W] with C = 1 or 3, got " + images.type() + " " + Arrays.toString(s));
        }
        int n = s[0];
        int c;
        int h;
        int w;
        boolean channelsLast;
        if (s.length == 3) {
            c = 1;
            h = s[1];
            w = s[2];
            channelsLast = true;
        } else if (s[3] == 1 || s[3] == 3) {
            c = s[3];
            h = s[1];
            w = s[2];
            channelsLast = true;
        } else if (s[1] == 1 || s[1] == 3) {
            c = s[1];
            h = s[2];
            w = s[3];
            channelsLast = false;
        } else {
            throw new MalformedFileException(imagesFile, "4-D images " + Arrays.toString(s) + " have neither 1 nor 3 "
                    + "channels first or last; expected [N, H, W, C] or [N, C, H, W] with C = 1 or 3");
        }
        if (h < 1 || w < 1) {
            throw new MalformedFileException(imagesFile, "images of shape " + Arrays.toString(s) + " have no pixels");
        }
        if (n == 0) {
            throw new MalformedFileException(imagesFile, "holds no images (shape " + Arrays.toString(s) + ")");
        }
        if (labels.shape().length != 1 || !isInteger(labels.type())) {
            throw new MalformedFileException(labelsFile, "expected integer labels of shape [N], got "
                    + labels.type() + " " + Arrays.toString(labels.shape()));
        }
        if (labels.shape()[0] != n) {
            throw new MalformedFileException(labelsFile, "has " + labels.shape()[0] + " labels but " + imagesFile
                    + " has " + n + " images");
        }
        int[] lb = new int[n];
        for (int i = 0; i < n; i++) {
            double v = labels.get(i);
            if (v < 0 || v >= MAX_CLASSES) {
                throw new MalformedFileException(labelsFile, "label " + (long) v + " at index " + i + " is outside [0, "
                        + MAX_CLASSES + ")");
            }
            lb[i] = (int) v;
        }
        byte[] pixels = channelsLast && c > 1 ? channelsFirst(images.data(), n, h * w, c) : images.data();
        return new IdxPair(pixels, lb, c, h, w);
    }

    /** One more than the largest label: the class count the labels imply. */
    int impliedClasses() {
        int max = -1;
        for (int l : labels) max = Math.max(max, l);
        return max + 1;
    }

    /** The images in the engine's [N, C, H, W] layout. */
    private static byte[] channelsFirst(byte[] hwc, int n, int hw, int c) {
        byte[] chw = new byte[hwc.length];
        for (int i = 0; i < n; i++) {
            int base = i * hw * c;
            for (int p = 0; p < hw; p++) {
                for (int k = 0; k < c; k++) {
                    chw[base + k * hw + p] = hwc[base + p * c + k];
                }
            }
        }
        return chw;
    }

    private static boolean isInteger(IdxFile.Type t) {
        return t == IdxFile.Type.UBYTE || t == IdxFile.Type.BYTE || t == IdxFile.Type.SHORT || t == IdxFile.Type.INT;
    }
}
