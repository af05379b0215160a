package dev.faltung.nn.optim;

import dev.faltung.autodiff.Expr;
import dev.faltung.autodiff.Tensor;
import java.util.Map;

/**
 * Stochastic gradient descent as {@code torch.optim.SGD}
 * (<a href="https://pytorch.org/docs/stable/generated/torch.optim.SGD.html">formula</a>): with
 * {@code g ← g + λθ}, plain SGD is {@code θ ← θ - η·g}; with momentum μ the buffer is
 * {@code b₁ = g}, {@code b_t = μ·b_{t-1} + (1-τ)·g} (dampening τ) and the step uses {@code b_t},
 * or {@code g + μ·b_t} for Nesterov momentum (Sutskever et al. 2013).
 */
public final class Sgd extends ParameterOptimizer {

    private final double momentum;
    private final double dampening;
    private final boolean nesterov;

    /** Plain SGD. */
    public Sgd(Map<String, Tensor> params, double lr) {
        this(params, lr, 0, 0, 0, false);
    }

    public Sgd(Map<String, Tensor> params, double lr, double momentum, double dampening, double weightDecay,
               boolean nesterov) {
        super("Sgd", params, lr, weightDecay, momentum != 0 ? new String[] {"momentum_buffer"} : new String[0]);
        if (!(momentum >= 0) || !(dampening >= 0 && dampening <= 1)) {
            throw new IllegalArgumentException("Sgd: momentum must be >= 0 and dampening in [0, 1], got " + momentum
                    + ", " + dampening);
        }
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException("Sgd: Nesterov momentum requires momentum > 0 and zero dampening");
        }
        this.momentum = momentum;
        this.dampening = dampening;
        this.nesterov = nesterov;
    }

    /** SGD with classical (heavy-ball) momentum μ. */
    public static Sgd momentum(Map<String, Tensor> params, double lr, double momentum) {
        return new Sgd(params, lr, momentum, 0, 0, false);
    }

    /** SGD with Nesterov momentum μ. */
    public static Sgd nesterov(Map<String, Tensor> params, double lr, double momentum) {
        return new Sgd(params, lr, momentum, 0, 0, true);
    }

    @Override
    protected Expr update(String name, Expr p, Expr g, long t) {
        if (momentum != 0) {
            Expr buf = t == 1 ? g : slot("momentum_buffer", name).mul(momentum).add(g.mul(1 - dampening));
            setSlot("momentum_buffer", name, buf);
            g = nesterov ? g.add(buf.mul(momentum)) : buf;
        }
        return p.sub(g.mul(learningRate()));
    }
}
