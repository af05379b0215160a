package dev.faltung.nn.optim;

import dev.faltung.autodiff.Expr;
import dev.faltung.autodiff.Tensor;
import java.util.Map;

/**
 * AdaGrad (Duchi et al. 2011) as {@code torch.optim.Adagrad}
 * (<a href="https://pytorch.org/docs/stable/generated/torch.optim.Adagrad.html">formula</a>):
 * {@code g ← g + λθ}, {@code s_t = s_{t-1} + g²}, {@code θ ← θ - η_t·g/(√s_t + ε)} with
 * {@code η_t = η/(1 + (t-1)·decay)}; ε = 1e-10, s₀ = 0.
 */
public final class AdaGrad extends ParameterOptimizer {

    private final double lrDecay;
    private final double eps;

    public AdaGrad(Map<String, Tensor> params, double lr) {
        this(params, lr, 0, 0, 1e-10);
    }

    public AdaGrad(Map<String, Tensor> params, double lr, double lrDecay, double weightDecay, double eps) {
        super("AdaGrad", params, lr, weightDecay, "sum");
        this.lrDecay = lrDecay;
        this.eps = eps;
    }

    @Override
    protected Expr update(String name, Expr p, Expr g, long t) {
        double clr = learningRate() / (1 + (t - 1) * lrDecay);
        Expr sum = slot("sum", name).add(g.square());
        setSlot("sum", name, sum);
        return p.sub(g.div(sum.sqrt().add(eps)).mul(clr));
    }
}
