package dev.faltung.proofs.autodiff;

import static dev.faltung.proofs.autodiff.Inputs.ANY;
import static dev.faltung.proofs.autodiff.Inputs.AWAY_FROM_ZERO;
import static dev.faltung.proofs.autodiff.Inputs.POSITIVE;
import static dev.faltung.proofs.autodiff.OpSpec.BROADCAST;
import static dev.faltung.proofs.autodiff.OpSpec.UNARY;

import dev.faltung.autodiff.Tensor;
import java.util.List;

/** The table of differentiable tensor operations that the gradient proofs run over. */
final class OpSpecs {

    private OpSpecs() {
    }

    private static int last(Tensor t) {
        return t.rank() - 1;
    }

    static final List<OpSpec> ALL = List.of(
            new OpSpec("add", "add", ANY, BROADCAST, x -> x[0].add(x[1])),
            new OpSpec("sub", "sub", ANY, BROADCAST, x -> x[0].sub(x[1])),
            new OpSpec("mul", "mul", ANY, BROADCAST, x -> x[0].mul(x[1])),
            new OpSpec("div", "div", POSITIVE, BROADCAST, x -> x[0].div(x[1])),
            new OpSpec("pow(tensor)", "pow", POSITIVE, BROADCAST, x -> x[0].pow(x[1])),
            new OpSpec("maximum", "maximum", ANY, BROADCAST, x -> x[0].maximum(x[1])),
            new OpSpec("minimum", "minimum", ANY, BROADCAST, x -> x[0].minimum(x[1])),
            new OpSpec("add scalar", "add", ANY, UNARY, x -> x[0].add(0.7)),
            new OpSpec("sub scalar", "sub", ANY, UNARY, x -> x[0].sub(0.7)),
            new OpSpec("mul scalar", "mul", ANY, UNARY, x -> x[0].mul(-1.3)),
            new OpSpec("div scalar", "div", ANY, UNARY, x -> x[0].div(3.0)),
            new OpSpec("neg", "neg", ANY, UNARY, x -> x[0].neg()),
            new OpSpec("exp", "exp", ANY, UNARY, x -> x[0].exp()),
            new OpSpec("log", "log", POSITIVE, UNARY, x -> x[0].log()),
            new OpSpec("sqrt", "sqrt", POSITIVE, UNARY, x -> x[0].sqrt()),
            new OpSpec("square", "square", ANY, UNARY, x -> x[0].square()),
            new OpSpec("pow(2.5)", "pow", POSITIVE, UNARY, x -> x[0].pow(2.5)),
            new OpSpec("abs", "abs", AWAY_FROM_ZERO, UNARY, x -> x[0].abs()),
            new OpSpec("clamp", "clamp", AWAY_FROM_ZERO, UNARY, x -> x[0].clamp(-0.05, 0.05).add(x[0].clamp(-1.0, 0.8))),
            new OpSpec("relu", "relu", AWAY_FROM_ZERO, UNARY, x -> x[0].relu()),
            new OpSpec("leakyRelu", "leakyRelu", AWAY_FROM_ZERO, UNARY, x -> x[0].leakyRelu(0.1)),
            new OpSpec("elu", "elu", AWAY_FROM_ZERO, UNARY, x -> x[0].elu(1.3)),
            new OpSpec("tanh", "tanh", ANY, UNARY, x -> x[0].tanh()),
            new OpSpec("sigmoid", "sigmoid", ANY, UNARY, x -> x[0].sigmoid()),
            new OpSpec("softplus", "softplus", ANY, UNARY, x -> x[0].softplus()),
            new OpSpec("sum", "sum", ANY, UNARY, x -> x[0].sum()),
            new OpSpec("sum(axis)", "sum", ANY, UNARY, x -> x[0].sum(0)),
            new OpSpec("sum(last, keep)", "sum", ANY, UNARY, x -> x[0].sum(new int[] {last(x[0])}, true)),
            new OpSpec("mean", "mean", ANY, UNARY, x -> x[0].mean()),
            new OpSpec("mean(axis)", "mean", ANY, UNARY, x -> x[0].mean(-1)),
            new OpSpec("max", "max", ANY, UNARY, x -> x[0].max()),
            new OpSpec("max(axis)", "max", ANY, UNARY, x -> x[0].max(0)),
            new OpSpec("min(axis)", "min", ANY, UNARY, x -> x[0].min(new int[] {last(x[0])}, false)),
            new OpSpec("var", "var", ANY, UNARY, x -> x[0].var(new int[] {last(x[0])}, 0, false)),
            new OpSpec("var(unbiased)", "var", ANY, UNARY,
                    x -> x[0].size(0) > 1 ? x[0].var(new int[] {0}, 1, true) : x[0].var(new int[] {0}, 0, true)),
            new OpSpec("reshape", "reshape", ANY, UNARY, x -> x[0].reshape(-1).mul(x[0].reshape(-1))),
            new OpSpec("flatten", "flatten", ANY, UNARY, x -> x[0].flatten(0).exp()),
            new OpSpec("expandTo", "expandTo", ANY, UNARY, x -> x[0].expandTo(prepend(3, x[0].shape())).tanh()),
            new OpSpec("sumTo", "sumTo", ANY, UNARY, x -> x[0].sumTo(new int[] {x[0].size(-1)})),
            new OpSpec("transpose", "transpose", ANY, UNARY, x -> x[0].transpose(0, last(x[0])).tanh()),
            new OpSpec("permute", "permute", ANY, UNARY, x -> x[0].permute(reversed(x[0].rank())).exp()),
            new OpSpec("slice", "slice", ANY, UNARY, x -> x[0].slice(-1, x[0].size(-1) / 2, x[0].size(-1)).square()),
            new OpSpec("concat", "concat", ANY, UNARY, x -> Tensor.concat(0, x[0], x[0].square(), x[0].exp())),
            new OpSpec("pad", "pad", ANY, UNARY, x -> x[0].pad(ones(x[0].rank()), twos(x[0].rank()), 0.5).square()),
            new OpSpec("softmax", "softmax", ANY, UNARY, x -> x[0].softmax(-1)),
            new OpSpec("logSoftmax", "logSoftmax", ANY, UNARY, x -> x[0].logSoftmax(0)),
            // Widening is exact, so the float64 check sees identity and the float32 check a real round trip.
            new OpSpec("to", "to", ANY, UNARY,
                    x -> x[0].to(dev.faltung.kernel.DType.FLOAT64).square().to(x[0].dtype())),
            new OpSpec("matmul", "matmul", ANY, (b, v) -> new int[][] {{b[0], b[b.length - 1]}, {b[b.length - 1], 1 + v % 3}},
                    x -> x[0].matmul(x[1])),
            new OpSpec("matmul(batched lhs)", "matmul", ANY,
                    (b, v) -> new int[][] {{2, b[0], b[b.length - 1]}, {b[b.length - 1], 2}}, x -> x[0].matmul(x[1])),
            new OpSpec("matmul(batched)", "matmul", ANY,
                    (b, v) -> new int[][] {{2, b[0], 3}, {2, 3, 1 + v % 3}}, x -> x[0].matmul(x[1])),
            new OpSpec("crossEntropy", "crossEntropy", ANY, (b, v) -> new int[][] {{b[0], 2 + v % 4}},
                    x -> x[0].crossEntropy(targets(x[0]), 0.0, null)),
            new OpSpec("crossEntropy(smoothing, weights)", "crossEntropy", ANY, (b, v) -> new int[][] {{b[0], 3}},
                    x -> x[0].crossEntropy(targets(x[0]), 0.2, new double[] {0.5, 1.0, 2.0})),
            new OpSpec("linear", "linear", ANY,
                    (b, v) -> new int[][] {{2, b[0], b[b.length - 1]}, {1 + v % 3, b[b.length - 1]}, {1 + v % 3}},
                    x -> x[0].linear(x[1], x[2])),
            new OpSpec("linear(no bias)", "linear", ANY,
                    (b, v) -> new int[][] {{b[0], b[b.length - 1]}, {2, b[b.length - 1]}}, x -> x[0].linear(x[1], null)),
            new OpSpec("gatherRows", "gatherRows", ANY, (b, v) -> new int[][] {{3, b[b.length - 1]}},
                    x -> x[0].gatherRows(new int[] {2, 0, 2, 1})),
            new OpSpec("mse", "mse", ANY, (b, v) -> new int[][] {b, b}, x -> x[0].mse(x[1])));

    private static int[] prepend(int d, int[] s) {
        int[] out = new int[s.length + 1];
        out[0] = d;
        System.arraycopy(s, 0, out, 1, s.length);
        return out;
    }

    private static int[] reversed(int rank) {
        int[] p = new int[rank];
        for (int i = 0; i < rank; i++) {
            p[i] = rank - 1 - i;
        }
        return p;
    }

    private static int[] ones(int rank) {
        int[] a = new int[rank];
        java.util.Arrays.fill(a, 1);
        return a;
    }

    private static int[] twos(int rank) {
        int[] a = new int[rank];
        a[rank - 1] = 2;
        return a;
    }

    private static int[] targets(Tensor logits) {
        int[] t = new int[logits.size(0)];
        for (int i = 0; i < t.length; i++) {
            t[i] = (i * 7 + 1) % logits.size(1);
        }
        return t;
    }
}
