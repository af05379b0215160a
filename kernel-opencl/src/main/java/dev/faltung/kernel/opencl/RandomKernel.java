package dev.faltung.kernel.opencl;

import com.aparapi.Kernel;

/**
 * {@link dev.faltung.kernel.random.CounterRandom} on the device: element {@code i} hashes counter
 * {@code offset + i} with the SplitMix64 finaliser in 64-bit integer arithmetic, so it draws the
 * very bits the host draws. {@code stream} is the host's {@code mix(seed·φ + c)}, computed once.
 * Uniform mode maps the top 53 bits to a double in [0, 1) exactly as the host does; Bernoulli
 * mode compares those 53 bits with an integer threshold ({@code u < p ⟺ m < ⌈p·2^53⌉}), which is
 * exact and needs no double arithmetic.
 */
final class RandomKernel extends Kernel {

    float[] out = new float[1];
    int size;
    long stream;
    long offset;
    int bernoulli;
    long threshold;
    double lo;
    double span;

    @Override
    public void run() {
        int i = getGlobalId();
        if (i < size) {
            long z = stream + (offset + i + 1) * 0x9E3779B97F4A7C15L;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            long m = (z ^ (z >>> 31)) >>> 11;
            if (bernoulli == 1) {
                float keep = 0f;
                if (m < threshold) {
                    keep = 1f;
                }
                out[i] = keep;
            } else {
                out[i] = (float) (lo + span * ((double) m * 1.1102230246251565E-16));
            }
        }
    }
}
