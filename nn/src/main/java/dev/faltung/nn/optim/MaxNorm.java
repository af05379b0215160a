package dev.faltung.nn.optim;

import dev.faltung.autodiff.NoGrad;
import dev.faltung.autodiff.Tensor;
import dev.faltung.nn.init.Init;
import java.util.Arrays;
import java.util.List;

/**
 * The max-norm constraint of Srivastava et al. 2014 (dropout paper, section 5.1): after each step
 * the incoming weight vector of every output unit is projected onto the ball
 * {@code ||w||₂ ≤ c}, i.e. scaled by {@code c/||w||₂} where it is longer. For a weight
 * {@code [out, ...]} (Dense {@code [out, in]}, Conv {@code [out, in, kh, kw]}) unit i's vector is
 * {@code w[i, ...]}.
 */
public final class MaxNorm implements Constraint {

    private final double c;
    private final List<Tensor> weights;

    public MaxNorm(double c, List<Tensor> weights) {
        if (!(c > 0)) {
            throw new IllegalArgumentException("MaxNorm: the bound c must be positive, got " + c);
        }
        for (Tensor w : weights) {
            if (w.rank() < 2) {
                throw new IllegalArgumentException("MaxNorm: weights need an output dimension and at least one more, got "
                        + Arrays.toString(w.shape()));
            }
        }
        this.c = c;
        this.weights = List.copyOf(weights);
    }

    @Override
    public void apply() {
        try (NoGrad ignored = NoGrad.enter()) {
            for (Tensor w : weights) {
                int[] rest = new int[w.rank() - 1];
                for (int i = 0; i < rest.length; i++) {
                    rest[i] = i + 1;
                }
                Tensor detached = w.detach();
                Tensor norms = detached.square().sum(rest, true).sqrt();
                // scale = min(1, c/norm); a zero row has norm 0 and keeps scale 1.
                Tensor scale = Tensor.scalar(c, w.dtype()).div(norms.clamp(c, Double.MAX_VALUE));
                Init.assign(w, detached.mul(scale));
            }
        }
    }
}
