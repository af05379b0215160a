package dev.faltung.nn.loss;

import dev.faltung.autodiff.Tensor;
import java.util.Arrays;

/**
 * Loss functions with PyTorch's definitions and mean reduction; each returns a 0-d tensor whose
 * gradient flows to the prediction.
 */
public final class Losses {

    private Losses() {
    }

    /** Softmax cross-entropy of logits {@code [N, C]} against class indices ({@code F.cross_entropy}). */
    public static Tensor crossEntropy(Tensor logits, int[] targets) {
        return logits.crossEntropy(targets);
    }

    /**
     * Cross-entropy with label smoothing {@code s} and optional class weights
     * ({@code F.cross_entropy(x, t, weight, label_smoothing=s)}; see {@link Tensor#crossEntropy(int[], double, double[])}).
     */
    public static Tensor crossEntropy(Tensor logits, int[] targets, double labelSmoothing, double[] classWeights) {
        return logits.crossEntropy(targets, labelSmoothing, classWeights);
    }

    /**
     * Negative log-likelihood of log-probabilities {@code [N, C]} ({@code F.nll_loss}):
     * {@code -Σ_i w[t_i]·logp[i, t_i] / Σ_i w[t_i]}; {@code classWeights} may be null (all 1).
     */
    public static Tensor nll(Tensor logProbs, int[] targets, double[] classWeights) {
        int[] s = logProbs.shape();
        if (s.length != 2 || targets.length != s[0]) {
            throw new IllegalArgumentException("nll: need log-probabilities [N, C] and N targets, got "
                    + Arrays.toString(s) + " and " + targets.length + " targets");
        }
        int n = s[0], c = s[1];
        if (classWeights != null && classWeights.length != c) {
            throw new IllegalArgumentException("nll: " + classWeights.length + " class weights for " + c + " classes");
        }
        double[] pick = new double[n * c];
        double norm = 0;
        for (int i = 0; i < n; i++) {
            int t = targets[i];
            if (t < 0 || t >= c) {
                throw new IllegalArgumentException("nll: target " + t + " at position " + i + " is outside [0, " + c + ")");
            }
            double w = classWeights == null ? 1.0 : classWeights[t];
            pick[i * c + t] = w;
            norm += w;
        }
        for (int i = 0; i < pick.length; i++) {
            pick[i] /= norm;
        }
        return logProbs.mul(Tensor.of(pick, n, c).to(logProbs.dtype())).sum().neg();
    }

    public static Tensor nll(Tensor logProbs, int[] targets) {
        return nll(logProbs, targets, null);
    }

    /** Mean squared error {@code mean((ŷ - y)²)}. */
    public static Tensor mse(Tensor prediction, Tensor target) {
        return prediction.mse(target);
    }

    /** Root mean squared error {@code √mean((ŷ - y)²)} (the Galaxy Zoo metric). */
    public static Tensor rmse(Tensor prediction, Tensor target) {
        return prediction.mse(target).sqrt();
    }

    /**
     * Binary cross-entropy on logits ({@code F.binary_cross_entropy_with_logits}), computed stably
     * as {@code max(x,0) - x·y + log(1 + e^{-|x|})}; with {@code posWeight} (broadcast over the last
     * dimension, or null) {@code (1-y)·x + (1 + (pw-1)·y)·(log(1 + e^{-|x|}) + max(-x, 0))}.
     */
    public static Tensor binaryCrossEntropyWithLogits(Tensor logits, Tensor targets, Tensor posWeight) {
        if (!Arrays.equals(logits.shape(), targets.shape())) {
            throw new IllegalArgumentException("binaryCrossEntropyWithLogits: logits " + Arrays.toString(logits.shape())
                    + " and targets " + Arrays.toString(targets.shape()) + " differ");
        }
        Tensor x = logits;
        Tensor y = targets.to(x.dtype());
        Tensor softplusNegAbs = x.abs().neg().softplus(); // log(1 + e^{-|x|}), never overflows
        if (posWeight == null) {
            return x.relu().sub(x.mul(y)).add(softplusNegAbs).mean();
        }
        Tensor pw = posWeight.to(x.dtype());
        Tensor logWeight = pw.sub(1.0).mul(y).add(1.0);
        return y.neg().add(1.0).mul(x).add(logWeight.mul(softplusNegAbs.add(x.neg().relu()))).mean();
    }

    public static Tensor binaryCrossEntropyWithLogits(Tensor logits, Tensor targets) {
        return binaryCrossEntropyWithLogits(logits, targets, null);
    }
}
