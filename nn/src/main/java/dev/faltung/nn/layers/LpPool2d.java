package dev.faltung.nn.layers;

import dev.faltung.autodiff.Pooling;
import dev.faltung.autodiff.Tensor;

/**
 * Power-average (L<sub>p</sub>) pooling of Sermanet, Chintala &amp; LeCun 2012:
 * {@code y = (Σ_window x^p)^(1/p)}, computed exactly as {@code torch.nn.functional.lp_pool2d}:
 * {@code (sign(a)·relu(|a|)·kh·kw)^(1/p)} with {@code a = avg_pool2d(x^p)} (no padding; in ceil
 * mode a clipped last window is scaled by the full window size, as in PyTorch). p = 1 is sum
 * pooling; p → ∞ approaches max pooling.
 */
public final class LpPool2d extends Layer {

    private final double p;
    private final PoolSpec spec;

    public LpPool2d(double p, int kernel, int stride, boolean ceilMode) {
        if (!(p > 0) || Double.isInfinite(p)) {
            throw new IllegalArgumentException("LpPool2d: norm type p must be positive and finite, got " + p);
        }
        this.p = p;
        this.spec = new PoolSpec(kernel, kernel, stride, stride, 0, 0, ceilMode);
    }

    @Override
    public Tensor forward(Tensor x) {
        outputShape(x.shape());
        Tensor a = Pooling.avgPool2d(x.pow(p), spec.kernel(), spec.stride(), spec.padding(), spec.ceilMode(), true);
        return a.sign().mul(a.abs().relu()).mul(spec.kernelH() * spec.kernelW()).pow(1.0 / p);
    }

    @Override
    public int[] outputShape(int[] s) {
        return spec.outputShape(this, s, true);
    }

    @Override
    protected String describe() {
        return "p=" + p + ", " + spec;
    }
}
