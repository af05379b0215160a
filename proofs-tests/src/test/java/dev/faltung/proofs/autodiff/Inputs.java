package dev.faltung.proofs.autodiff;

import dev.faltung.autodiff.Tensor;
import dev.faltung.kernel.DType;
import java.util.SplittableRandom;

/** Input domains for op specs: each keeps an op away from where it is undefined or not smooth. */
enum Inputs {
    /** Anywhere in [-2, 2]. */
    ANY,
    /** In [0.5, 2]: log, sqrt, division, fractional powers. */
    POSITIVE,
    /** ±[0.1, 1.5]: kinks at 0 (relu, abs, leaky relu) stay out of reach of the finite difference. */
    AWAY_FROM_ZERO;

    Tensor make(SplittableRandom rnd, DType dtype, int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = switch (this) {
                case ANY -> rnd.nextDouble(-2, 2);
                case POSITIVE -> rnd.nextDouble(0.5, 2);
                case AWAY_FROM_ZERO -> (rnd.nextBoolean() ? 1 : -1) * rnd.nextDouble(0.1, 1.5);
            };
        }
        return Tensor.of(v, shape).to(dtype);
    }
}
