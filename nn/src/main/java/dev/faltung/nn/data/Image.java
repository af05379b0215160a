package dev.faltung.nn.data;

/**
 * One image as floats in [C, H, W] order, values nominally in [0, 1]. Provides the conversions
 * {@code predict} needs: to grayscale or RGB, and bilinear resizing to a model's input size.
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
     * Bilinear resize to {@code h x w} with pixel centres aligned (align_corners=False, as in
     * PyTorch's interpolate): output pixel centre y maps to input coordinate (y + 0.5) * H/h - 0.5,
     * clamped to the border. Downscaling by large factors aliases; models here take small inputs.
     */
    public Image resize(int h, int w) {
        if (h < 1 || w < 1) {
            throw new IllegalArgumentException("Image.resize: bad target size " + h + "x" + w);
        }
        if (h == height && w == width) return this;
        float[] out = new float[channels * h * w];
        double fy = (double) height / h;
        double fx = (double) width / w;
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < h; y++) {
                double sy = Math.clamp((y + 0.5) * fy - 0.5, 0, height - 1);
                for (int x = 0; x < w; x++) {
                    double sx = Math.clamp((x + 0.5) * fx - 0.5, 0, width - 1);
                    out[(c * h + y) * w + x] = bilinear(pixels, c, height, width, sy, sx, 0f);
                }
            }
        }
        return new Image(channels, h, w, out);
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
