package dev.faltung.kernel.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * float32 exp, log, tanh, expm1 and log1p on vectors, written with IEEE-exact operations only
 * (+, ×, fused multiply-add, comparisons, conversions of integral values, bit moves), after
 * Cephes' single-precision routines: within 2 ulps, and the same bits whether the JIT has
 * compiled the calling loop or not. The Vector API's own {@code lanewise(EXP)} and friends do
 * not promise that: C2's vector routines and the per-lane fallback that runs before compilation
 * differ in the last bit, so a run's results depended on when the JIT got to a loop (and a
 * resumed run, starting cold, did not continue bit-identically).
 */
final class VectorMath {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;

    private static final float LOG2E = 1.44269504088896341f;
    /** ln 2 split so that n·LN2_HI is exact for |n| < 2^9 (Cody and Waite). */
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** 1.5·2^23: adding and subtracting it rounds a float of magnitude below 2^22 to an integer. */
    private static final float ROUNDER = 12582912f;
    /** Above this, e^x overflows float; below the other bound it rounds to zero. */
    private static final float EXP_HI = 88.72283935546875f;
    private static final float EXP_LO = -103.97208f;
    private static final float SQRT_HALF = 0.707106781186547524f;

    private VectorMath() {
    }

    /** e^x. */
    static FloatVector exp(FloatVector x) {
        FloatVector c = x.max(EXP_LO).min(EXP_HI);
        // n = round(x / ln 2), r = x - n·ln 2, |r| ≤ ln 2 / 2
        FloatVector n = c.mul(LOG2E).add(ROUNDER).sub(ROUNDER);
        FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HI), c);
        r = n.fma(FloatVector.broadcast(S, -LN2_LO), r);
        FloatVector z = r.mul(r);
        FloatVector p = FloatVector.broadcast(S, 1.9875691500e-4f);
        p = p.fma(r, FloatVector.broadcast(S, 1.3981999507e-3f));
        p = p.fma(r, FloatVector.broadcast(S, 8.3334519073e-3f));
        p = p.fma(r, FloatVector.broadcast(S, 4.1665795894e-2f));
        p = p.fma(r, FloatVector.broadcast(S, 1.6666665459e-1f));
        p = p.fma(r, FloatVector.broadcast(S, 5.0000001201e-1f));
        p = p.fma(z, r).add(1f);
        // 2^n in two factors, each a normal float, so that results near underflow round once.
        IntVector ni = (IntVector) n.convert(VectorOperators.F2I, 0);
        IntVector half = ni.lanewise(VectorOperators.ASHR, 1);
        FloatVector s1 = half.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector s2 = ni.sub(half).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector y = p.mul(s1).mul(s2);
        y = y.blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.GT, EXP_HI));
        return y.blend(0f, x.compare(VectorOperators.LT, EXP_LO));
    }

    /** ln x: NaN below 0, -∞ at ±0, +∞ at +∞. */
    static FloatVector log(FloatVector x) {
        // Subnormal inputs are scaled into the normal range first.
        VectorMask<Float> tiny = x.compare(VectorOperators.LT, Float.MIN_NORMAL);
        FloatVector v = x.blend(x.mul(8388608f), tiny);
        IntVector bits = v.reinterpretAsInts();
        IntVector e = bits.lanewise(VectorOperators.LSHR, 23).and(0xff).sub(126);
        e = e.blend(e.sub(23), tiny.cast(I));
        // m in [0.5, 1); then shifted to [sqrt(1/2) - 1, sqrt(2) - 1)
        FloatVector m = bits.and(0x807fffff).or(0x3f000000).reinterpretAsFloats();
        VectorMask<Float> low = m.compare(VectorOperators.LT, SQRT_HALF);
        e = e.blend(e.sub(1), low.cast(I));
        m = m.blend(m.add(m), low).sub(1f);
        FloatVector fe = (FloatVector) e.convert(VectorOperators.I2F, 0);
        FloatVector z = m.mul(m);
        FloatVector p = FloatVector.broadcast(S, 7.0376836292e-2f);
        p = p.fma(m, FloatVector.broadcast(S, -1.1514610310e-1f));
        p = p.fma(m, FloatVector.broadcast(S, 1.1676998740e-1f));
        p = p.fma(m, FloatVector.broadcast(S, -1.2420140846e-1f));
        p = p.fma(m, FloatVector.broadcast(S, 1.4249322787e-1f));
        p = p.fma(m, FloatVector.broadcast(S, -1.6668057665e-1f));
        p = p.fma(m, FloatVector.broadcast(S, 2.0000714765e-1f));
        p = p.fma(m, FloatVector.broadcast(S, -2.4999993993e-1f));
        p = p.fma(m, FloatVector.broadcast(S, 3.3333331174e-1f));
        FloatVector y = p.mul(m).mul(z);
        y = fe.fma(FloatVector.broadcast(S, LN2_LO), y);
        y = z.fma(FloatVector.broadcast(S, -0.5f), y);
        FloatVector result = m.add(y);
        result = fe.fma(FloatVector.broadcast(S, LN2_HI), result);
        result = result.blend(Float.NEGATIVE_INFINITY, x.compare(VectorOperators.EQ, 0f));
        result = result.blend(Float.NaN, x.compare(VectorOperators.LT, 0f).or(x.test(VectorOperators.IS_NAN)));
        return result.blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.EQ, Float.POSITIVE_INFINITY));
    }

    /** tanh x: a polynomial near 0, 1 - 2/(e^{2|x|} + 1) beyond (odd by symmetry). */
    static FloatVector tanh(FloatVector x) {
        FloatVector a = x.abs();
        FloatVector z = x.mul(x);
        FloatVector p = FloatVector.broadcast(S, -5.70498872745e-3f);
        p = p.fma(z, FloatVector.broadcast(S, 2.06390887954e-2f));
        p = p.fma(z, FloatVector.broadcast(S, -5.37397155531e-2f));
        p = p.fma(z, FloatVector.broadcast(S, 1.33314422036e-1f));
        p = p.fma(z, FloatVector.broadcast(S, -3.33332819422e-1f));
        FloatVector small = p.mul(z).fma(x, x);
        FloatVector e = exp(a.add(a));
        FloatVector large = FloatVector.broadcast(S, 1f).sub(FloatVector.broadcast(S, 2f).div(e.add(1f)));
        large = large.blend(large.neg(), x.compare(VectorOperators.LT, 0f));
        // x itself for NaN (and ±0, whose sign the polynomial keeps).
        return large.blend(small, a.compare(VectorOperators.LT, 0.625f).or(x.test(VectorOperators.IS_NAN)));
    }

    /** e^x - 1, accurate near 0 (Kahan: (u - 1)·x / ln u with u = e^x). */
    static FloatVector expm1(FloatVector x) {
        FloatVector u = exp(x);
        FloatVector um1 = u.sub(1f);
        FloatVector corrected = um1.mul(x).div(log(u));
        // The correction only near 0, where u - 1 cancels (away from it, it would overflow);
        // u == 1: x is below an ulp of 1.
        FloatVector y = um1.blend(corrected, x.abs().compare(VectorOperators.LT, 0.5f));
        y = y.blend(x, u.compare(VectorOperators.EQ, 1f));
        return y.blend(x, x.test(VectorOperators.IS_NAN));
    }

    /** ln(1 + x), accurate near 0 (Kahan: ln u · x / (u - 1) with u = 1 + x). */
    static FloatVector log1p(FloatVector x) {
        FloatVector u = x.add(1f);
        FloatVector lu = log(u);
        FloatVector corrected = lu.mul(x).div(u.sub(1f));
        // As in expm1: the correction only near 0 (and x itself when 1 + x rounds to 1).
        FloatVector y = lu.blend(corrected, x.abs().compare(VectorOperators.LT, 0.5f));
        return y.blend(x, u.compare(VectorOperators.EQ, 1f).or(x.test(VectorOperators.IS_NAN)));
    }
}
