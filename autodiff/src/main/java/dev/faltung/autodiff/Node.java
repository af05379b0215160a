package dev.faltung.autodiff;

/** One recorded operation: its inputs and how its output's gradient flows back to them. */
final class Node {

    /** Gradients of the inputs (one per input, null where an input needs none) from the output's. */
    @FunctionalInterface
    interface Backward {
        Tensor[] apply(Tensor gradOutput);
    }

    final String op;
    final Tensor[] inputs;
    final Backward backward;

    Node(String op, Tensor[] inputs, Backward backward) {
        this.op = op;
        this.inputs = inputs;
        this.backward = backward;
    }
}
