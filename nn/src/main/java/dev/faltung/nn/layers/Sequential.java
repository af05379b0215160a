package dev.faltung.nn.layers;

import dev.faltung.autodiff.NoGrad;
import dev.faltung.autodiff.Tensor;
import dev.faltung.kernel.DType;
import dev.faltung.nn.Module;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies its children in order. Children are named {@code 0, 1, 2, ...} as in PyTorch's
 * Sequential, or explicitly ({@code conv1}, {@code layer1}) to mirror a reference model's names.
 */
public final class Sequential extends Layer {

    private final List<Module> layers = new ArrayList<>();

    public Sequential(Module... layers) {
        for (Module m : layers) {
            add(m);
        }
    }

    public Sequential(List<? extends Module> layers) {
        layers.forEach(this::add);
    }

    /** Appends {@code m} as child {@code size()}; returns this. */
    public Sequential add(Module m) {
        return add(Integer.toString(layers.size()), m);
    }

    /** Appends {@code m} as child {@code name}; returns this. */
    public Sequential add(String name, Module m) {
        addChild(name, m);
        layers.add(m);
        return this;
    }

    public Module get(int i) {
        return layers.get(i);
    }

    public int size() {
        return layers.size();
    }

    /**
     * Runs the children in order, except that a {@link ReLU} followed by a {@link MaxPool2d}
     * pools first: max pooling commutes with any non-decreasing function, so the output is the
     * same, and so is every gradient (the pool picks the same window element, or, where a window
     * holds no positive value, the ReLU passes no gradient either way; a zero's sign may differ). The ReLU then runs on the
     * pooled quarter of the values, and the full-size ReLU output and its gradient, two arrays
     * of a network's largest activations, are never made.
     */
    @Override
    public Tensor forward(Tensor x) {
        for (int i = 0; i < layers.size(); i++) {
            Module m = layers.get(i);
            if (m instanceof ReLU && i + 1 < layers.size() && layers.get(i + 1) instanceof MaxPool2d pool) {
                x = m.forward(pool.forward(x));
                i++;
            } else {
                x = m.forward(x);
            }
        }
        return x;
    }

    @Override
    public int[] outputShape(int[] s) {
        for (Module m : layers) {
            s = shapeOf(m, s);
        }
        return s;
    }

    /**
     * The output shape of any module: computed for a {@link Layer}, otherwise found by running it
     * on zeros under {@link NoGrad}.
     */
    public static int[] shapeOf(Module m, int[] input) {
        if (m instanceof Layer l) {
            return l.outputShape(input);
        }
        try (NoGrad ignored = NoGrad.enter()) {
            return m.forward(Tensor.zeros(DType.FLOAT32, input)).shape();
        }
    }
}
