package dev.faltung.cli.bench;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.faltung.kernel.Backends;
import dev.faltung.kernel.Buffer;
import dev.faltung.kernel.DType;
import dev.faltung.kernel.Kernels;
import dev.faltung.kernel.conv.ConvAlgorithm;
import dev.faltung.kernel.conv.ConvGeometry;
import org.junit.jupiter.api.Test;

/**
 * The bench's result check agrees with the reference backend on geometries with stride,
 * asymmetric padding, dilation and groups, and rejects results that are shifted by one element or
 * off by 5% + 0.1 (the bound scales with the sum of |terms|, so a small relative error in a sum
 * with much cancellation may pass; a wrong kernel is wrong by far more).
 */
class ConvSpotCheckTest {

    private static final ConvGeometry[] GEOMETRIES = {
        new ConvGeometry(2, 3, 9, 8, 4, 3, 2, 1, 1, 1, 1, 0, 0, 1, 1, 1),
        new ConvGeometry(2, 4, 11, 10, 6, 3, 3, 2, 3, 1, 2, 0, 1, 2, 1, 2),
        new ConvGeometry(1, 2, 7, 7, 2, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1, 1),
    };

    /** Reference forward and backward results of one geometry on seeded data. */
    private record Results(Buffer x, Buffer w, Buffer bias, Buffer y, Buffer dy, Buffer dx, Buffer dw, Buffer dbias) {
        static Results of(ConvGeometry g, DType dtype) {
            Kernels k = Backends.reference().kernels();
            Results r = new Results(RandomData.uniform(dtype, g.inputSize(), 1), RandomData.uniform(dtype, g.weightSize(), 2),
                    RandomData.uniform(dtype, g.k(), 3), Buffer.allocate(dtype, g.outputSize()),
                    RandomData.uniform(dtype, g.outputSize(), 4), Buffer.allocate(dtype, g.inputSize()),
                    Buffer.allocate(dtype, g.weightSize()), Buffer.allocate(dtype, g.k()));
            k.convForward(ConvAlgorithm.DIRECT, g, r.x, r.w, r.bias, r.y);
            k.convBackwardData(ConvAlgorithm.DIRECT, g, r.dy, r.w, r.dx);
            k.convBackwardFilter(ConvAlgorithm.DIRECT, g, r.x, r.dy, r.dw, r.dbias);
            return r;
        }
    }

    @Test
    void acceptsTheReferenceBackendsResults() {
        for (DType dtype : DType.values()) {
            for (ConvGeometry g : GEOMETRIES) {
                Results r = Results.of(g, dtype);
                // Many probes, so that most entries of these small tensors are visited.
                for (int round = 0; round < 20; round++) {
                    ConvSpotCheck check = new ConvSpotCheck(g, dtype);
                    assertDoesNotThrow(() -> check.forward(r.x, r.w, r.bias, r.y), () -> "forward " + g);
                    assertDoesNotThrow(() -> check.backwardData(r.dy, r.w, r.dx), () -> "backward data " + g);
                    assertDoesNotThrow(() -> check.backwardFilter(r.x, r.dy, r.dw, r.dbias), () -> "backward filter " + g);
                }
            }
        }
    }

    @Test
    void rejectsResultsShiftedByOneElementOrOffByFivePercentAndATenth() {
        for (ConvGeometry g : GEOMETRIES) {
            Results r = Results.of(g, DType.FLOAT32);
            ConvSpotCheck check = new ConvSpotCheck(g, DType.FLOAT32);
            assertThrows(IllegalStateException.class, () -> check.forward(r.x, r.w, r.bias, shifted(r.y)), g::toString);
            assertThrows(IllegalStateException.class, () -> check.forward(r.x, r.w, r.bias, scaled(r.y)), g::toString);
            assertThrows(IllegalStateException.class, () -> check.backwardData(r.dy, r.w, shifted(r.dx)), g::toString);
            assertThrows(IllegalStateException.class, () -> check.backwardFilter(r.x, r.dy, shifted(r.dw), r.dbias),
                    g::toString);
            assertThrows(IllegalStateException.class, () -> check.backwardFilter(r.x, r.dy, r.dw, scaled(r.dbias)),
                    g::toString);
        }
    }

    private static Buffer shifted(Buffer b) {
        Buffer s = b.copy();
        for (int i = 0; i < b.size(); i++) {
            s.set(i, b.get((i + 1) % b.size()));
        }
        return s;
    }

    private static Buffer scaled(Buffer b) {
        Buffer s = b.copy();
        for (int i = 0; i < b.size(); i++) {
            s.set(i, b.get(i) * 1.05 + 0.1);
        }
        return s;
    }
}
