package dev.faltung.nn.optim;

import dev.faltung.autodiff.Expr;
import dev.faltung.autodiff.Tensor;
import java.util.Map;

/**
 * Adam (Kingma &amp; Ba 2015) as {@code torch.optim.Adam}
 * (<a href="https://pytorch.org/docs/stable/generated/torch.optim.Adam.html">formula</a>):
 * {@code g ← g + λθ}, {@code m_t = β₁m_{t-1} + (1-β₁)g}, {@code v_t = β₂v_{t-1} + (1-β₂)g²},
 * {@code θ ← θ - (η/(1-β₁^t))·m_t/(√v_t/√(1-β₂^t) + ε)}. Defaults β = (0.9, 0.999), ε = 1e-8.
 * {@link AdamW} replaces the coupled decay with a decoupled one.
 */
public class Adam extends ParameterOptimizer {

    private final double beta1;
    private final double beta2;
    private final double eps;

    public Adam(Map<String, Tensor> params, double lr) {
        this(params, lr, 0.9, 0.999, 1e-8, 0);
    }

    public Adam(Map<String, Tensor> params, double lr, double beta1, double beta2, double eps, double weightDecay) {
        super("Adam", params, lr, weightDecay, "exp_avg", "exp_avg_sq");
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(eps >= 0)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": need betas in [0, 1) and eps >= 0, got "
                    + beta1 + ", " + beta2 + ", " + eps);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
    }

    @Override
    protected Expr update(String name, Expr p, Expr g, long t) {
        Expr m = slot("exp_avg", name).mul(beta1).add(g.mul(1 - beta1));
        Expr v = slot("exp_avg_sq", name).mul(beta2).add(g.square().mul(1 - beta2));
        setSlot("exp_avg", name, m);
        setSlot("exp_avg_sq", name, v);
        double bc1 = 1 - Math.pow(beta1, t);
        double bc2 = 1 - Math.pow(beta2, t);
        Expr denom = v.sqrt().div(Math.sqrt(bc2)).add(eps);
        return p.sub(m.div(denom).mul(learningRate() / bc1));
    }
}
