package dev.faltung.kernel.opencl;

import com.aparapi.Kernel;

/**
 * Strided copy {@code dst[dstOffset + idx·dstStride] = src[srcOffset + idx·srcStride]} over every
 * index of {@code shape}, or, in fill mode, {@code dst[dstOffset + i] = value}.
 */
final class CopyKernel extends Kernel {

    float[] src = new float[1];
    float[] dst = new float[1];
    int[] shape = new int[1];
    int[] srcStride = new int[1];
    int[] dstStride = new int[1];
    int rank;
    int size;
    int srcOffset;
    int dstOffset;
    int fill;
    float value;

    @Override
    public void run() {
        int i = getGlobalId();
        if (i < size) {
            if (fill == 1) {
                dst[dstOffset + i] = value;
            } else {
                int rem = i;
                int s = srcOffset;
                int d = dstOffset;
                for (int axis = rank - 1; axis >= 0; axis--) {
                    int coord = rem % shape[axis];
                    rem = rem / shape[axis];
                    s += coord * srcStride[axis];
                    d += coord * dstStride[axis];
                }
                dst[d] = src[s];
            }
        }
    }
}
