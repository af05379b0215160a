package dev.faltung.nn.data;

/**
 * One image as floats in [C, H, W] order, values nominally in [0, 1]. Provides the conversions
 * {@code predict} needs: to grayscale or RGB, and resizing to a model's input size.
 */
public record Image(int channels, int height, int width, float[] pixels) {

    /** Checks that the pixel array matches the shape. */
    public Image {
        if (channels < 1 || height < 1 || width < 1 || (long) channels * height * width != pixels.length) {
            throw new IllegalArgumentException("Image: shape [" + channels + ", " + height + ", " + width
                    + "] does not match " + pixels.length + " pixels");
        }
    }

    /** This image with {@code c} channels: 1 = luma (ITU-R BT.601 weights), 3 = RGB (gray replicated). */
    public Image toChannels(int c) {
        if (c == channels) return this;
        int hw = height * width;
        if (c == 1 && channels == 3) {
            float[] g = new float[hw];
            for (int i = 0; i < hw; i++) {
                g[i] = 0.299f * pixels[i] + 0.587f * pixels[hw + i] + 0.114f * pixels[2 * hw + i];
            }
            return new Image(1, height, width, g);
        }
        if (c == 3 && channels == 1) {
            float[] rgb = new float[3 * hw];
            for (int k = 0; k < 3; k++) System.arraycopy(pixels, 0, rgb, k * hw, hw);
            return new Image(3, height, width, rgb);
        }
        throw new IllegalArgumentException("Image.toChannels: cannot convert " + channels + " channels to " + c
                + " (supported: 1 <-> 3)");
    }

    /**
     * Resizes to {@code h x w}, each direction on its own: where it shrinks, each output pixel is
     * the mean of the input area it covers (OpenCV's INTER_AREA, PyTorch's {@code mode='area'}),
     * so thin strokes in a large drawing survive; where it grows, bilinear interpolation with
     * pixel centres aligned (align_corners=False, as in PyTorch's interpolate): output pixel
     * centre y maps to input coordinate (y + 0.5) * H/h - 0.5, clamped to the border. The aspect
     * ratio is not kept: an image is stretched to the model's input, as torchvision's
     * {@code Resize((h, w))} does.
     */
    public Image resize(int h, int w) {
        if (h < 1 || w < 1) {
            throw new IllegalArgumentException("Image.resize: bad target size " + h + "x" + w);
        }
        if (h == height && w == width) return this;
        Taps[] rows = taps(height, h);
        Taps[] cols = taps(width, w);
        float[] out = new float[channels * h * w];
        double[] line = new double[width];
        for (int c = 0; c < channels; c++) {
            int base = c * height * width;
            for (int y = 0; y < h; y++) {
                java.util.Arrays.fill(line, 0);
                Taps r = rows[y];
                for (int k = 0; k < r.index.length; k++) {
                    int from = base + r.index[k] * width;
                    for (int x = 0; x < width; x++) line[x] += r.weight[k] * pixels[from + x];
                }
                for (int x = 0; x < w; x++) {
                    Taps t = cols[x];
                    double v = 0;
                    for (int k = 0; k < t.index.length; k++) v += t.weight[k] * line[t.index[k]];
                    out[(c * h + y) * w + x] = (float) v;
                }
            }
        }
        return new Image(channels, h, w, out);
    }

    /** The input pixels one output pixel along an axis is made of, and their weights (summing to 1). */
    private record Taps(int[] index, double[] weight) {
    }

    /** For each of {@code n} output pixels along an axis of {@code size} input pixels, its taps. */
    private static Taps[] taps(int size, int n) {
        Taps[] taps = new Taps[n];
        double scale = (double) size / n;
        for (int o = 0; o < n; o++) {
            if (n < size) {
                // Area: output pixel o covers input interval [o·scale, (o+1)·scale).
                double lo = o * scale;
                double hi = lo + scale;
                int first = (int) Math.floor(lo);
                int last = Math.min(size - 1, (int) Math.ceil(hi) - 1);
                int[] index = new int[last - first + 1];
                double[] weight = new double[index.length];
                for (int i = first; i <= last; i++) {
                    index[i - first] = i;
                    weight[i - first] = (Math.min(hi, i + 1) - Math.max(lo, i)) / scale;
                }
                taps[o] = new Taps(index, weight);
            } else {
                double src = Math.clamp((o + 0.5) * scale - 0.5, 0, size - 1);
                int i0 = (int) Math.floor(src);
                double t = src - i0;
                taps[o] = i0 + 1 < size
                        ? new Taps(new int[] {i0, i0 + 1}, new double[] {1 - t, t})
                        : new Taps(new int[] {i0}, new double[] {1});
            }
        }
        return taps;
    }

    /**
     * The value of channel {@code c} at fractional position (y, x), interpolating the four
     * neighbouring pixels; pixels outside the image count as {@code outside}.
     */
    static float bilinear(float[] img, int c, int h, int w, double y, double x, float outside) {
        int y0 = (int) Math.floor(y);
        int x0 = (int) Math.floor(x);
        double ty = y - y0;
        double tx = x - x0;
        int base = c * h * w;
        double v00 = pixel(img, base, h, w, y0, x0, outside);
        double v01 = pixel(img, base, h, w, y0, x0 + 1, outside);
        double v10 = pixel(img, base, h, w, y0 + 1, x0, outside);
        double v11 = pixel(img, base, h, w, y0 + 1, x0 + 1, outside);
        return (float) ((1 - ty) * ((1 - tx) * v00 + tx * v01) + ty * ((1 - tx) * v10 + tx * v11));
    }

    private static double pixel(float[] img, int base, int h, int w, int y, int x, float outside) {
        return y < 0 || y >= h || x < 0 || x >= w ? outside : img[base + y * w + x];
    }
}
