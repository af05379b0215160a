package dev.faltung.nn.layers;

import dev.faltung.autodiff.Tensor;
import java.util.Arrays;

/**
 * Local response normalisation across channels (Krizhevsky et al. 2012) with the semantics of
 * {@code torch.nn.LocalResponseNorm}: {@code b_c = a_c / (k + α/n · Σ_{c'} a_{c'}²)^β}, the sum
 * over channels {@code c - ⌊n/2⌋ .. c + ⌊(n-1)/2⌋} with zeros outside, and always divided by n.
 * Input {@code [N, C, ...]}.
 */
public final class LocalResponseNorm extends Layer {

    private final int size;
    private final double alpha;
    private final double beta;
    private final double k;

    /** PyTorch's defaults alpha 1e-4, beta 0.75, k 1. */
    public LocalResponseNorm(int size) {
        this(size, 1e-4, 0.75, 1.0);
    }

    public LocalResponseNorm(int size, double alpha, double beta, double k) {
        if (size <= 0) {
            throw new IllegalArgumentException("LocalResponseNorm: size must be positive, got " + size);
        }
        this.size = size;
        this.alpha = alpha;
        this.beta = beta;
        this.k = k;
    }

    @Override
    public Tensor forward(Tensor x) {
        int[] s = outputShape(x.shape());
        int[] before = new int[s.length], after = new int[s.length];
        before[1] = size / 2;
        after[1] = (size - 1) / 2;
        Tensor padded = x.square().pad(before, after, 0.0);
        Tensor sum = null;
        for (int j = 0; j < size; j++) {
            Tensor part = padded.slice(1, j, j + s[1]);
            sum = sum == null ? part : sum.add(part);
        }
        return x.div(sum.mul(alpha / size).add(k).pow(beta));
    }

    @Override
    public int[] outputShape(int[] s) {
        if (s.length < 3) {
            throw new IllegalArgumentException("LocalResponseNorm: expected [N, C, ...] of rank >= 3, got "
                    + Arrays.toString(s));
        }
        return s.clone();
    }

    @Override
    protected String describe() {
        return size + ", alpha=" + alpha + ", beta=" + beta + ", k=" + k;
    }
}
