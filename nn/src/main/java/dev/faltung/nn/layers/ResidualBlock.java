package dev.faltung.nn.layers;

import dev.faltung.autodiff.ConvSpec;
import dev.faltung.autodiff.Tensor;
import dev.faltung.nn.Seeds;
import java.util.Arrays;

/**
 * The basic residual block of He et al. 2016 (torchvision's {@code BasicBlock}):
 * {@code relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))} with 3×3 convolutions without bias,
 * the first of stride {@code stride}. The shortcut is the identity when shapes agree, otherwise a
 * projection: 1×1 convolution of stride {@code stride} without bias, then batch norm (child
 * {@code downsample}).
 */
public final class ResidualBlock extends Layer {

    private final int in;
    private final int out;
    private final int stride;
    private final Conv2d conv1;
    private final BatchNorm2d bn1;
    private final Conv2d conv2;
    private final BatchNorm2d bn2;
    private final Sequential downsample;

    public ResidualBlock(int in, int out, int stride, long seed) {
        this.in = in;
        this.out = out;
        this.stride = stride;
        ConvSpec three = ConvSpec.DEFAULT.withStride(stride).withPadding(1);
        conv1 = addChild("conv1", new Conv2d(in, out, 3, three, false, Seeds.derive(seed, 0)));
        bn1 = addChild("bn1", new BatchNorm2d(out));
        conv2 = addChild("conv2", new Conv2d(out, out, 3, ConvSpec.DEFAULT.withPadding(1), false, Seeds.derive(seed, 1)));
        bn2 = addChild("bn2", new BatchNorm2d(out));
        if (stride != 1 || in != out) {
            downsample = addChild("downsample", new Sequential(
                    new Conv2d(in, out, 1, ConvSpec.DEFAULT.withStride(stride), false, Seeds.derive(seed, 2)),
                    new BatchNorm2d(out)));
        } else {
            downsample = null;
        }
    }

    /** Whether the shortcut is a projection rather than the identity. */
    public boolean projects() {
        return downsample != null;
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor y = bn1.forward(conv1.forward(x)).relu();
        y = bn2.forward(conv2.forward(y));
        Tensor shortcut = downsample == null ? x : downsample.forward(x);
        return y.add(shortcut).relu();
    }

    @Override
    public int[] outputShape(int[] s) {
        int[] main = conv2.outputShape(conv1.outputShape(s));
        int[] side = downsample == null ? s : downsample.outputShape(s);
        if (!Arrays.equals(main, side)) {
            throw new IllegalArgumentException(this + ": main path " + Arrays.toString(main) + " and shortcut "
                    + Arrays.toString(side) + " differ for input " + Arrays.toString(s));
        }
        return main;
    }

    @Override
    protected String describe() {
        return in + ", " + out + ", stride=" + stride;
    }
}
