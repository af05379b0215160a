package dev.faltung.nn.layers;

import dev.faltung.autodiff.Tensor;
import java.util.Arrays;

/**
 * The output normalisation of Dieleman et al.'s Galaxy Zoo network: outputs {@code [N, Σ sizes]}
 * are split into consecutive groups and within each group
 * {@code z'_i = max(0, z_i) / (ε + Σ_{k∈group} max(0, z_k))}, so each group is a (sub-)probability
 * distribution without the exponentials of a softmax.
 */
public final class FlatOutputProbabilities extends Layer {

    private final int[] groups;
    private final int total;
    private final double eps;

    public FlatOutputProbabilities(int[] groupSizes, double eps) {
        if (groupSizes.length == 0 || Arrays.stream(groupSizes).anyMatch(g -> g <= 0) || !(eps >= 0)) {
            throw new IllegalArgumentException("FlatOutputProbabilities: need positive group sizes and eps >= 0, got "
                    + Arrays.toString(groupSizes) + ", eps=" + eps);
        }
        this.groups = groupSizes.clone();
        this.total = Arrays.stream(groupSizes).sum();
        this.eps = eps;
    }

    /** ε = 1e-12. */
    public FlatOutputProbabilities(int... groupSizes) {
        this(groupSizes, 1e-12);
    }

    @Override
    public Tensor forward(Tensor x) {
        outputShape(x.shape());
        Tensor positive = x.relu();
        Tensor[] parts = new Tensor[groups.length];
        int at = 0;
        for (int g = 0; g < groups.length; g++) {
            Tensor z = positive.slice(1, at, at + groups[g]);
            parts[g] = z.div(z.sum(new int[] {1}, true).add(eps));
            at += groups[g];
        }
        return Tensor.concat(1, parts);
    }

    @Override
    public int[] outputShape(int[] s) {
        if (s.length != 2 || s[1] != total) {
            throw new IllegalArgumentException("FlatOutputProbabilities: expected [N, " + total + "] for groups "
                    + Arrays.toString(groups) + ", got " + Arrays.toString(s));
        }
        return s.clone();
    }

    @Override
    protected String describe() {
        return "groups=" + Arrays.toString(groups);
    }
}
