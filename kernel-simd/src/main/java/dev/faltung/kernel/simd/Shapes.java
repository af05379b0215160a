package dev.faltung.kernel.simd;

import java.util.Arrays;

/** Small shape arithmetic shared by the kernels; pure functions, no Vector API. */
final class Shapes {

    private Shapes() {
    }

    static int size(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    /**
     * The strides with which an operand of {@code shape}, right-aligned against {@code outShape}
     * (NumPy broadcasting), is read for each output dimension: 0 where it is broadcast.
     */
    static int[] broadcastStrides(int[] shape, int[] outShape, String what) {
        int rank = outShape.length;
        if (shape.length > rank) {
            throw new IllegalArgumentException(what + ": shape " + Arrays.toString(shape)
                    + " has more dimensions than the output shape " + Arrays.toString(outShape));
        }
        int[] strides = new int[rank];
        int stride = 1;
        for (int d = rank - 1, s = shape.length - 1; d >= 0; d--, s--) {
            int extent = s >= 0 ? shape[s] : 1;
            if (extent == outShape[d]) {
                strides[d] = extent == 1 ? 0 : stride;
            } else if (extent == 1) {
                strides[d] = 0;
            } else {
                throw new IllegalArgumentException(what + ": shape " + Arrays.toString(shape)
                        + " does not broadcast to " + Arrays.toString(outShape));
            }
            stride *= extent;
        }
        return strides;
    }
}
