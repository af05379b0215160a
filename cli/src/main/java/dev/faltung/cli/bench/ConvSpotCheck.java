package dev.faltung.cli.bench;

import dev.faltung.kernel.Buffer;
import dev.faltung.kernel.DType;
import dev.faltung.kernel.conv.ConvGeometry;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Checks a few entries of a benchmarked convolution's results against the defining sums,
 * evaluated in double, so that no algorithm can report a speed for a wrong answer. The bound
 * {@code tol·(Σ|terms| + 0.1)} (tol 1e-3 for float32, covering the FFT's and Winograd's transform
 * rounding, which spreads over every output, even one whose own terms are all zero; 1e-9 for
 * float64) is far below what an indexing mistake produces on data uniform in [-1, 1).
 */
final class ConvSpotCheck {

    private static final int PROBES = 8;

    private final ConvGeometry g;
    private final double tol;
    private final SplittableRandom random = new SplittableRandom(4);

    ConvSpotCheck(ConvGeometry g, DType dtype) {
        this.g = g;
        this.tol = dtype == DType.FLOAT32 ? 1e-3 : 1e-9;
    }

    /** {@code y[n,k,oh,ow] = bias[k] + Σ_{c,r,s} x[n, c, oh·sh - pt + r·dh, ow·sw - pl + s·dw] · w[k,c,r,s]}. */
    void forward(Buffer x, Buffer w, Buffer bias, Buffer y) {
        int oh = g.outH();
        int ow = g.outW();
        for (int probe = 0; probe < PROBES; probe++) {
            int n = random.nextInt(g.n());
            int k = random.nextInt(g.k());
            int i = random.nextInt(oh);
            int j = random.nextInt(ow);
            double sum = bias == null ? 0 : bias.get(k);
            double magnitude = Math.abs(sum);
            int c0 = (k / g.kPerGroup()) * g.cPerGroup();
            for (int c = 0; c < g.cPerGroup(); c++) {
                for (int r = 0; r < g.r(); r++) {
                    int ih = i * g.strideH() - g.padTop() + r * g.dilationH();
                    for (int s = 0; s < g.s(); s++) {
                        int iw = j * g.strideW() - g.padLeft() + s * g.dilationW();
                        if (ih < 0 || ih >= g.h() || iw < 0 || iw >= g.w()) {
                            continue;
                        }
                        double term = x.get(((n * g.c() + c0 + c) * g.h() + ih) * g.w() + iw)
                                * w.get(((k * g.cPerGroup() + c) * g.r() + r) * g.s() + s);
                        sum += term;
                        magnitude += Math.abs(term);
                    }
                }
            }
            compare("forward y", new int[] {n, k, i, j}, y.get(((n * g.k() + k) * oh + i) * ow + j), sum, magnitude);
        }
    }

    /** {@code dx[n,c,ih,iw] = Σ_{k,r,s : oh·sh - pt + r·dh = ih, ow·sw - pl + s·dw = iw} dy[n,k,oh,ow] · w[k,c,r,s]}. */
    void backwardData(Buffer dy, Buffer w, Buffer dx) {
        for (int probe = 0; probe < PROBES; probe++) {
            int n = random.nextInt(g.n());
            int c = random.nextInt(g.c());
            int ih = random.nextInt(g.h());
            int iw = random.nextInt(g.w());
            int group = c / g.cPerGroup();
            int cg = c % g.cPerGroup();
            double sum = 0;
            double magnitude = 0;
            for (int k = group * g.kPerGroup(); k < (group + 1) * g.kPerGroup(); k++) {
                for (int r = 0; r < g.r(); r++) {
                    int num = ih + g.padTop() - r * g.dilationH();
                    if (num < 0 || num % g.strideH() != 0 || num / g.strideH() >= g.outH()) {
                        continue;
                    }
                    int oh = num / g.strideH();
                    for (int s = 0; s < g.s(); s++) {
                        int numW = iw + g.padLeft() - s * g.dilationW();
                        if (numW < 0 || numW % g.strideW() != 0 || numW / g.strideW() >= g.outW()) {
                            continue;
                        }
                        int ow = numW / g.strideW();
                        double term = dy.get(((n * g.k() + k) * g.outH() + oh) * g.outW() + ow)
                                * w.get(((k * g.cPerGroup() + cg) * g.r() + r) * g.s() + s);
                        sum += term;
                        magnitude += Math.abs(term);
                    }
                }
            }
            compare("backward data dx", new int[] {n, c, ih, iw}, dx.get(((n * g.c() + c) * g.h() + ih) * g.w() + iw),
                    sum, magnitude);
        }
    }

    /**
     * {@code dw[k,c,r,s] = Σ_{n,oh,ow} dy[n,k,oh,ow] · x[n, c, oh·sh - pt + r·dh, ow·sw - pl + s·dw]} and
     * {@code dbias[k] = Σ_{n,oh,ow} dy[n,k,oh,ow]}.
     */
    void backwardFilter(Buffer x, Buffer dy, Buffer dw, Buffer dbias) {
        for (int probe = 0; probe < PROBES; probe++) {
            int k = random.nextInt(g.k());
            int c = random.nextInt(g.cPerGroup());
            int r = random.nextInt(g.r());
            int s = random.nextInt(g.s());
            int cx = (k / g.kPerGroup()) * g.cPerGroup() + c;
            double sum = 0;
            double magnitude = 0;
            double biasSum = 0;
            double biasMagnitude = 0;
            for (int n = 0; n < g.n(); n++) {
                for (int oh = 0; oh < g.outH(); oh++) {
                    int ih = oh * g.strideH() - g.padTop() + r * g.dilationH();
                    for (int ow = 0; ow < g.outW(); ow++) {
                        double d = dy.get(((n * g.k() + k) * g.outH() + oh) * g.outW() + ow);
                        biasSum += d;
                        biasMagnitude += Math.abs(d);
                        int iw = ow * g.strideW() - g.padLeft() + s * g.dilationW();
                        if (ih < 0 || ih >= g.h() || iw < 0 || iw >= g.w()) {
                            continue;
                        }
                        double term = d * x.get(((n * g.c() + cx) * g.h() + ih) * g.w() + iw);
                        sum += term;
                        magnitude += Math.abs(term);
                    }
                }
            }
            compare("backward filter dw", new int[] {k, c, r, s},
                    dw.get(((k * g.cPerGroup() + c) * g.r() + r) * g.s() + s), sum, magnitude);
            if (dbias != null) {
                compare("backward filter dbias", new int[] {k}, dbias.get(k), biasSum, biasMagnitude);
            }
        }
    }

    private void compare(String what, int[] index, double got, double expected, double magnitude) {
        double bound = tol * (magnitude + 0.1);
        if (!(Math.abs(got - expected) <= bound)) {
            throw new IllegalStateException("conv result check failed: " + what + Arrays.toString(index) + " = " + got
                    + ", expected " + expected + " (tolerance " + bound + ") for x"
                    + Arrays.toString(g.inputShape()) + " w" + Arrays.toString(g.weightShape()));
        }
    }
}
