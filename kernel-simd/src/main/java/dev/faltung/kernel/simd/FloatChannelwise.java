package dev.faltung.kernel.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * float32 per-channel kernels over {@code [outer, channels, inner]}, batch norm's passes: the
 * affine map {@code out = x·a[c] + z·p[c] + b[c]} and the sums {@code Σx}, {@code Σx·y} per
 * channel. Each method covers a range of rows or channels so that callers can split the work
 * across threads; every element's result is independent of the split.
 */
final class FloatChannelwise {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private FloatChannelwise() {
    }

    /**
     * Rows {@code [fromRow, toRow)} (a row is one {@code (o, c)}) of
     * {@code out = x·a[c] + z·p[c] + b[c]}, as {@code fma(x, a, fma(z, p, b))} in vectors and the
     * same fused operations on the tail; {@code z}/{@code p} and {@code b} may be null.
     */
    static void affine(float[] x, float[] a, float[] z, float[] p, float[] b, int channels, int inner, float[] out,
                       int fromRow, int toRow) {
        for (int r = fromRow; r < toRow; r++) {
            int c = r % channels, base = r * inner, end = base + inner, bound = base + S.loopBound(inner);
            float ac = a[c], bc = b == null ? 0f : b[c];
            FloatVector va = FloatVector.broadcast(S, ac), vb = FloatVector.broadcast(S, bc);
            int i = base;
            if (z == null) {
                for (; i < bound; i += L) {
                    FloatVector.fromArray(S, x, i).fma(va, vb).intoArray(out, i);
                }
                for (; i < end; i++) {
                    out[i] = Math.fma(x[i], ac, bc);
                }
            } else {
                float pc = p[c];
                FloatVector vp = FloatVector.broadcast(S, pc);
                for (; i < bound; i += L) {
                    FloatVector zp = FloatVector.fromArray(S, z, i).fma(vp, vb);
                    FloatVector.fromArray(S, x, i).fma(va, zp).intoArray(out, i);
                }
                for (; i < end; i++) {
                    out[i] = Math.fma(x[i], ac, Math.fma(z[i], pc, bc));
                }
            }
        }
    }

    /**
     * Channels {@code [fromChannel, toChannel)}: {@code sums[c] = Σ x[·, c, ·]} and, when
     * {@code y} is given, {@code dots[c] = Σ x·y}, accumulated in double row by row.
     */
    static void sums(float[] x, float[] y, int outer, int channels, int inner, float[] sums, float[] dots,
                     int fromChannel, int toChannel) {
        for (int c = fromChannel; c < toChannel; c++) {
            double sum = 0, dot = 0;
            for (int o = 0; o < outer; o++) {
                int base = (o * channels + c) * inner;
                sum += FloatReductions.sum(x, base, inner);
                if (y != null) {
                    dot += FloatReductions.dot(x, base, y, base, inner);
                }
            }
            sums[c] = (float) sum;
            if (y != null) {
                dots[c] = (float) dot;
            }
        }
    }
}
