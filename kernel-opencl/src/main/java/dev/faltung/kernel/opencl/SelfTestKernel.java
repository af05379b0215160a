package dev.faltung.kernel.opencl;

import com.aparapi.Kernel;

/**
 * The start-up probe: exercises what the real kernels rely on (float arithmetic, a guarded
 * padded range, 64-bit integer mixing with unsigned shifts, local memory and a barrier) on a
 * size that is not a multiple of the work-group.
 */
final class SelfTestKernel extends Kernel {

    float[] x = new float[1];
    float[] y = new float[1];
    long[] bits = new long[1];
    int size;
    long seed;

    @Local final float[] staged = new float[Launcher.GROUP];

    @Override
    public void run() {
        int i = getGlobalId();
        int l = getLocalId();
        float v = 0f;
        if (i < size) {
            v = x[i];
        }
        staged[l] = v;
        localBarrier();
        // Each item also reads its mirror in the group: wrong without a working barrier.
        float mirror = staged[getLocalSize() - 1 - l];
        if (i < size) {
            y[i] = 3f * v + 0.5f * mirror;
            long z = seed + (long) (i + 1) * 0x9E3779B97F4A7C15L;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            bits[i] = z ^ (z >>> 31);
        }
    }
}
