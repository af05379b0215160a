package dev.faltung.kernel.opencl;

import com.aparapi.Kernel;

/** For each {@code (o, i)} of {@code [outer, dim, inner]}, the first index along {@code dim} of the maximum; one item per pair. */
final class ArgmaxKernel extends Kernel {

    float[] x = new float[1];
    int[] out = new int[1];
    int outer;
    int dim;
    int inner;

    @Override
    public void run() {
        int id = getGlobalId();
        if (id < outer * inner) {
            int o = id / inner;
            int i = id % inner;
            int base = o * dim * inner + i;
            float best = x[base];
            int at = 0;
            for (int j = 1; j < dim; j++) {
                float v = x[base + j * inner];
                if (v > best) {
                    best = v;
                    at = j;
                }
            }
            out[id] = at;
        }
    }
}
