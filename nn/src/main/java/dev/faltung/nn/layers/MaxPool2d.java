package dev.faltung.nn.layers;

import dev.faltung.autodiff.Pooling;
import dev.faltung.autodiff.Tensor;

/**
 * Max pooling over {@code [N, C, H, W]} as {@code torch.nn.MaxPool2d}: windows may overlap
 * (stride &lt; kernel), padding is -∞ (at most half the kernel), ceil mode keeps a last partial
 * window that starts inside the input.
 */
public final class MaxPool2d extends Layer {

    private final PoolSpec spec;

    /** Non-overlapping {@code kernel}×{@code kernel} windows. */
    public MaxPool2d(int kernel) {
        this(kernel, kernel, 0, false);
    }

    public MaxPool2d(int kernel, int stride, int padding, boolean ceilMode) {
        this.spec = new PoolSpec(kernel, kernel, stride, stride, padding, padding, ceilMode);
    }

    @Override
    public Tensor forward(Tensor x) {
        outputShape(x.shape());
        return Pooling.maxPool2d(x, spec.kernel(), spec.stride(), spec.padding(), spec.ceilMode());
    }

    @Override
    public int[] outputShape(int[] s) {
        return spec.outputShape(this, s, false);
    }

    @Override
    protected String describe() {
        return spec.toString();
    }
}
