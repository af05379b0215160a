package dev.faltung.kernel.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.faltung.kernel.Buffer;
import dev.faltung.kernel.DType;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Batch norm's per-channel kernels, {@code channelAffine} and {@code channelSums}, agree with
 * the float64 oracle on views whose inner extents leave vector tails, with and without their
 * optional operands, and give the same bits on one thread as on several (the split is by row or
 * channel, never inside a sum). moments, split across threads by channel, too.
 */
class FloatChannelwiseTest {

    private static final int[][] VIEWS = {{1, 1, 1}, {2, 3, 17}, {4, 5, 49}, {3, 2, 196}, {64, 16, 196}, {0, 2, 3}};

    private static final SimdKernels ONE = new SimdKernels(1);
    private static final SimdKernels THREE = new SimdKernels(3);

    @Test
    void affineMatchesTheOracleWithEveryOptionalOperand() {
        Random rnd = new Random(11);
        for (int[] v : VIEWS) {
            int n = v[0] * v[1] * v[2], c = v[1];
            float[] x = Check.randomFloats(rnd, n, -3, 3), z = Check.randomFloats(rnd, n, -3, 3);
            float[] a = Check.randomFloats(rnd, c, -2, 2), p = Check.randomFloats(rnd, c, -2, 2);
            float[] b = Check.randomFloats(rnd, c, -1, 1);
            for (boolean withZ : new boolean[] {false, true}) {
                for (boolean withB : new boolean[] {false, true}) {
                    String what = "channelAffine view " + Arrays.toString(v) + (withZ ? " +z·p" : "") + (withB ? " +b" : "");
                    float[] out = new float[n];
                    ONE.channelAffine(Buffer.of(x), Buffer.of(a), withZ ? Buffer.of(z) : null, withZ ? Buffer.of(p) : null,
                            withB ? Buffer.of(b) : null, v[0], v[1], v[2], Buffer.of(out));
                    Buffer want = Buffer.allocate(DType.FLOAT64, n);
                    Oracle.REFERENCE.channelAffine(Oracle.widen(x), Oracle.widen(a), withZ ? Oracle.widen(z) : null,
                            withZ ? Oracle.widen(p) : null, withB ? Oracle.widen(b) : null, v[0], v[1], v[2], want);
                    // Two fused multiply-adds in float: within a float ulp or two of the largest
                    // term, |x·a| + |z·p| + |b| ≤ 6 + 6 + 1.
                    Check.close(what, Oracle.doubles(want), out, 0, 13 * 2.4e-7);
                    float[] parallel = new float[n];
                    THREE.channelAffine(Buffer.of(x), Buffer.of(a), withZ ? Buffer.of(z) : null,
                            withZ ? Buffer.of(p) : null, withB ? Buffer.of(b) : null, v[0], v[1], v[2],
                            Buffer.of(parallel));
                    Check.identical(what + " on three threads", out, parallel);
                }
            }
        }
    }

    @Test
    void sumsMatchTheOracleWithAndWithoutTheSecondOperand() {
        Random rnd = new Random(12);
        for (int[] v : VIEWS) {
            int n = v[0] * v[1] * v[2], c = v[1];
            float[] x = Check.randomFloats(rnd, n, -1, 1), y = Check.randomFloats(rnd, n, 2, 4);
            String what = "channelSums view " + Arrays.toString(v);
            float[] sums = new float[c], dots = new float[c], sumsOnly = new float[c];
            ONE.channelSums(Buffer.of(x), Buffer.of(y), v[0], v[1], v[2], Buffer.of(sums), Buffer.of(dots));
            ONE.channelSums(Buffer.of(x), null, v[0], v[1], v[2], Buffer.of(sumsOnly), null);
            Buffer wantSums = Buffer.allocate(DType.FLOAT64, c), wantDots = Buffer.allocate(DType.FLOAT64, c);
            Oracle.REFERENCE.channelSums(Oracle.widen(x), Oracle.widen(y), v[0], v[1], v[2], wantSums, wantDots);
            // Accumulated in double and rounded once.
            Check.close(what + " Σx", Oracle.doubles(wantSums), sums, 2.4e-7, 1e-12);
            Check.close(what + " Σx·y", Oracle.doubles(wantDots), dots, 2.4e-7, 1e-12);
            Check.identical(what + " Σx without y", sums, sumsOnly);
            float[] parallelSums = new float[c], parallelDots = new float[c];
            THREE.channelSums(Buffer.of(x), Buffer.of(y), v[0], v[1], v[2], Buffer.of(parallelSums),
                    Buffer.of(parallelDots));
            Check.identical(what + " Σx on three threads", sums, parallelSums);
            Check.identical(what + " Σx·y on three threads", dots, parallelDots);
        }
    }

    @Test
    void momentsAreTheSameOnOneThreadAndOnSeveral() {
        float[] x = Check.randomFloats(new Random(13), 64 * 16 * 196, 3, 5);
        float[] m1 = new float[16], v1 = new float[16], m3 = new float[16], v3 = new float[16];
        ONE.moments(Buffer.of(x), 64, 16, 196, Buffer.of(m1), Buffer.of(v1));
        THREE.moments(Buffer.of(x), 64, 16, 196, Buffer.of(m3), Buffer.of(v3));
        Check.identical("moments mean", m1, m3);
        Check.identical("moments var", v1, v3);
    }

    @Test
    void affineRejectsHalfASecondTermAndShortBuffers() {
        Buffer x = Buffer.of(new float[6]), a = Buffer.of(new float[2]), out = Buffer.of(new float[6]);
        IllegalArgumentException half = assertThrows(IllegalArgumentException.class,
                () -> ONE.channelAffine(x, a, x, null, null, 1, 2, 3, out));
        assertEquals("channelAffine: z and p must be both given or both null", half.getMessage());
        IllegalArgumentException shortOut = assertThrows(IllegalArgumentException.class,
                () -> ONE.channelAffine(x, a, null, null, null, 2, 2, 3, out));
        assertEquals("channelAffine: a buffer holds 6 elements but the view [2, 2, 3] needs 12", shortOut.getMessage());
        IllegalArgumentException shortA = assertThrows(IllegalArgumentException.class,
                () -> ONE.channelSums(x, null, 1, 3, 2, a, null));
        assertEquals("channelSums: a per-channel buffer holds 2 elements, 3 channels need as many", shortA.getMessage());
    }
}
