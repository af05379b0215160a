package dev.faltung.nn.io;

import dev.faltung.nn.data.Image;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads images for {@code predict} — PNG, JPEG, GIF, BMP through ImageIO and PGM (P2 text and P5
 * binary, 8 or 16 bit) through its own parser — as [C, H, W] floats in [0, 1]; writes PNG atomically.
 * Grayscale files give 1 channel, colour files 3 (alpha is dropped).
 */
public final class ImageFiles {

    static {
        System.setProperty("java.awt.headless", "true");
    }

    /** PGM images larger than this many pixels are refused rather than allocated. */
    static final long MAX_PIXELS = 1L << 28;

    private ImageFiles() {
    }

    /** Reads an image file, choosing the decoder by content (PGM by its P2/P5 magic). */
    public static Image read(Path file) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(2);
        }
        if (head.length == 2 && head[0] == 'P' && (head[1] == '2' || head[1] == '5')) {
            return readPgm(file);
        }
        BufferedImage img = ImageIO.read(file.toFile());
        if (img == null) {
            throw new MalformedFileException(file, "not an image this program can read (PNG, JPEG, GIF, BMP, PGM P2/P5)");
        }
        return fromBufferedImage(img);
    }

    /**
     * Reads an image and fits it to a model input: converted to {@code channels} (1 = luma,
     * 3 = RGB) and resized bilinearly to {@code height x width}.
     */
    public static Image readAs(Path file, int channels, int height, int width) throws IOException {
        return read(file).toChannels(channels).resize(height, width);
    }

    /** Converts an AWT image: 1 channel if it is grayscale, else 3 (sRGB). */
    public static Image fromBufferedImage(BufferedImage img) {
        int h = img.getHeight();
        int w = img.getWidth();
        boolean gray = img.getColorModel().getColorSpace().getNumComponents() == 1;
        int c = gray ? 1 : 3;
        float[] px = new float[c * h * w];
        if (gray) {
            var raster = img.getRaster();
            double max = (1 << img.getColorModel().getComponentSize(0)) - 1;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) px[y * w + x] = (float) (raster.getSample(x, y, 0) / max);
            }
        } else {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int rgb = img.getRGB(x, y);
                    px[y * w + x] = ((rgb >> 16) & 0xFF) / 255f;
                    px[h * w + y * w + x] = ((rgb >> 8) & 0xFF) / 255f;
                    px[2 * h * w + y * w + x] = (rgb & 0xFF) / 255f;
                }
            }
        }
        return new Image(c, h, w, px);
    }

    /** Reads a Netpbm graymap: P2 (ASCII) or P5 (binary, 1 byte per sample, or 2 big-endian if maxval > 255). */
    public static Image readPgm(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int[] pos = {2};
        if (bytes.length < 2 || bytes[0] != 'P' || (bytes[1] != '2' && bytes[1] != '5')) {
            throw new MalformedFileException(file, "not a PGM file (expected magic P2 or P5)");
        }
        boolean binary = bytes[1] == '5';
        long w = headerInt(bytes, pos, file, "width");
        long h = headerInt(bytes, pos, file, "height");
        long max = headerInt(bytes, pos, file, "maxval");
        if (w < 1 || h < 1 || w * h > MAX_PIXELS) {
            throw new MalformedFileException(file, "PGM size " + w + "x" + h + " is empty or above " + MAX_PIXELS + " pixels");
        }
        if (max < 1 || max > 65535) {
            throw new MalformedFileException(file, "PGM maxval " + max + " is not in [1, 65535]");
        }
        int n = (int) (w * h);
        float[] px = new float[n];
        if (binary) {
            int start = pos[0] + 1; // exactly one whitespace byte separates maxval from the raster
            int width = max > 255 ? 2 : 1;
            if ((long) bytes.length - start < (long) n * width) {
                throw new MalformedFileException(file, "truncated PGM raster: " + w + "x" + h + " needs " + (long) n * width
                        + " bytes, file has " + Math.max(0, bytes.length - start));
            }
            for (int i = 0; i < n; i++) {
                int v = width == 1 ? bytes[start + i] & 0xFF
                        : ((bytes[start + 2 * i] & 0xFF) << 8) | (bytes[start + 2 * i + 1] & 0xFF);
                px[i] = sample(v, max, file, i);
            }
        } else {
            for (int i = 0; i < n; i++) {
                px[i] = sample(headerInt(bytes, pos, file, "sample " + i), max, file, i);
            }
        }
        return new Image(1, (int) h, (int) w, px);
    }

    private static float sample(long v, long max, Path file, int i) throws MalformedFileException {
        if (v > max) {
            throw new MalformedFileException(file, "PGM sample " + i + " is " + v + ", above maxval " + max);
        }
        return (float) ((double) v / max);
    }

    /** The next decimal integer of a Netpbm header, skipping whitespace and '#' comments. */
    private static long headerInt(byte[] b, int[] pos, Path file, String what) throws MalformedFileException {
        int p = pos[0];
        while (p < b.length) {
            if (b[p] == '#') {
                while (p < b.length && b[p] != '\n' && b[p] != '\r') p++;
            } else if (Character.isWhitespace(b[p])) {
                p++;
            } else {
                break;
            }
        }
        long v = 0;
        int start = p;
        while (p < b.length && b[p] >= '0' && b[p] <= '9') {
            v = v * 10 + (b[p] - '0');
            if (v > Integer.MAX_VALUE) {
                throw new MalformedFileException(file, "PGM " + what + " is absurdly large");
            }
            p++;
        }
        if (p == start) {
            throw new MalformedFileException(file, "PGM " + what + " missing or not a number"
                    + (p < b.length ? " at byte " + p : " (truncated)"));
        }
        pos[0] = p;
        return v;
    }

    /** Atomically writes {@code image} (values clamped to [0, 1]) as an 8-bit grayscale or RGB PNG. */
    public static void writePng(Path file, Image image) throws IOException {
        int h = image.height();
        int w = image.width();
        int hw = h * w;
        float[] px = image.pixels();
        BufferedImage out;
        if (image.channels() == 1) {
            out = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
            var raster = out.getRaster();
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) raster.setSample(x, y, 0, toByte(px[y * w + x]));
            }
        } else if (image.channels() == 3) {
            out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int i = y * w + x;
                    out.setRGB(x, y, (toByte(px[i]) << 16) | (toByte(px[hw + i]) << 8) | toByte(px[2 * hw + i]));
                }
            }
        } else {
            throw new IllegalArgumentException("ImageFiles.writePng: needs 1 or 3 channels, got " + image.channels());
        }
        writePng(file, out);
    }

    /** Atomically writes an AWT image as PNG. */
    public static void writePng(Path file, BufferedImage image) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        if (!ImageIO.write(image, "png", bos)) {
            throw new IOException("ImageFiles.writePng: no PNG writer available for " + file);
        }
        AtomicFile.write(file, bos.toByteArray());
    }

    /** Writes a binary PGM (P5, 8-bit) of a 1-channel image, atomically. */
    public static void writePgm(Path file, Image image) throws IOException {
        if (image.channels() != 1) {
            throw new IllegalArgumentException("ImageFiles.writePgm: needs 1 channel, got " + image.channels());
        }
        byte[] header = ("P5\n" + image.width() + " " + image.height() + "\n255\n").getBytes(StandardCharsets.US_ASCII);
        AtomicFile.write(file, out -> {
            out.write(header);
            for (float v : image.pixels()) out.write(toByte(v));
        });
    }

    private static int toByte(float v) {
        return (int) Math.round(Math.clamp(v, 0f, 1f) * 255.0);
    }
}
