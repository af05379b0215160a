package dev.faltung.proofs.conv;

import dev.faltung.kernel.Buffer;
import dev.faltung.kernel.DType;
import dev.faltung.kernel.Kernels;
import dev.faltung.kernel.conv.ConvAlgorithm;
import dev.faltung.kernel.conv.ConvGeometry;
import dev.faltung.kernel.conv.Convolutions;
import dev.faltung.kernel.conv.Padding;
import dev.faltung.kernel.conv.SignalConvolution;
import dev.faltung.kernel.conv.SignalConvolution.Array2D;
import dev.faltung.kernel.conv.SignalConvolution.Mode;
import dev.faltung.kernel.reference.ReferenceKernels;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

/** Algebraic laws of convolution, each checked on random shapes through the AUTO-free algorithms. */
class ConvLawsTest {

    private static final Kernels REF = new ReferenceKernels();

    private static double[] conv(ConvAlgorithm a, ConvGeometry g, double[] x, double[] w) {
        Buffer y = Buffer.allocate(DType.FLOAT64, g.outputSize());
        Convolutions.forward(REF, a, g, Buffer.of(x.clone()), Buffer.of(w.clone()), null, y);
        return y.toDoubles();
    }

    private static ConvAlgorithm pick(ConvCase c) {
        ConvAlgorithm[] all = {ConvAlgorithm.DIRECT, ConvAlgorithm.IM2COL, ConvAlgorithm.FFT};
        return all[(int) Math.floorMod(c.seed(), 3L)];
    }

    @Test
    void linearInInputAndInWeight() {
        qt().withExamples(60).forAll(longs().all()).as(ConvCase::of).checkAssert(c -> {
            ConvGeometry g = c.g();
            ConvAlgorithm a = pick(c);
            SplittableRandom r = new SplittableRandom(c.seed() ^ 77);
            double alpha = r.nextDouble(-2, 2), beta = r.nextDouble(-2, 2);
            double[] x2 = new double[c.x().length], w2 = new double[c.w().length];
            for (int i = 0; i < x2.length; i++) x2[i] = r.nextDouble(-1, 1);
            for (int i = 0; i < w2.length; i++) w2[i] = r.nextDouble(-1, 1);
            double[] xs = new double[x2.length], ws = new double[w2.length];
            for (int i = 0; i < xs.length; i++) xs[i] = alpha * c.x()[i] + beta * x2[i];
            for (int i = 0; i < ws.length; i++) ws[i] = alpha * c.w()[i] + beta * w2[i];
            double[] y1 = conv(a, g, c.x(), c.w()), y2 = conv(a, g, x2, c.w()), ys = conv(a, g, xs, c.w());
            double[] z2 = conv(a, g, c.x(), w2), zs = conv(a, g, c.x(), ws);
            double[] lin = new double[y1.length], linW = new double[y1.length];
            for (int i = 0; i < lin.length; i++) {
                lin[i] = alpha * y1[i] + beta * y2[i];
                linW[i] = alpha * y1[i] + beta * z2[i];
            }
            double tol = 1e-10 * (1 + Checks.maxAbs(lin) + Checks.maxAbs(linW));
            Checks.close("linearity in x, " + a.label() + " " + c, lin, ys, tol);
            Checks.close("linearity in w, " + a.label() + " " + c, linW, zs, tol);
        });
    }

    /** Shifting the input by (1, 2) shifts a valid stride-1 output by (1, 2), away from the borders. */
    @Test
    void translationEquivariantAtStrideOne() {
        qt().withExamples(40).forAll(longs().all()).as(ConvCase::of).checkAssert(c0 -> {
            ConvGeometry g0 = c0.g();
            ConvGeometry g = ConvGeometry.of(g0.n(), g0.c(), g0.h() + 3, g0.w() + 3, g0.k(), g0.r(), g0.s(), 1, 1,
                    Padding.VALID, g0.dilationH(), g0.dilationW(), g0.groups());
            SplittableRandom r = new SplittableRandom(c0.seed());
            double[] x = new double[g.inputSize()];
            for (int i = 0; i < x.length; i++) x[i] = r.nextDouble(-1, 1);
            double[] shifted = new double[x.length];
            int h = g.h(), w = g.w();
            for (int p = 0; p < g.n() * g.c(); p++) {
                for (int i = 1; i < h; i++) {
                    for (int j = 2; j < w; j++) shifted[(p * h + i) * w + j] = x[(p * h + i - 1) * w + j - 2];
                }
            }
            ConvAlgorithm a = Convolutions.implementation(ConvAlgorithm.WINOGRAD, g)
                    .whyNotApplicable(g, dev.faltung.kernel.conv.ConvDirection.FORWARD).isEmpty()
                    ? ConvAlgorithm.WINOGRAD : pick(c0);
            double[] y = conv(a, g, x, c0.w()), ys = conv(a, g, shifted, c0.w());
            int oh = g.outH(), ow = g.outW();
            double[] expect = new double[(oh - 1) * (ow - 2) * g.n() * g.k()];
            double[] got = new double[expect.length];
            int at = 0;
            for (int p = 0; p < g.n() * g.k(); p++) {
                for (int i = 1; i < oh; i++) {
                    for (int j = 2; j < ow; j++) {
                        expect[at] = y[(p * oh + i - 1) * ow + j - 2];
                        got[at++] = ys[(p * oh + i) * ow + j];
                    }
                }
            }
            Checks.close("translation " + a.label() + " " + c0, expect, got, 1e-10 * (1 + Checks.maxAbs(expect)));
        });
    }

    /** A kernel with a single 1 at its centre (odd sides, 'same' padding, one group per channel) returns the input. */
    @Test
    void identityKernelReturnsTheInput() {
        for (ConvAlgorithm a : new ConvAlgorithm[] {ConvAlgorithm.DIRECT, ConvAlgorithm.IM2COL, ConvAlgorithm.FFT, ConvAlgorithm.WINOGRAD}) {
            for (int k : new int[] {1, 3, 5}) {
                if (a == ConvAlgorithm.WINOGRAD && k == 1) continue;
                ConvGeometry g = ConvGeometry.of(2, 3, 6, 7, 3, k, k, 1, 1, Padding.SAME, 1, 1, 3);
                SplittableRandom r = new SplittableRandom(k);
                double[] x = new double[g.inputSize()];
                for (int i = 0; i < x.length; i++) x[i] = r.nextDouble(-1, 1);
                double[] w = new double[g.weightSize()];
                for (int ch = 0; ch < 3; ch++) w[ch * k * k + (k / 2) * k + k / 2] = 1;
                Checks.close("identity " + a.label() + " " + k + "x" + k, x, conv(a, g, x, w), 1e-12);
            }
        }
    }

    /** Full correlation of a delta image with k is k reversed in both axes. */
    @Test
    void fullCorrelationOfADeltaIsTheFlippedKernel() {
        qt().withExamples(40).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom r = new SplittableRandom(seed);
            int p = 1 + r.nextInt(6), q = 1 + r.nextInt(6);
            double[] k = new double[p * q];
            for (int i = 0; i < k.length; i++) k[i] = r.nextDouble(-1, 1);
            Array2D kernel = new Array2D(p, q, k);
            Array2D delta = new Array2D(1, 1, new double[] {1});
            for (ConvAlgorithm a : new ConvAlgorithm[] {ConvAlgorithm.DIRECT, ConvAlgorithm.IM2COL, ConvAlgorithm.FFT}) {
                Array2D out = SignalConvolution.correlate2d(REF, a, delta, kernel, Mode.FULL);
                Checks.close("delta " + a.label() + " seed " + seed, kernel.flipped().data(), out.data(), 1e-12);
            }
        });
    }

    @Test
    void outputSizesFollowTheFormulas() {
        qt().withExamples(200).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom r = new SplittableRandom(seed);
            int in = 1 + r.nextInt(30), k = 1 + r.nextInt(6), s = 1 + r.nextInt(4), d = 1 + r.nextInt(3);
            int span = d * (k - 1) + 1;
            int[] full = Padding.FULL.resolve(in, k, s, d, 0);
            assertEquals((in + 2 * (span - 1) - span) / s + 1, outH(in, k, s, d, Padding.FULL), "full, seed " + seed);
            assertEquals(span - 1, full[0]);
            assertEquals((in + s - 1) / s, outH(in, k, s, d, Padding.SAME), "same = ceil(in/stride), seed " + seed);
            if (s == 1) assertEquals(in, outH(in, k, 1, d, Padding.SAME), "same keeps size at stride 1, seed " + seed);
            if (in >= span) assertEquals((in - span) / s + 1, outH(in, k, s, d, Padding.VALID), "valid, seed " + seed);
            int t = r.nextInt(3), b = r.nextInt(3);
            if (in + t + b >= span) {
                assertEquals((in + t + b - span) / s + 1, outH(in, k, s, d, Padding.of(t, b, 0, 0)), "explicit, seed " + seed);
            }
        });
    }

    private static int outH(int in, int k, int s, int d, Padding p) {
        return ConvGeometry.of(1, 1, in, 1, 1, k, 1, s, 1, p, d, 1, 1).outH();
    }

    /** convolve2d(a, k) == correlate2d(a, flip(k)) in full and valid mode always, in same mode for odd kernels. */
    @Test
    void convolutionIsCorrelationWithTheFlippedKernel() {
        qt().withExamples(60).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom r = new SplittableRandom(seed);
            int m = 1 + r.nextInt(7), n = 1 + r.nextInt(7), p = 1 + r.nextInt(m), q = 1 + r.nextInt(n);
            double[] a = new double[m * n], k = new double[p * q];
            for (int i = 0; i < a.length; i++) a[i] = r.nextDouble(-1, 1);
            for (int i = 0; i < k.length; i++) k[i] = r.nextDouble(-1, 1);
            Array2D in = new Array2D(m, n, a), kernel = new Array2D(p, q, k);
            for (Mode mode : Mode.values()) {
                if (mode == Mode.SAME && (p % 2 == 0 || q % 2 == 0)) continue;
                Array2D conv = SignalConvolution.convolve2d(in, kernel, mode);
                Array2D corr = SignalConvolution.correlate2d(in, kernel.flipped(), mode);
                Checks.close("convolve2d vs correlate2d(flip) " + mode + " seed " + seed, corr.data(), conv.data(), 1e-12);
            }
        });
    }
}
