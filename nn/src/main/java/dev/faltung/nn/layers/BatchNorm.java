package dev.faltung.nn.layers;

import dev.faltung.autodiff.NoGrad;
import dev.faltung.autodiff.Normalization;
import dev.faltung.autodiff.Tensor;
import dev.faltung.kernel.DType;
import dev.faltung.nn.init.Init;
import java.util.Arrays;

/**
 * Batch normalisation (Ioffe &amp; Szegedy 2015) over every dimension but the channel dimension 1,
 * with PyTorch's semantics. Training: {@code y = (x - μ_B)/√(σ²_B + ε)·γ + β} with the batch mean
 * and biased batch variance, and the buffers updated as
 * {@code running_mean = (1-m)·running_mean + m·μ_B}, {@code running_var = (1-m)·running_var + m·σ²_B·n/(n-1)}
 * (the unbiased variance, n values per channel). Evaluation uses the running statistics.
 * γ ({@code weight}) starts at 1, β ({@code bias}) at 0; running mean 0, running variance 1.
 */
public abstract sealed class BatchNorm extends Layer permits BatchNorm1d, BatchNorm2d {

    private final int channels;
    private final double eps;
    private final double momentum;
    private final boolean affine;

    BatchNorm(int channels, double eps, double momentum, boolean affine) {
        if (channels <= 0 || !(eps > 0) || !(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": need channels > 0, eps > 0 and momentum "
                    + "in [0, 1], got " + channels + ", " + eps + ", " + momentum);
        }
        this.channels = channels;
        this.eps = eps;
        this.momentum = momentum;
        this.affine = affine;
        if (affine) {
            addParameter("weight", Tensor.ones(DType.FLOAT32, channels));
            addParameter("bias", Tensor.zeros(DType.FLOAT32, channels));
        }
        addBuffer("running_mean", Tensor.zeros(DType.FLOAT32, channels));
        addBuffer("running_var", Tensor.ones(DType.FLOAT32, channels));
    }

    /** Throws unless the input rank is one this variant accepts. */
    abstract void checkRank(int[] shape);

    public Tensor runningMean() {
        return buffer("running_mean");
    }

    public Tensor runningVar() {
        return buffer("running_var");
    }

    @Override
    public Tensor forward(Tensor x) {
        int[] s = outputShape(x.shape());
        Tensor weight = affine ? param("weight") : null, bias = affine ? param("bias") : null;
        if (!isTraining()) {
            return Normalization.batchNormInference(x, runningMean(), runningVar(), weight, bias, eps);
        }
        int n = x.numel() / channels;
        if (n <= 1) {
            throw new IllegalArgumentException(this + ": training needs more than one value per channel, got input "
                    + Arrays.toString(s));
        }
        Normalization.Training t = Normalization.batchNormTraining(x, weight, bias, eps);
        try (NoGrad ignored = NoGrad.enter()) {
            Tensor rm = runningMean(), rv = runningVar();
            Init.assign(rm, rm.mul(1 - momentum).add(t.mean().mul(momentum).to(rm.dtype())));
            Init.assign(rv, rv.mul(1 - momentum).add(t.variance().mul(momentum * n / (n - 1.0)).to(rv.dtype())));
        }
        return t.output();
    }

    @Override
    public int[] outputShape(int[] s) {
        checkRank(s);
        if (s[1] != channels) {
            throw new IllegalArgumentException(this + ": expected " + channels + " channels at dimension 1, got "
                    + Arrays.toString(s));
        }
        return s.clone();
    }

    @Override
    protected String describe() {
        return channels + ", eps=" + eps + ", momentum=" + momentum + (affine ? "" : ", affine=false");
    }
}
