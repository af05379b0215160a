package dev.faltung.kernel.simd;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * The vector exp, log, tanh, expm1 and log1p against StrictMath in double, within 2 float ulps
 * of the correctly rounded result, on random arguments over their whole range and on the
 * special and boundary values: ±0, ±∞, NaN, subnormals, over- and underflow thresholds, the
 * switch points of the piecewise formulas.
 */
class VectorMathTest {

    private static final int L = FloatVector.SPECIES_PREFERRED.length();

    private static void check(String name, UnaryOperator<FloatVector> f, DoubleUnaryOperator exact, float[] xs) {
        float[] padded = java.util.Arrays.copyOf(xs, (xs.length + L - 1) / L * L);
        float[] got = new float[padded.length];
        for (int i = 0; i < padded.length; i += L) {
            f.apply(FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, padded, i)).intoArray(got, i);
        }
        for (int i = 0; i < xs.length; i++) {
            float want = (float) exact.applyAsDouble(xs[i]);
            boolean ok = Float.isNaN(want) ? Float.isNaN(got[i])
                    : Float.isInfinite(want) || want == 0 ? Float.compare(want, got[i]) == 0 || (want == 0 && got[i] == 0)
                    : Math.abs(got[i] - want) <= 2 * Math.ulp(want);
            if (!ok) {
                fail(name + "(" + xs[i] + "): expected " + want + ", got " + got[i]);
            }
        }
    }

    private static float[] random(long seed, int n, double lo, double hi, float... specials) {
        Random rnd = new Random(seed);
        float[] x = new float[n + specials.length];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (lo + (hi - lo) * rnd.nextDouble());
        }
        System.arraycopy(specials, 0, x, n, specials.length);
        return x;
    }

    private static final float NAN = Float.NaN, INF = Float.POSITIVE_INFINITY, SUB = Float.MIN_VALUE * 1000;

    @Test
    void expIsWithinTwoUlpsEverywhere() {
        check("exp", VectorMath::exp, StrictMath::exp, random(1, 5000, -104, 89,
                0f, -0f, 1f, -1f, 88.72283f, 88.7229f, 89f, -87.3f, -100f, -103.9f, -104f, -200f, INF, -INF, NAN, 1e-8f));
    }

    @Test
    void logIsWithinTwoUlpsEverywhere() {
        check("log", VectorMath::log, StrictMath::log, random(2, 5000, 0, 1e6,
                0f, -0f, -1f, 1f, 0.70710677f, 0.7071068f, 2f, Float.MIN_VALUE, SUB, Float.MIN_NORMAL, Float.MAX_VALUE,
                INF, -INF, NAN, 1.0000001f, 0.99999994f));
        check("log", VectorMath::log, StrictMath::log, random(3, 5000, 0, 2));
    }

    @Test
    void tanhIsWithinTwoUlpsEverywhere() {
        check("tanh", VectorMath::tanh, StrictMath::tanh, random(4, 5000, -12, 12,
                0f, -0f, 0.625f, -0.625f, 0.62499994f, 1e-20f, -1e-20f, 9f, 20f, -20f, INF, -INF, NAN));
    }

    @Test
    void expm1AndLog1pKeepTheirAccuracyNearZero() {
        check("expm1", VectorMath::expm1, StrictMath::expm1, random(5, 5000, -20, 20,
                0f, -0f, 1e-10f, -1e-10f, 1e-7f, -3e-8f, 88f, 89f, -90f, INF, -INF, NAN));
        check("expm1", VectorMath::expm1, StrictMath::expm1, random(6, 5000, -1e-3, 1e-3));
        check("log1p", VectorMath::log1p, StrictMath::log1p, random(7, 5000, -0.999, 1e4,
                0f, -0f, 1e-10f, -1e-10f, -1f, -2f, 1e30f, INF, NAN));
        check("log1p", VectorMath::log1p, StrictMath::log1p, random(8, 5000, -1e-3, 1e-3));
    }
}
