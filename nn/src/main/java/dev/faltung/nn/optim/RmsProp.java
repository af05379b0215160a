package dev.faltung.nn.optim;

import dev.faltung.autodiff.Expr;
import dev.faltung.autodiff.Tensor;
import java.util.Map;

/**
 * RMSProp (Tieleman &amp; Hinton 2012) as {@code torch.optim.RMSprop}
 * (<a href="https://pytorch.org/docs/stable/generated/torch.optim.RMSprop.html">formula</a>):
 * {@code g ← g + λθ}, {@code v_t = α·v_{t-1} + (1-α)·g²}, {@code d = √v_t + ε} (centred:
 * {@code d = √(v_t - m_t²) + ε} with {@code m_t = α·m_{t-1} + (1-α)·g}); then
 * {@code θ ← θ - η·g/d}, or with momentum μ {@code b_t = μ·b_{t-1} + g/d}, {@code θ ← θ - η·b_t}.
 * Defaults α = 0.99, ε = 1e-8.
 */
public final class RmsProp extends ParameterOptimizer {

    private final double alpha;
    private final double eps;
    private final double momentum;
    private final boolean centered;

    public RmsProp(Map<String, Tensor> params, double lr) {
        this(params, lr, 0.99, 1e-8, 0, 0, false);
    }

    public RmsProp(Map<String, Tensor> params, double lr, double alpha, double eps, double weightDecay,
                   double momentum, boolean centered) {
        super("RmsProp", params, lr, weightDecay, slotNames(momentum, centered));
        if (!(alpha >= 0 && alpha <= 1) || !(eps >= 0) || !(momentum >= 0)) {
            throw new IllegalArgumentException("RmsProp: need alpha in [0, 1], eps >= 0, momentum >= 0, got " + alpha
                    + ", " + eps + ", " + momentum);
        }
        this.alpha = alpha;
        this.eps = eps;
        this.momentum = momentum;
        this.centered = centered;
    }

    private static String[] slotNames(double momentum, boolean centered) {
        java.util.List<String> s = new java.util.ArrayList<>(java.util.List.of("square_avg"));
        if (momentum > 0) {
            s.add("momentum_buffer");
        }
        if (centered) {
            s.add("grad_avg");
        }
        return s.toArray(String[]::new);
    }

    @Override
    protected Expr update(String name, Expr p, Expr g, long t) {
        Expr v = slot("square_avg", name).mul(alpha).add(g.square().mul(1 - alpha));
        setSlot("square_avg", name, v);
        Expr denom;
        if (centered) {
            Expr m = slot("grad_avg", name).mul(alpha).add(g.mul(1 - alpha));
            setSlot("grad_avg", name, m);
            denom = v.sub(m.square()).sqrt().add(eps);
        } else {
            denom = v.sqrt().add(eps);
        }
        Expr step = g.div(denom);
        if (momentum > 0) {
            step = slot("momentum_buffer", name).mul(momentum).add(step);
            setSlot("momentum_buffer", name, step);
        }
        return p.sub(step.mul(learningRate()));
    }
}
