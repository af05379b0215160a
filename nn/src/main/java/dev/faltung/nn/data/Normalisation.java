package dev.faltung.nn.data;

import java.util.Arrays;

/** Per-channel standardisation x' = (x - mean[c]) / std[c], with statistics fitted on training data. */
public record Normalisation(float[] mean, float[] std) {

    /** Checks that mean and std have one entry per channel, all finite, each std positive. */
    public Normalisation {
        if (mean.length != std.length || mean.length == 0) {
            throw new IllegalArgumentException("Normalisation: mean " + Arrays.toString(mean) + " and std "
                    + Arrays.toString(std) + " need one entry per channel");
        }
        for (float s : std) {
            // 1/std must be finite too: a subnormal std would turn every pixel into infinity.
            if (!(s > 0) || !Float.isFinite(1f / s) || !Float.isFinite(s)) {
                throw new IllegalArgumentException("Normalisation: std " + Arrays.toString(std)
                        + " must be positive and finite, and so must its reciprocal");
            }
        }
        for (float m : mean) {
            if (!Float.isFinite(m)) {
                throw new IllegalArgumentException("Normalisation: mean " + Arrays.toString(mean) + " must be finite");
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    /** Per-channel mean and population std of a dataset's pixels, accumulated in double; a constant channel gets std 1. */
    public static Normalisation fit(LabelledImages data) {
        int c = data.channels();
        int hw = data.height() * data.width();
        double[] sum = new double[c];
        double[] sq = new double[c];
        float[] px = new float[data.imageSize()];
        for (int n = 0; n < data.size(); n++) {
            data.copyImage(n, px, 0);
            for (int k = 0; k < c; k++) {
                int o = k * hw;
                for (int i = 0; i < hw; i++) {
                    double v = px[o + i];
                    sum[k] += v;
                    sq[k] += v * v;
                }
            }
        }
        float[] mean = new float[c];
        float[] std = new float[c];
        double count = (double) data.size() * hw;
        for (int k = 0; k < c; k++) {
            double m = count == 0 ? 0 : sum[k] / count;
            double var = count == 0 ? 0 : Math.max(0, sq[k] / count - m * m);
            mean[k] = (float) m;
            std[k] = var > 1e-12 ? (float) Math.sqrt(var) : 1f;
        }
        return new Normalisation(mean, std);
    }

    /** The identity for {@code channels} channels. */
    public static Normalisation identity(int channels) {
        float[] zero = new float[channels];
        float[] one = new float[channels];
        Arrays.fill(one, 1f);
        return new Normalisation(zero, one);
    }

    /** Normalises {@code images} ([N, C, H*W] contiguous) in place. */
    public void apply(float[] images, int channels, int pixelsPerChannel) {
        if (channels != mean.length) {
            throw new IllegalArgumentException("Normalisation.apply: fitted for " + mean.length + " channels, got " + channels);
        }
        int per = channels * pixelsPerChannel;
        for (int o = 0; o < images.length; o += per) {
            for (int k = 0; k < channels; k++) {
                float m = mean[k];
                float inv = 1f / std[k];
                int base = o + k * pixelsPerChannel;
                for (int i = 0; i < pixelsPerChannel; i++) {
                    images[base + i] = (images[base + i] - m) * inv;
                }
            }
        }
    }
}
