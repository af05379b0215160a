package dev.faltung.nn.optim;

import dev.faltung.autodiff.Expr;
import dev.faltung.autodiff.Tensor;
import java.util.Map;

/**
 * AdamW (Loshchilov &amp; Hutter 2019) as {@code torch.optim.AdamW}
 * (<a href="https://pytorch.org/docs/stable/generated/torch.optim.AdamW.html">formula</a>):
 * decoupled weight decay {@code θ ← θ·(1 - ηλ)} first, then the {@link Adam} update with the raw
 * gradient. Default λ = 0.01.
 */
public final class AdamW extends Adam {

    public AdamW(Map<String, Tensor> params, double lr) {
        this(params, lr, 0.9, 0.999, 1e-8, 0.01);
    }

    public AdamW(Map<String, Tensor> params, double lr, double beta1, double beta2, double eps, double weightDecay) {
        super(params, lr, beta1, beta2, eps, weightDecay);
    }

    @Override
    protected boolean decoupledDecay() {
        return true;
    }

    @Override
    protected Expr update(String name, Expr p, Expr g, long t) {
        return super.update(name, p.mul(1 - learningRate() * weightDecay()), g, t);
    }
}
