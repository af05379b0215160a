package dev.faltung.nn.io;

import dev.faltung.nn.data.Image;

import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * Reads images for {@code predict} — PNG, JPEG, GIF, BMP (and whatever else ImageIO has a reader
 * for) and Netpbm PGM/PPM (P2, P3, P5, P6; 8 or 16 bit) through its own parser — as [C, H, W]
 * floats in [0, 1]; writes PNG atomically. Grayscale files give 1 channel, colour and palette
 * files 3; alpha is ignored, as PIL's {@code convert("L")} and torchvision's {@code read_image}
 * ignore it. Every failure names the file; a truncated or corrupt file is an error, never a
 * partly grey image.
 *
 * <p>Image sizes are read before any pixel: images above {@link #MAX_PIXELS} are refused, and
 * {@link #readAs} decodes large images subsampled, at no less than four times the size it needs,
 * so a photograph fed to a 28x28 model costs kilobytes, not a gigabyte.
 */
public final class ImageFiles {

    static {
        System.setProperty("java.awt.headless", "true");
    }

    /** Images with more pixels than this (16384x16384) are refused before decoding. */
    static final long MAX_PIXELS = 1L << 28;

    /** Decoded images hold at most this many pixels (5792x5792); larger ones are read subsampled or refused. */
    static final long MAX_DECODED_PIXELS = 1L << 25;

    private static final String FORMATS = "PNG, JPEG, GIF, BMP, PGM/PPM P2/P3/P5/P6";

    private ImageFiles() {
    }

    /** Reads an image file at full size, choosing the decoder by content (PGM/PPM by its magic). */
    public static Image read(Path file) throws IOException {
        return decode(file, 0, 0);
    }

    /**
     * Reads an image and fits it to a model input: converted to {@code channels} (1 = luma,
     * 3 = RGB) and resized to {@code height x width} with {@link Image#resize} (stretched, not
     * cropped: area averaging where it shrinks, bilinear where it grows).
     */
    public static Image readAs(Path file, int channels, int height, int width) throws IOException {
        return decode(file, height, width).toChannels(channels).resize(height, width);
    }

    /**
     * Decodes {@code file}; with a target size, an image at least four times larger in both
     * directions is subsampled while decoding (every s-th pixel of every s-th row).
     */
    private static Image decode(Path file, int targetHeight, int targetWidth) throws IOException {
        if (Files.isDirectory(file)) {
            throw new MalformedFileException(file, "is a directory, not an image file");
        }
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such image file");
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(2);
        }
        if (Netpbm.isNetpbm(head)) {
            return Netpbm.read(file, (h, w) -> step(h, w, targetHeight, targetWidth, file));
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new MalformedFileException(file, "not an image this program can read (" + FORMATS + ")");
            }
            ImageReader reader = readers.next();
            String format = reader.getFormatName().toUpperCase(Locale.ROOT);
            List<String> warnings = new ArrayList<>();
            try {
                reader.setInput(in, true, true);
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                int w = reader.getWidth(0);
                int h = reader.getHeight(0);
                int step = step(h, w, targetHeight, targetWidth, file);
                ImageReadParam param = reader.getDefaultReadParam();
                if (step > 1) {
                    param.setSourceSubsampling(step, step, 0, 0);
                }
                BufferedImage img = reader.read(0, param);
                for (String warning : warnings) {
                    String lower = warning.toLowerCase(Locale.ROOT);
                    if (lower.contains("truncated") || lower.contains("premature end")) {
                        throw new MalformedFileException(file, "truncated " + format + " image: " + warning);
                    }
                }
                return fromBufferedImage(img);
            } catch (MalformedFileException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                // ImageIO's messages ("Error reading PNG image data") name neither the file nor the cause.
                String cause = e.getCause() != null && e.getCause().getMessage() != null
                        ? " (" + e.getCause().getMessage() + ")" : "";
                throw new MalformedFileException(file, "cannot decode this " + format + " image: " + e.getMessage()
                        + cause, e);
            } finally {
                reader.dispose();
            }
        }
    }

    /** The subsampling step for an h x w image and a target size (0 x 0: full size); refuses oversized images. */
    private static int step(long h, long w, int targetHeight, int targetWidth, Path file) throws IOException {
        if (h < 1 || w < 1 || h * w > MAX_PIXELS) {
            throw new MalformedFileException(file, "image size " + w + "x" + h + " is empty or above " + MAX_PIXELS
                    + " pixels");
        }
        long step = 1;
        if (targetHeight > 0 && targetWidth > 0) {
            step = Math.max(1, Math.min(h / (4L * targetHeight), w / (4L * targetWidth)));
        }
        while ((h + step - 1) / step * ((w + step - 1) / step) > MAX_DECODED_PIXELS) {
            if (targetHeight == 0) {
                throw new MalformedFileException(file, "image size " + w + "x" + h + " is above the "
                        + MAX_DECODED_PIXELS + " pixels read at full size");
            }
            step++;
        }
        return (int) step;
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

    /** Reads a Netpbm graymap or pixmap (P2, P3, P5, P6) at full size. */
    public static Image readPgm(Path file) throws IOException {
        return Netpbm.read(file, (h, w) -> step(h, w, 0, 0, file));
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
