package dev.faltung.nn.layers;

import dev.faltung.autodiff.Tensor;

/** Global average pooling {@code [N, C, H, W] -> [N, C]}: the mean of each feature map (Lin et al. 2014). */
public final class GlobalAvgPool extends Layer {

    @Override
    public Tensor forward(Tensor x) {
        outputShape(x.shape());
        return x.mean(new int[] {2, 3}, false);
    }

    @Override
    public int[] outputShape(int[] s) {
        requireShape(this, s, 4, -1);
        return new int[] {s[0], s[1]};
    }
}
