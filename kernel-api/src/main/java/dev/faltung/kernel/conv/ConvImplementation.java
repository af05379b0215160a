package dev.faltung.kernel.conv;

import dev.faltung.kernel.Buffer;
import dev.faltung.kernel.Kernels;

import java.util.Optional;

/**
 * One concrete convolution algorithm: the three computations of {@link Kernels#convForward},
 * {@link Kernels#convBackwardData} and {@link Kernels#convBackwardFilter}, with the same
 * contracts (outputs overwritten, never aliasing an input; buffers of one call share a dtype).
 * {@code kernels} is the calling backend, whose GEMM and im2col an algorithm may use.
 * Implementations are stateless and thread-safe.
 */
public sealed interface ConvImplementation
        permits DirectConvolution, Im2colConvolution, WinogradConvolution, FftConvolution {

    /** The algorithm this implements. */
    ConvAlgorithm algorithm();

    /** Empty when this algorithm computes {@code direction} for {@code g}; otherwise why not. */
    default Optional<String> whyNotApplicable(ConvGeometry g, ConvDirection direction) {
        return Optional.empty();
    }

    void forward(Kernels kernels, ConvGeometry g, Buffer x, Buffer w, Buffer bias, Buffer y);

    void backwardData(Kernels kernels, ConvGeometry g, Buffer dy, Buffer w, Buffer dx);

    void backwardFilter(Kernels kernels, ConvGeometry g, Buffer x, Buffer dy, Buffer dw, Buffer dbias);

    /** {@code dbias[k] = Σ_{n,oy,ox} dy[n,k,oy,ox]} in double, in that order; shared by every algorithm. */
    static void biasGradient(ConvGeometry g, double[] dy, Buffer dbias) {
        if (dbias == null) {
            return;
        }
        int hw = g.outH() * g.outW();
        double[] db = Planes.target(dbias);
        for (int k = 0; k < g.k(); k++) {
            double s = 0;
            for (int n = 0; n < g.n(); n++) {
                int off = (n * g.k() + k) * hw;
                for (int i = 0; i < hw; i++) {
                    s += dy[off + i];
                }
            }
            db[k] = s;
        }
        Planes.commit(db, dbias);
    }
}
