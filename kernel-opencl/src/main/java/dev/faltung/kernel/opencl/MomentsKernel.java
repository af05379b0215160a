package dev.faltung.kernel.opencl;

import com.aparapi.Kernel;

/**
 * Per-channel mean and biased variance of {@code [outer, channels, inner]}, one item per
 * channel, two passes (mean, then squared deviations) with Kahan-compensated float sums in
 * place of the reference's double accumulators.
 */
final class MomentsKernel extends Kernel {

    float[] x = new float[1];
    float[] mean = new float[1];
    float[] var = new float[1];
    int outer;
    int channels;
    int inner;

    @Override
    public void run() {
        int ch = getGlobalId();
        if (ch < channels) {
            float sum = 0f;
            float comp = 0f;
            for (int o = 0; o < outer; o++) {
                int base = (o * channels + ch) * inner;
                for (int i = 0; i < inner; i++) {
                    float yk = x[base + i] - comp;
                    float t = sum + yk;
                    comp = (t - sum) - yk;
                    sum = t;
                }
            }
            float count = (float) (outer * inner);
            float mu = sum / count;
            sum = 0f;
            comp = 0f;
            for (int o = 0; o < outer; o++) {
                int base = (o * channels + ch) * inner;
                for (int i = 0; i < inner; i++) {
                    float d = x[base + i] - mu;
                    float yk = d * d - comp;
                    float t = sum + yk;
                    comp = (t - sum) - yk;
                    sum = t;
                }
            }
            mean[ch] = mu;
            var[ch] = sum / count;
        }
    }
}
