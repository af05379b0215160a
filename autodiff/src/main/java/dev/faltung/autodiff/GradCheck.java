package dev.faltung.autodiff;

import dev.faltung.kernel.DType;
import java.util.Arrays;
import java.util.function.Function;

/**
 * Checks reverse-mode gradients against central differences in float64, for users and tests.
 *
 * <p>The function's output {@code y} is projected to a scalar {@code L = Σ r ⊙ y} with fixed
 * random weights {@code r}, so every output element contributes with a distinct weight. For each
 * element {@code x_j} of each input that {@link Tensor#requiresGrad() requires grad}, the numeric
 * derivative {@code (L(x_j+ε) - L(x_j-ε)) / 2ε} is compared with the analytic one from
 * {@link Tensor#backward()}: they agree when {@code |a - n| ≤ atol + rtol·|n|}. Inputs are
 * converted to float64 first (central differences in float32 are noise), so check functions that
 * are deterministic and smooth near the given points (nudge inputs away from kinks such as
 * relu's 0).
 */
public final class GradCheck {

    /** The largest disagreement found, and where. */
    public record Report(int elementsChecked, double maxAbsError, String worst) {
    }

    public static final double DEFAULT_EPS = 1e-6;
    public static final double DEFAULT_ATOL = 1e-6;
    public static final double DEFAULT_RTOL = 1e-4;

    private GradCheck() {
    }

    /** {@link #check(Function, double, double, double, Tensor...)} with the default tolerances. */
    public static Report check(Function<Tensor[], Tensor> f, Tensor... inputs) {
        return check(f, DEFAULT_EPS, DEFAULT_ATOL, DEFAULT_RTOL, inputs);
    }

    /**
     * Throws {@link AssertionError} naming the input, the element, and both derivatives at the
     * first disagreement; otherwise returns a report.
     */
    public static Report check(Function<Tensor[], Tensor> f, double eps, double atol, double rtol, Tensor... inputs) {
        Tensor[] xs = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            xs[i] = inputs[i] == null ? null
                    : inputs[i].detach().to(DType.FLOAT64).copy().requiresGrad(inputs[i].requiresGrad());
        }
        Tensor y = f.apply(xs);
        if (y.dtype() != DType.FLOAT64) {
            throw new IllegalArgumentException("GradCheck: the function returned " + y.dtype()
                    + " from float64 inputs; it must compute in the dtype of its inputs");
        }
        Tensor r = Tensor.normal(0x5EEDL, 0.0, 1.0, DType.FLOAT64, y.shape());
        if (!y.requiresGrad()) {
            throw new IllegalArgumentException("GradCheck: no input requires grad, nothing to check");
        }
        y.mul(r).sum().backward();

        int checked = 0;
        double worstError = 0;
        String worst = "none";
        for (int i = 0; i < xs.length; i++) {
            if (xs[i] == null || !xs[i].requiresGrad()) {
                continue;
            }
            Tensor x = xs[i];
            Tensor analytic = x.grad();
            for (int j = 0; j < x.numel(); j++) {
                double original = x.buffer().get(j);
                double plus, minus;
                try (NoGrad ignored = NoGrad.enter()) {
                    x.buffer().set(j, original + eps);
                    plus = f.apply(xs).mul(r).sum().item();
                    x.buffer().set(j, original - eps);
                    minus = f.apply(xs).mul(r).sum().item();
                } finally {
                    x.buffer().set(j, original);
                }
                double numeric = (plus - minus) / (2 * eps);
                double a = analytic == null ? 0.0 : analytic.buffer().get(j);
                double err = Math.abs(a - numeric);
                checked++;
                if (err > worstError) {
                    worstError = err;
                    worst = "input " + i + " element " + j;
                }
                if (!(err <= atol + rtol * Math.abs(numeric))) {
                    throw new AssertionError("GradCheck: input " + i + " of shape " + Arrays.toString(x.shape())
                            + ", element " + j + ": analytic " + a + ", numeric " + numeric + " (|diff| " + err
                            + " > atol " + atol + " + rtol " + rtol + "·|numeric|)");
                }
            }
        }
        return new Report(checked, worstError, worst);
    }
}
