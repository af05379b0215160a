package dev.faltung.nn.optim;

import dev.faltung.autodiff.NoGrad;
import dev.faltung.autodiff.Tensor;
import java.util.Collection;

/** Gradient clipping utilities with the semantics of {@code torch.nn.utils.clip_grad_norm_/clip_grad_value_}. */
public final class GradientClipping {

    private GradientClipping() {
    }

    /**
     * Scales every gradient by {@code maxNorm / (‖g‖ + 1e-6)} when the global L2 norm
     * {@code ‖g‖ = √Σ_p Σ g_p²} exceeds {@code maxNorm}; returns {@code ‖g‖} before clipping.
     * Parameters without a gradient are skipped.
     */
    public static double clipByGlobalNorm(Collection<Tensor> parameters, double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("clipByGlobalNorm: maxNorm must be positive, got " + maxNorm);
        }
        double total = 0;
        try (NoGrad ignored = NoGrad.enter()) {
            for (Tensor p : parameters) {
                if (p.grad() != null) {
                    total += p.grad().to(dev.faltung.kernel.DType.FLOAT64).square().sum().item();
                }
            }
            double norm = Math.sqrt(total);
            double coef = maxNorm / (norm + 1e-6);
            if (coef < 1) {
                for (Tensor p : parameters) {
                    if (p.grad() != null) {
                        p.setGrad(p.grad().mul(coef));
                    }
                }
            }
            return norm;
        }
    }

    /** Clamps every gradient element to {@code [-clip, clip]}. */
    public static void clipByValue(Collection<Tensor> parameters, double clip) {
        if (!(clip >= 0)) {
            throw new IllegalArgumentException("clipByValue: clip must be non-negative, got " + clip);
        }
        try (NoGrad ignored = NoGrad.enter()) {
            for (Tensor p : parameters) {
                if (p.grad() != null) {
                    p.setGrad(p.grad().clamp(-clip, clip));
                }
            }
        }
    }
}
