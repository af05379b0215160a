package dev.faltung.bench;

import dev.faltung.kernel.Buffer;
import dev.faltung.kernel.DType;
import dev.faltung.kernel.Kernels;
import dev.faltung.kernel.conv.ConvAlgorithm;
import dev.faltung.kernel.conv.ConvGeometry;

/**
 * One convolution to time: its kernels, algorithm, geometry and buffers. The constructor runs
 * every pass once, so an algorithm that does not apply to the shape fails the trial at set-up
 * with the kernel's reason rather than part-way through a measurement.
 */
final class ConvCase {

    private final Kernels kernels;
    private final ConvAlgorithm algorithm;
    private final ConvGeometry g;
    private final Buffer x;
    private final Buffer w;
    private final Buffer bias;
    private final Buffer y;
    private final Buffer dy;
    private final Buffer dx;
    private final Buffer dw;
    private final Buffer dbias;

    ConvCase(Kernels kernels, ConvAlgorithm algorithm, ConvGeometry g, DType dtype) {
        this.kernels = kernels;
        this.algorithm = algorithm;
        this.g = g;
        x = BenchJvm.uniform(dtype, g.inputSize(), 1);
        w = BenchJvm.uniform(dtype, g.weightSize(), 2);
        bias = BenchJvm.uniform(dtype, g.k(), 3);
        y = Buffer.allocate(dtype, g.outputSize());
        dy = BenchJvm.uniform(dtype, g.outputSize(), 5);
        dx = Buffer.allocate(dtype, g.inputSize());
        dw = Buffer.allocate(dtype, g.weightSize());
        dbias = Buffer.allocate(dtype, g.k());
        forwardBackward();
    }

    /** Forward FLOP, 2·N·K·outH·outW·(C/groups)·R·S, in units of 10⁹. */
    double forwardGflop() {
        return g.flops() / 1e9;
    }

    Buffer forward() {
        kernels.convForward(algorithm, g, x, w, bias, y);
        return y;
    }

    /** Forward, backward data and backward filter: three times the forward FLOP. */
    Buffer forwardBackward() {
        kernels.convForward(algorithm, g, x, w, bias, y);
        kernels.convBackwardData(algorithm, g, dy, w, dx);
        kernels.convBackwardFilter(algorithm, g, x, dy, dw, dbias);
        return dw;
    }
}
