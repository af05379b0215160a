package dev.faltung.nn.layers;

import dev.faltung.autodiff.ConvSpec;
import dev.faltung.autodiff.Tensor;
import dev.faltung.nn.Seeds;

/**
 * The Inception module of Szegedy et al. 2015 (GoogLeNet, figure 2b): four parallel branches
 * concatenated along channels — a 1×1 convolution; 1×1 reduction then 3×3; 1×1 reduction then
 * 5×5; 3×3 max pooling (stride 1, padding 1) then 1×1 projection — each convolution followed by
 * ReLU and padded to keep the spatial size. Output channels {@code c1 + c3 + c5 + poolProj}.
 */
public final class InceptionBlock extends Layer {

    private final Concat branches;
    private final String sizes;

    public InceptionBlock(int in, int c1, int c3Reduce, int c3, int c5Reduce, int c5, int poolProj, long seed) {
        ConvSpec same = ConvSpec.DEFAULT;
        branches = addChild("branches", new Concat(
                new Sequential(new Conv2d(in, c1, 1, Seeds.derive(seed, 0)), new ReLU()),
                new Sequential(new Conv2d(in, c3Reduce, 1, Seeds.derive(seed, 1)), new ReLU(),
                        new Conv2d(c3Reduce, c3, 3, same.withPadding(1), true, Seeds.derive(seed, 2)), new ReLU()),
                new Sequential(new Conv2d(in, c5Reduce, 1, Seeds.derive(seed, 3)), new ReLU(),
                        new Conv2d(c5Reduce, c5, 5, same.withPadding(2), true, Seeds.derive(seed, 4)), new ReLU()),
                new Sequential(new MaxPool2d(3, 1, 1, false),
                        new Conv2d(in, poolProj, 1, Seeds.derive(seed, 5)), new ReLU())));
        sizes = in + " -> " + c1 + " + " + c3Reduce + ">" + c3 + " + " + c5Reduce + ">" + c5 + " + pool>" + poolProj;
    }

    @Override
    public Tensor forward(Tensor x) {
        return branches.forward(x);
    }

    @Override
    public int[] outputShape(int[] s) {
        return branches.outputShape(s);
    }

    @Override
    protected String describe() {
        return sizes;
    }
}
