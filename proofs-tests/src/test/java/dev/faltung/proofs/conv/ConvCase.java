package dev.faltung.proofs.conv;

import dev.faltung.kernel.Buffer;
import dev.faltung.kernel.DType;
import dev.faltung.kernel.conv.ConvGeometry;
import dev.faltung.kernel.conv.Padding;

import java.util.SplittableRandom;

/**
 * A random convolution problem drawn from one seed (so a failing seed reproduces it): small
 * shapes with every feature mixed in — groups (depthwise too), stride, dilation, asymmetric and
 * named padding — plus input, weight, bias and output-gradient data in [-1, 1].
 */
record ConvCase(long seed, ConvGeometry g, double[] x, double[] w, double[] bias, double[] dy) {

    static ConvCase of(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int groups = r.nextInt(4) == 0 ? 1 + r.nextInt(3) : 1;
        int c = groups * (1 + r.nextInt(3));
        int k = r.nextInt(4) == 0 ? c : groups * (1 + r.nextInt(3)); // sometimes depthwise-shaped
        boolean winogradShaped = r.nextBoolean();
        int side = winogradShaped ? (r.nextInt(3) == 0 ? 5 : 3) : 0; // Winograd's F(m,3) or F(2,5)
        int kh = winogradShaped ? side : 1 + r.nextInt(5);
        int kw = winogradShaped ? side : 1 + r.nextInt(5);
        int sh = winogradShaped ? 1 : 1 + r.nextInt(3), sw = winogradShaped ? 1 : 1 + r.nextInt(3);
        int dh = winogradShaped || r.nextInt(3) > 0 ? 1 : 2, dw = winogradShaped || r.nextInt(3) > 0 ? 1 : 2;
        int h = (dh * (kh - 1) + 1) + r.nextInt(10), wd = (dw * (kw - 1) + 1) + r.nextInt(10);
        Padding padding = switch (r.nextInt(4)) {
            case 0 -> Padding.VALID;
            case 1 -> Padding.SAME;
            case 2 -> Padding.FULL;
            default -> Padding.of(r.nextInt(4), r.nextInt(4), r.nextInt(4), r.nextInt(4));
        };
        ConvGeometry g = ConvGeometry.of(1 + r.nextInt(2), c, h, wd, k, kh, kw, sh, sw, padding, dh, dw, groups);
        return new ConvCase(seed, g, data(r, g.inputSize()), data(r, g.weightSize()), data(r, g.k()),
                data(r, g.outputSize()));
    }

    private static double[] data(SplittableRandom r, int n) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = r.nextDouble(-1, 1);
        return d;
    }

    static Buffer buffer(double[] values, DType dtype) {
        Buffer b = Buffer.allocate(dtype, values.length);
        for (int i = 0; i < values.length; i++) b.set(i, values[i]);
        return b;
    }

    /** Values rounded to float32, held in double: the same numbers in both dtypes. */
    static double[] roundedToFloat(double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) out[i] = (float) v[i];
        return out;
    }

    @Override
    public String toString() {
        return "seed " + seed + ": " + dev.faltung.proofs.conv.Checks.describe(g);
    }
}
