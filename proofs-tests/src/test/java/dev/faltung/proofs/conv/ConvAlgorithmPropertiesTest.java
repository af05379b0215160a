package dev.faltung.proofs.conv;

import dev.faltung.kernel.Buffer;
import dev.faltung.kernel.DType;
import dev.faltung.kernel.Kernels;
import dev.faltung.kernel.conv.ConvAlgorithm;
import dev.faltung.kernel.conv.ConvDirection;
import dev.faltung.kernel.conv.ConvGeometry;
import dev.faltung.kernel.conv.ConvImplementation;
import dev.faltung.kernel.conv.Convolutions;
import dev.faltung.kernel.conv.WinogradConvolution;
import dev.faltung.kernel.reference.ReferenceKernels;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * For random geometries every applicable algorithm computes the float64 direct result in all
 * three directions (within 1e-10 of the output's scale), stays within its documented float32
 * bound, and its gradients match central differences of {@code L = Σ dy·y}.
 */
class ConvAlgorithmPropertiesTest {

    private static final Kernels REF = new ReferenceKernels();
    private static final List<ConvAlgorithm> CONCRETE =
            List.of(ConvAlgorithm.IM2COL, ConvAlgorithm.FFT, ConvAlgorithm.WINOGRAD);
    private static final double U32 = 0x1p-24;

    private static boolean applies(ConvAlgorithm a, ConvGeometry g) {
        return Convolutions.implementation(a, g).whyNotApplicable(g, ConvDirection.FORWARD).isEmpty();
    }

    private static Buffer[] direct(ConvCase c, DType dtype) {
        ConvGeometry g = c.g();
        Buffer y = Buffer.allocate(dtype, g.outputSize()), dx = Buffer.allocate(dtype, g.inputSize());
        Buffer dw = Buffer.allocate(dtype, g.weightSize()), db = Buffer.allocate(dtype, g.k());
        Convolutions.forward(REF, ConvAlgorithm.DIRECT, g, ConvCase.buffer(c.x(), dtype), ConvCase.buffer(c.w(), dtype),
                ConvCase.buffer(c.bias(), dtype), y);
        Convolutions.backwardData(REF, ConvAlgorithm.DIRECT, g, ConvCase.buffer(c.dy(), dtype), ConvCase.buffer(c.w(), dtype), dx);
        Convolutions.backwardFilter(REF, ConvAlgorithm.DIRECT, g, ConvCase.buffer(c.x(), dtype),
                ConvCase.buffer(c.dy(), dtype), dw, db);
        return new Buffer[] {y, dx, dw, db};
    }

    @Test
    void everyAlgorithmAgreesWithDirectInFloat64() {
        qt().withExamples(120).forAll(longs().all()).as(ConvCase::of).checkAssert(c -> {
            ConvGeometry g = c.g();
            Buffer[] ref = direct(c, DType.FLOAT64);
            for (ConvAlgorithm a : CONCRETE) {
                if (!applies(a, g)) continue;
                String where = a.label() + " " + c;
                Buffer y = Buffer.allocate(DType.FLOAT64, g.outputSize()), dx = Buffer.allocate(DType.FLOAT64, g.inputSize());
                Buffer dw = Buffer.allocate(DType.FLOAT64, g.weightSize()), db = Buffer.allocate(DType.FLOAT64, g.k());
                Convolutions.forward(REF, a, g, Buffer.of(c.x().clone()), Buffer.of(c.w().clone()), Buffer.of(c.bias().clone()), y);
                Convolutions.backwardData(REF, a, g, Buffer.of(c.dy().clone()), Buffer.of(c.w().clone()), dx);
                Convolutions.backwardFilter(REF, a, g, Buffer.of(c.x().clone()), Buffer.of(c.dy().clone()), dw, db);
                // The scale of a result is its largest magnitude, but never below the size of one
                // of its products: a result that cancels to exactly 0 may come back as ±1e-16.
                double xw = Checks.maxAbs(c.x()) * Checks.maxAbs(c.w());
                double dyw = Checks.maxAbs(c.dy()) * Checks.maxAbs(c.w());
                double xdy = Checks.maxAbs(c.x()) * Checks.maxAbs(c.dy());
                Checks.close("forward " + where, ref[0].toDoubles(), y, 1e-10 * Math.max(Checks.maxAbs(ref[0]), xw));
                Checks.close("backward data " + where, ref[1].toDoubles(), dx, 1e-10 * Math.max(Checks.maxAbs(ref[1]), dyw));
                Checks.close("backward filter " + where, ref[2].toDoubles(), dw, 1e-10 * Math.max(Checks.maxAbs(ref[2]), xdy));
                Checks.close("bias gradient " + where, ref[3].toDoubles(), db,
                        1e-10 * Math.max(Checks.maxAbs(ref[3]), Checks.maxAbs(c.dy())));
            }
        });
    }

    /**
     * Float32 forward within each class's documented bound, against float64 direct on the same
     * (float-representable) numbers: direct, im2col and FFT round once ({@code u·|y|}, plus FFT's
     * normwise double error); Winograd {@code 3u·(C/G)·max|x|·max|w|·a² + u·|y|}.
     */
    @Test
    void float32StaysWithinTheDocumentedBound() {
        qt().withExamples(80).forAll(longs().all()).as(ConvCase::of).checkAssert(c0 -> {
            ConvCase c = new ConvCase(c0.seed(), c0.g(), ConvCase.roundedToFloat(c0.x()), ConvCase.roundedToFloat(c0.w()),
                    ConvCase.roundedToFloat(c0.bias()), ConvCase.roundedToFloat(c0.dy()));
            ConvGeometry g = c.g();
            double[] ref = direct(c, DType.FLOAT64)[0].toDoubles();
            double scale = g.cPerGroup() * g.r() * g.s() * Checks.maxAbs(c.x()) * Checks.maxAbs(c.w()) + 1;
            for (ConvAlgorithm a : List.of(ConvAlgorithm.DIRECT, ConvAlgorithm.IM2COL, ConvAlgorithm.FFT, ConvAlgorithm.WINOGRAD)) {
                if (!applies(a, g)) continue;
                Buffer y = Buffer.allocate(DType.FLOAT32, g.outputSize());
                Convolutions.forward(REF, a, g, ConvCase.buffer(c.x(), DType.FLOAT32), ConvCase.buffer(c.w(), DType.FLOAT32),
                        ConvCase.buffer(c.bias(), DType.FLOAT32), y);
                ConvImplementation impl = Convolutions.implementation(a, g);
                double extra = impl instanceof WinogradConvolution wino
                        ? 3 * U32 * g.cPerGroup() * Checks.maxAbs(c.x()) * Checks.maxAbs(c.w()) * wino.amplification()
                        : 1e-12 * scale;
                for (int i = 0; i < ref.length; i++) {
                    double tol = U32 * Math.abs(ref[i]) * 1.0001 + extra;
                    if (!(Math.abs(ref[i] - y.get(i)) <= tol)) {
                        throw new AssertionError("float32 forward " + a.label() + " " + c + ": first bad index " + i
                                + ": expected " + ref[i] + ", got " + y.get(i) + " (bound " + tol + ")");
                    }
                }
            }
        });
    }

    /** {@code L(x, w) = Σ dy·conv(x, w)}: its central differences are the backward results. */
    @Test
    void gradientsMatchCentralDifferences() {
        qt().withExamples(25).forAll(longs().all()).as(ConvCase::of).checkAssert(c -> {
            ConvGeometry g = c.g();
            if (g.inputSize() + g.weightSize() > 600) return; // keep the numerical gradient cheap
            double[] numDx = new double[g.inputSize()], numDw = new double[g.weightSize()];
            double eps = 1e-5;
            for (int i = 0; i < numDx.length; i++) {
                double[] xp = c.x().clone(), xm = c.x().clone();
                xp[i] += eps;
                xm[i] -= eps;
                numDx[i] = (loss(c, xp, c.w()) - loss(c, xm, c.w())) / (2 * eps);
            }
            for (int i = 0; i < numDw.length; i++) {
                double[] wp = c.w().clone(), wm = c.w().clone();
                wp[i] += eps;
                wm[i] -= eps;
                numDw[i] = (loss(c, c.x(), wp) - loss(c, c.x(), wm)) / (2 * eps);
            }
            for (ConvAlgorithm a : List.of(ConvAlgorithm.DIRECT, ConvAlgorithm.IM2COL, ConvAlgorithm.FFT, ConvAlgorithm.WINOGRAD)) {
                if (!applies(a, g)) continue;
                Buffer dx = Buffer.allocate(DType.FLOAT64, g.inputSize()), dw = Buffer.allocate(DType.FLOAT64, g.weightSize());
                Convolutions.backwardData(REF, a, g, Buffer.of(c.dy().clone()), Buffer.of(c.w().clone()), dx);
                Convolutions.backwardFilter(REF, a, g, Buffer.of(c.x().clone()), Buffer.of(c.dy().clone()), dw, null);
                Checks.close("numerical dx " + a.label() + " " + c, numDx, dx, 1e-7 * (1 + Checks.maxAbs(numDx)));
                Checks.close("numerical dw " + a.label() + " " + c, numDw, dw, 1e-7 * (1 + Checks.maxAbs(numDw)));
            }
        });
    }

    private static double loss(ConvCase c, double[] x, double[] w) {
        Buffer y = Buffer.allocate(DType.FLOAT64, c.g().outputSize());
        Convolutions.forward(REF, ConvAlgorithm.DIRECT, c.g(), Buffer.of(x), Buffer.of(w), Buffer.of(c.bias().clone()), y);
        double s = 0;
        for (int i = 0; i < c.dy().length; i++) s += c.dy()[i] * y.get(i);
        return s;
    }
}
