package dev.faltung.bench;

import dev.faltung.kernel.conv.ConvGeometry;

/**
 * The convolution shapes benchmarked, from the networks they come from, as
 * {@code N,C,H,W,K,R,S,stride,pad} (square stride, padding on every side). The same list is in
 * {@code bench/side_by_side.py}.
 */
public enum ConvShape {
    LENET_CONV1(64, 1, 28, 28, 6, 5, 5, 1, 0),
    LENET_CONV2(64, 6, 14, 14, 16, 5, 5, 1, 0),
    /** The Fashion-MNIST benchmark CNN's first layer, where PyTorch's backward is weak (issue #4). */
    FMNIST_CONV1(64, 1, 28, 28, 32, 5, 5, 1, 2),
    FMNIST_CONV2(64, 32, 14, 14, 64, 5, 5, 1, 2),
    VGG_BLOCK(16, 64, 56, 56, 64, 3, 3, 1, 1),
    RESNET_BLOCK(32, 128, 28, 28, 128, 3, 3, 1, 1),
    ALEXNET_CONV1(8, 3, 227, 227, 96, 11, 11, 4, 0),
    LARGE_KERNEL(8, 16, 64, 64, 16, 15, 15, 1, 7);

    private final ConvGeometry geometry;

    ConvShape(int n, int c, int h, int w, int k, int r, int s, int stride, int pad) {
        geometry = new ConvGeometry(n, c, h, w, k, r, s, stride, stride, pad, pad, pad, pad, 1, 1, 1);
    }

    public ConvGeometry geometry() {
        return geometry;
    }
}
