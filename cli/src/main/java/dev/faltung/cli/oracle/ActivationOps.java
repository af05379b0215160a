package dev.faltung.cli.oracle;

import dev.faltung.autodiff.Tensor;
import java.util.List;

/** Element-wise activations, softmax and dropout with a given mask, as {@code torch.nn.functional}. */
final class ActivationOps {

    private ActivationOps() {
    }

    static List<OracleOp> ops() {
        return List.of(
                OracleOp.of("relu", "--input X", "max(x, 0); gradient 0 at x = 0, as torch.", List.of(),
                        in -> Forward.of(in.input().relu())),
                OracleOp.of("tanh", "--input X", "tanh x.", List.of(),
                        in -> Forward.of(in.input().tanh())),
                OracleOp.of("sigmoid", "--input X", "1 / (1 + e^-x).", List.of(),
                        in -> Forward.of(in.input().sigmoid())),
                OracleOp.of("elu", "--input X [--alpha A]", "x > 0 ? x : A*(e^x - 1).",
                        List.of(Flag.value("alpha", "A (default 1.0)")),
                        in -> Forward.of(in.input().elu(in.number("alpha", 1.0)))),
                OracleOp.of("leaky_relu", "--input X [--slope S]", "x > 0 ? x : S*x; gradient S at x = 0, as torch.",
                        List.of(Flag.value("slope", "S, torch's negative_slope (default 0.01)")),
                        in -> Forward.of(in.input().leakyRelu(in.number("slope", 0.01)))),
                OracleOp.of("softmax", "--input X --dim D", "torch.nn.functional.softmax along D.",
                        List.of(Flag.value("dim", "D, the axis (required; negative counts from the end)")),
                        in -> softmax(in, false)),
                OracleOp.of("log_softmax", "--input X --dim D", "torch.nn.functional.log_softmax along D.",
                        List.of(Flag.value("dim", "D, the axis (required; negative counts from the end)")),
                        in -> softmax(in, true)),
                OracleOp.of("dropout", "--input X --mask M --p P",
                        "Inverted dropout with a given keep-mask: x * M / (1-P) (torch's native_dropout with its "
                                + "mask); P = 1 gives zeros.",
                        List.of(Flag.file("mask", "keep-mask of --input's shape, 0 or 1 (bool, integer or float)"),
                                Flag.value("p", "P, the drop probability in [0, 1] (default 0.5)")),
                        ActivationOps::dropout));
    }

    private static Forward softmax(OpInputs in, boolean log) {
        in.args().require("dim");
        int dim = in.integer("dim", 0);
        Tensor x = in.input();
        if (x.rank() == 0 && (dim == 0 || dim == -1)) {
            // torch takes a 0-d tensor as one element along dim 0 (or -1): softmax 1, log_softmax 0.
            Tensor one = x.reshape(1);
            return Forward.of((log ? one.logSoftmax(0) : one.softmax(0)).reshape());
        }
        return Forward.of(log ? x.logSoftmax(dim) : x.softmax(dim));
    }

    private static Forward dropout(OpInputs in) {
        Tensor x = in.input();
        in.args().require("mask");
        Tensor mask = in.numeric("mask");
        double p = in.number("p", 0.5);
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("dropout: --p must be in [0, 1], got " + p);
        }
        in.requireShape("mask", mask, x.shape(), "one entry per element of --input");
        for (int i = 0; i < mask.numel(); i++) {
            double v = mask.buffer().get(i);
            if (v != 0 && v != 1) {
                throw new IllegalArgumentException("dropout: --mask must hold only 0 and 1, found " + v
                        + " at flat index " + i);
            }
        }
        double scale = p == 1 ? 0.0 : 1.0 / (1.0 - p);
        return Forward.of(x.mul(mask).mul(scale));
    }
}
