package dev.faltung.nn.layers;

import dev.faltung.autodiff.Pooling;
import dev.faltung.autodiff.Tensor;

/**
 * Average pooling over {@code [N, C, H, W]} as {@code torch.nn.AvgPool2d}: overlapping windows,
 * zero padding that counts in the divisor when {@code countIncludePad}, ceil mode. LeNet-5's
 * subsampling layers are this without the trainable coefficient.
 */
public final class AvgPool2d extends Layer {

    private final PoolSpec spec;
    private final boolean countIncludePad;

    /** Non-overlapping {@code kernel}×{@code kernel} windows. */
    public AvgPool2d(int kernel) {
        this(kernel, kernel, 0, false, true);
    }

    public AvgPool2d(int kernel, int stride, int padding, boolean ceilMode, boolean countIncludePad) {
        this.spec = new PoolSpec(kernel, kernel, stride, stride, padding, padding, ceilMode);
        this.countIncludePad = countIncludePad;
    }

    @Override
    public Tensor forward(Tensor x) {
        outputShape(x.shape());
        return Pooling.avgPool2d(x, spec.kernel(), spec.stride(), spec.padding(), spec.ceilMode(), countIncludePad);
    }

    @Override
    public int[] outputShape(int[] s) {
        return spec.outputShape(this, s, countIncludePad);
    }

    @Override
    protected String describe() {
        return spec + (countIncludePad ? "" : ", countIncludePad=false");
    }
}
