package dev.faltung.kernel.opencl;

import com.aparapi.Kernel;

/**
 * Softmax or log-softmax along the middle axis of {@code [outer, dim, inner]}, forward or
 * backward, one item per {@code (o, i)} row. Forward subtracts the row maximum before
 * exponentiating. Backward, with {@code y} the forward output:
 * softmax {@code dx = y·(dy - Σ dy·y)}, log-softmax {@code dx = dy - e^y·Σ dy}.
 */
final class SoftmaxKernel extends Kernel {

    float[] x = new float[1];
    float[] dy = new float[1];
    float[] out = new float[1];
    int outer;
    int dim;
    int inner;
    int logMode;
    int backward;

    @Override
    public void run() {
        int id = getGlobalId();
        if (id < outer * inner) {
            int base = id / inner * dim * inner + id % inner;
            if (backward == 0) {
                float m = x[base];
                for (int j = 1; j < dim; j++) {
                    m = max(m, x[base + j * inner]);
                }
                float sum = 0f;
                for (int j = 0; j < dim; j++) {
                    sum += exp(x[base + j * inner] - m);
                }
                float logSum = log(sum);
                for (int j = 0; j < dim; j++) {
                    int at = base + j * inner;
                    if (logMode == 1) {
                        out[at] = x[at] - m - logSum;
                    } else {
                        out[at] = exp(x[at] - m) / sum;
                    }
                }
            } else {
                float dot = 0f;
                for (int j = 0; j < dim; j++) {
                    int at = base + j * inner;
                    if (logMode == 1) {
                        dot += dy[at];
                    } else {
                        dot += dy[at] * x[at];
                    }
                }
                for (int j = 0; j < dim; j++) {
                    int at = base + j * inner;
                    if (logMode == 1) {
                        out[at] = dy[at] - exp(x[at]) * dot;
                    } else {
                        out[at] = x[at] * (dy[at] - dot);
                    }
                }
            }
        }
    }
}
