package dev.faltung.nn.layers;

import dev.faltung.kernel.pool.PoolGeometry;
import java.util.Arrays;

/** Window, stride and padding of a 2-D pooling layer, with PyTorch's output-size rule (see {@link PoolGeometry}). */
record PoolSpec(int kernelH, int kernelW, int strideH, int strideW, int padH, int padW, boolean ceilMode) {

    PoolSpec {
        if (kernelH <= 0 || kernelW <= 0 || strideH <= 0 || strideW <= 0 || padH < 0 || padW < 0) {
            throw new IllegalArgumentException("pool: kernel " + kernelH + "x" + kernelW + " and stride " + strideH
                    + "x" + strideW + " must be positive, padding " + padH + "x" + padW + " non-negative");
        }
    }

    int[] kernel() {
        return new int[] {kernelH, kernelW};
    }

    int[] stride() {
        return new int[] {strideH, strideW};
    }

    int[] padding() {
        return new int[] {padH, padW};
    }

    int[] outputShape(Layer layer, int[] s, boolean countIncludePad) {
        Layer.requireShape(layer, s, 4, -1);
        try {
            return new PoolGeometry(s[0], s[1], s[2], s[3], kernelH, kernelW, strideH, strideW, padH, padW, ceilMode,
                    countIncludePad).outputShape();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(layer + " on input " + Arrays.toString(s) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "kernel=" + kernelH + "x" + kernelW + ", stride=" + strideH + "x" + strideW
                + (padH != 0 || padW != 0 ? ", padding=" + padH + "x" + padW : "") + (ceilMode ? ", ceil" : "");
    }
}
