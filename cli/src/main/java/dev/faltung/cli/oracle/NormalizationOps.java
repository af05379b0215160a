package dev.faltung.cli.oracle;

import dev.faltung.autodiff.NoGrad;
import dev.faltung.autodiff.Pooling;
import dev.faltung.autodiff.Tensor;
import java.util.List;

/**
 * batch_norm and local_response_norm, composed from differentiable tensor operations in the
 * order {@code torch.nn.functional} evaluates them, so the gradients are exact.
 */
final class NormalizationOps {

    private NormalizationOps() {
    }

    static List<OracleOp> ops() {
        return List.of(
                OracleOp.of("batch_norm",
                        "--input X[N,C,...] [--weight G[C]] [--bias B[C]] [--running-mean M[C]] [--running-var V[C]] "
                                + "[--eps E] [--training [--momentum F]]",
                        "torch.nn.functional.batch_norm. Evaluation (the default) normalises with the running "
                                + "statistics, which it needs; --training normalises with the batch mean and biased "
                                + "variance over every axis but 1 and, when the running statistics are given, writes "
                                + "running_mean.npy = (1-F)*M + F*mean and running_var.npy = (1-F)*V + "
                                + "F*unbiased variance.",
                        List.of(Flag.file("weight", "scale gamma [C] (default 1)"),
                                Flag.file("bias", "shift beta [C] (default 0)"),
                                Flag.file("running-mean", "running mean [C]"),
                                Flag.file("running-var", "running variance [C]"),
                                Flag.value("eps", "E added to the variance (default 1e-5)"),
                                Flag.bool("training", "use batch statistics and update the running ones"),
                                Flag.value("momentum", "F, the weight of the batch statistic (default 0.1; ignored without --training, as in torch)")),
                        NormalizationOps::batchNorm),
                OracleOp.of("local_response_norm",
                        "--input X[N,C,...] --size S [--alpha A] [--beta B] [--k K]",
                        "torch.nn.functional.local_response_norm: x / (K + A/S * sum of x^2 over channels "
                                + "c-S/2 .. c+(S-1)/2)^B, zero outside the channels.",
                        List.of(Flag.value("size", "S, channels in the window (required)"),
                                Flag.value("alpha", "A (default 1e-4)"),
                                Flag.value("beta", "B (default 0.75)"),
                                Flag.value("k", "K (default 1.0)")),
                        NormalizationOps::localResponseNorm));
    }

    private static Forward batchNorm(OpInputs in) {
        Tensor x = in.input();
        Tensor gamma = in.weight();
        Tensor beta = in.bias();
        Tensor runningMean = in.constant("running-mean");
        Tensor runningVar = in.constant("running-var");
        double eps = in.number("eps", 1e-5);
        double momentum = in.number("momentum", 0.1);
        boolean training = in.flag("training");
        if (x.rank() < 2) {
            throw new IllegalArgumentException("batch_norm: --input must be [N, C, ...], got shape " + OpInputs.shape(x));
        }
        int c = x.size(1);
        int[] perChannel = {c};
        String why = "one per channel of --input " + OpInputs.shape(x);
        in.requireShape("weight", gamma, perChannel, why);
        in.requireShape("bias", beta, perChannel, why);
        in.requireShape("running-mean", runningMean, perChannel, why);
        in.requireShape("running-var", runningVar, perChannel, why);
        if ((runningMean == null) != (runningVar == null)) {
            throw new IllegalArgumentException("batch_norm: give both --running-mean and --running-var, or neither");
        }
        int[] axes = new int[x.rank() - 1];
        axes[0] = 0;
        for (int i = 2; i < x.rank(); i++) {
            axes[i - 1] = i;
        }
        int[] channelShape = new int[x.rank()];
        java.util.Arrays.fill(channelShape, 1);
        channelShape[1] = c;
        int count = x.numel() / c;

        Tensor y;
        Tensor newMean = null, newVar = null;
        if (training) {
            if (count <= 1) {
                throw new IllegalArgumentException("batch_norm: training needs more than 1 value per channel, "
                        + "got --input " + OpInputs.shape(x));
            }
            Tensor mean = x.mean(axes, true);
            Tensor centred = x.sub(mean);
            Tensor var = centred.square().mean(axes, true); // biased, as torch normalises
            y = centred.div(var.add(eps).sqrt());
            if (runningMean != null) {
                try (NoGrad ignored = NoGrad.enter()) {
                    Tensor unbiased = var.reshape(c).mul((double) count / (count - 1));
                    newMean = runningMean.mul(1 - momentum).add(mean.reshape(c).mul(momentum));
                    newVar = runningVar.mul(1 - momentum).add(unbiased.mul(momentum));
                }
            }
        } else {
            if (runningMean == null) {
                throw new IllegalArgumentException("batch_norm: evaluation mode needs --running-mean and "
                        + "--running-var (or pass --training)");
            }
            Tensor std = runningVar.add(eps).sqrt().reshape(channelShape);
            y = x.sub(runningMean.reshape(channelShape)).div(std);
        }
        if (gamma != null) {
            y = y.mul(gamma.reshape(channelShape));
        }
        if (beta != null) {
            y = y.add(beta.reshape(channelShape));
        }
        return newMean == null ? Forward.of(y) : Forward.of(y, "running_mean", newMean, "running_var", newVar);
    }

    private static Forward localResponseNorm(OpInputs in) {
        Tensor x = in.input();
        in.args().require("size");
        int size = in.integer("size", 0);
        double alpha = in.number("alpha", 1e-4), beta = in.number("beta", 0.75), k = in.number("k", 1.0);
        if (size <= 0) {
            throw new IllegalArgumentException("local_response_norm: --size must be positive, got " + size);
        }
        if (x.rank() < 3) {
            throw new IllegalArgumentException("local_response_norm: --input must be [N, C, D, ...] (rank 3 or "
                    + "more, as torch), got shape " + OpInputs.shape(x));
        }
        int n = x.size(0), c = x.size(1), rest = x.numel() / (n * c);
        // torch: pad the squares by S/2 channels before and (S-1)/2 after, then average S channels
        // with every tap counted, then scale: (K + A·mean)^B.
        Tensor squares = x.square().reshape(n, 1, c, rest)
                .pad(new int[] {0, 0, size / 2, 0}, new int[] {0, 0, (size - 1) / 2, 0}, 0.0);
        Tensor mean = Pooling.avgPool2d(squares, new int[] {size, 1}, new int[] {1, 1}, new int[] {0, 0}, false, true);
        Tensor div = mean.reshape(x.shape()).mul(alpha).add(k).pow(beta);
        return Forward.of(x.div(div));
    }
}
