package dev.faltung.nn.layers;

import dev.faltung.autodiff.Tensor;
import dev.faltung.nn.Module;
import java.util.Arrays;

/**
 * Runs every branch on the same input and concatenates their outputs along the channel
 * dimension 1 (the branches must agree on every other dimension). Branches are named
 * {@code 0, 1, ...}.
 */
public final class Concat extends Layer {

    private final Module[] branches;

    public Concat(Module... branches) {
        if (branches.length == 0) {
            throw new IllegalArgumentException("Concat: needs at least one branch");
        }
        this.branches = branches.clone();
        for (int i = 0; i < branches.length; i++) {
            addChild(Integer.toString(i), branches[i]);
        }
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor[] outs = new Tensor[branches.length];
        for (int i = 0; i < branches.length; i++) {
            outs[i] = branches[i].forward(x);
        }
        return Tensor.concat(1, outs);
    }

    @Override
    public int[] outputShape(int[] s) {
        int[] out = null;
        for (Module b : branches) {
            int[] o = Sequential.shapeOf(b, s);
            if (out == null) {
                out = o;
                continue;
            }
            boolean agree = o.length == out.length && o.length >= 2;
            for (int i = 0; agree && i < o.length; i++) {
                agree = i == 1 || o[i] == out[i];
            }
            if (!agree) {
                throw new IllegalArgumentException("Concat: branch outputs " + Arrays.toString(out) + " and "
                        + Arrays.toString(o) + " differ outside the channel dimension (input " + Arrays.toString(s) + ")");
            }
            out[1] += o[1];
        }
        return out;
    }
}
