package dev.faltung.kernel.conv;

import dev.faltung.kernel.Buffer;
import dev.faltung.kernel.Kernels;

/**
 * Dispatches a convolution to its algorithm. Backends call this from their conv kernels,
 * passing themselves, so the algorithms run on the backend's own GEMM and im2col.
 */
public final class Convolutions {

    private Convolutions() {
    }

    public static void forward(Kernels kernels, ConvAlgorithm algorithm, ConvGeometry g,
                               Buffer x, Buffer w, Buffer bias, Buffer y) {
        throw new UnsupportedOperationException("TODO: convolution task");
    }

    public static void backwardData(Kernels kernels, ConvAlgorithm algorithm, ConvGeometry g,
                                    Buffer dy, Buffer w, Buffer dx) {
        throw new UnsupportedOperationException("TODO: convolution task");
    }

    public static void backwardFilter(Kernels kernels, ConvAlgorithm algorithm, ConvGeometry g,
                                      Buffer x, Buffer dy, Buffer dw, Buffer dbias) {
        throw new UnsupportedOperationException("TODO: convolution task");
    }
}
