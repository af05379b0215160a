package dev.faltung.cli.oracle;

import dev.faltung.autodiff.Tensor;
import java.util.ArrayList;
import java.util.List;

/** linear and cross_entropy, as {@code torch.nn.functional}. */
final class LinearOps {

    private LinearOps() {
    }

    static List<OracleOp> ops() {
        return List.of(
                OracleOp.of("linear", "--input X[...,IN] --weight W[OUT,IN] [--bias B[OUT]]",
                        "x W^T + b over the last axis of x.",
                        List.of(Flag.file("weight", "W [OUT, IN]"), Flag.file("bias", "B [OUT]")),
                        LinearOps::linear),
                new OracleOp("cross_entropy",
                        "--input LOGITS[N,C] --target T[N] [--weight W[C]] [--label-smoothing S] [--ignore-index I]",
                        "torch.nn.functional.cross_entropy with mean reduction; output.npy is 0-dimensional. "
                                + "grad_input.npy (d loss / d logits) is written even without --grad-output, as "
                                + "if it were 1; a 0-dimensional --grad-output scales it.",
                        List.of(Flag.file("target", "class indices [N], int64 (or int32), in [0, C) or I"),
                                Flag.file("weight", "class weights [C], torch's weight: the mean divides by the "
                                        + "sum of the targets' weights (a constant: no grad_weight.npy)"),
                                Flag.value("label-smoothing", "S in [0, 1] (default 0)"),
                                Flag.value("ignore-index", "targets equal to I add nothing and are not counted "
                                        + "in the mean (default -100, as torch)")),
                        true, LinearOps::crossEntropy));
    }

    private static Forward linear(OpInputs in) {
        Tensor x = in.input();
        Tensor w = in.requiredWeight();
        Tensor b = in.bias();
        in.requireRank("weight", w, 2, "[OUT, IN]");
        if (x.rank() < 1 || x.size(-1) != w.size(1)) {
            throw new IllegalArgumentException("linear: --input " + OpInputs.shape(x) + " must end in IN = "
                    + w.size(1) + ", the second dimension of --weight " + OpInputs.shape(w));
        }
        in.requireShape("bias", b, new int[] {w.size(0)}, "one per output feature of --weight " + OpInputs.shape(w));
        int[] outShape = x.shape();
        outShape[outShape.length - 1] = w.size(0);
        Tensor rows = x.rank() == 1 ? x.reshape(1, x.size(0)) : x;
        Tensor y = rows.matmul(w.transpose(0, 1));
        if (b != null) {
            y = y.add(b);
        }
        return Forward.of(y.reshape(outShape));
    }

    private static Forward crossEntropy(OpInputs in) {
        Tensor x = in.input();
        in.requireRank("input", x, 2, "logits [N, C]");
        OpInputs.Labels t = in.labels("target");
        int n = x.size(0), c = x.size(1);
        if (t.shape().length != 1 || t.shape()[0] != n) {
            throw new IllegalArgumentException("cross_entropy: --target has shape " + java.util.Arrays.toString(t.shape())
                    + " but must be [" + n + "], one class index per row of --input " + OpInputs.shape(x));
        }
        double smoothing = in.number("label-smoothing", 0.0);
        long ignore = in.args().getLong("ignore-index", -100);
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long v = t.values()[i];
            if (v == ignore) {
                continue;
            }
            if (v < 0 || v >= c) {
                throw new IllegalArgumentException("cross_entropy: --target " + v + " at position " + i
                        + " is outside [0, " + c + ") and is not the ignore index " + ignore);
            }
            kept.add(i);
        }
        if (kept.isEmpty()) {
            throw new IllegalArgumentException("cross_entropy: every target equals the ignore index " + ignore
                    + "; the mean over no samples is undefined (torch returns nan)");
        }
        int[] targets = kept.stream().mapToInt(i -> (int) t.values()[i]).toArray();
        Tensor w = in.constant("weight");
        in.requireShape("weight", w, new int[] {c}, "one per class of --input " + OpInputs.shape(x));
        double[] classWeights = w == null ? null : w.toDoubleArray();
        if (classWeights != null) {
            double total = 0;
            for (int target : targets) {
                total += classWeights[target];
            }
            if (total == 0) {
                throw new IllegalArgumentException("cross_entropy: the --weight of every counted target is 0; the "
                        + "weighted mean over no weight is undefined (torch returns nan)");
            }
        }
        Tensor logits = x;
        if (kept.size() < n) {
            // Ignored rows leave the graph: the loss averages the kept rows only and their gradient is 0.
            Tensor[] rows = new Tensor[kept.size()];
            for (int j = 0; j < rows.length; j++) {
                rows[j] = x.slice(0, kept.get(j), kept.get(j) + 1);
            }
            logits = Tensor.concat(0, rows);
        }
        return Forward.of(logits.crossEntropy(targets, smoothing, classWeights));
    }
}
