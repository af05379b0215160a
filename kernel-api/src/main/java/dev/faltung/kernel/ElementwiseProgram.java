package dev.faltung.kernel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A straight-line program of {@link UnaryOp}s and {@link BinaryOp}s over operands of one size,
 * run by {@link Kernels#elementwise} in one pass over the elements with no intermediate
 * buffers. Value {@code i} is the result of step {@code i}; a step reads only earlier values.
 * Every step rounds to the operands' dtype, exactly as the same sequence of {@link Kernels#unary}
 * and {@link Kernels#binary} calls would, so a program's results equal the unfused ones bit for
 * bit on every backend; only the memory traffic differs. Immutable; build with {@link Builder}.
 */
public final class ElementwiseProgram {

    /** One step; {@link Input} reads operand {@code input}, the others compute from earlier values. */
    public sealed interface Step permits Input, Unary, Binary {}

    public record Input(int input) implements Step {}

    public record Unary(UnaryOp op, double alpha, int x) implements Step {}

    public record Binary(BinaryOp op, int a, int b) implements Step {}

    private final List<Step> steps;
    private final int inputs;
    private final int[] outputs;

    private ElementwiseProgram(List<Step> steps, int inputs, int[] outputs) {
        this.steps = List.copyOf(steps);
        this.inputs = inputs;
        this.outputs = outputs;
    }

    public List<Step> steps() {
        return steps;
    }

    /** How many input operands the program reads. */
    public int inputCount() {
        return inputs;
    }

    /** How many output operands it writes. */
    public int outputCount() {
        return outputs.length;
    }

    /** The value stored into output {@code j}. */
    public int output(int j) {
        return outputs[j];
    }

    /**
     * For each value, the index of the last step that reads it ({@code steps().size()} for
     * values that are outputs, -1 for values nothing reads): what a backend needs to reuse
     * scratch space.
     */
    public int[] lastUse() {
        int[] last = new int[steps.size()];
        Arrays.fill(last, -1);
        for (int i = 0; i < steps.size(); i++) {
            switch (steps.get(i)) {
                case Input in -> { }
                case Unary u -> last[u.x()] = i;
                case Binary b -> {
                    last[b.a()] = i;
                    last[b.b()] = i;
                }
            }
        }
        for (int v : outputs) {
            last[v] = steps.size();
        }
        return last;
    }

    /**
     * Checks operands against the program: counts, one dtype and one size for all. Outputs may
     * be inputs too (every element is read before it is written).
     */
    public void check(Buffer[] in, Buffer[] out) {
        if (in.length != inputs || out.length != outputs.length) {
            throw new IllegalArgumentException("elementwise: program reads " + inputs + " and writes " + outputs.length
                    + " operands, got " + in.length + " inputs and " + out.length + " outputs");
        }
        Buffer first = out.length > 0 ? out[0] : in.length > 0 ? in[0] : null;
        if (first == null) {
            return;
        }
        for (Buffer b : concat(in, out)) {
            if (b.dtype() != first.dtype() || b.size() != first.size()) {
                throw new IllegalArgumentException("elementwise: operands must share dtype and size, got "
                        + first.dtype() + "[" + first.size() + "] and " + b.dtype() + "[" + b.size() + "]");
            }
        }
    }

    private static Buffer[] concat(Buffer[] a, Buffer[] b) {
        Buffer[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ElementwiseProgram[");
        for (int i = 0; i < steps.size(); i++) {
            sb.append(i > 0 ? "; " : "").append('v').append(i).append('=').append(steps.get(i));
        }
        return sb.append("; outputs ").append(Arrays.toString(outputs)).append(']').toString();
    }

    /** Appends steps; each method returns the index of the value it creates. */
    public static final class Builder {

        private final List<Step> steps = new ArrayList<>();
        private final List<Integer> outputs = new ArrayList<>();
        private int inputs;

        /** Reads the next input operand. */
        public int input() {
            steps.add(new Input(inputs++));
            return steps.size() - 1;
        }

        public int unary(UnaryOp op, double alpha, int x) {
            requireValue(x);
            steps.add(new Unary(op, alpha, x));
            return steps.size() - 1;
        }

        public int binary(BinaryOp op, int a, int b) {
            requireValue(a);
            requireValue(b);
            steps.add(new Binary(op, a, b));
            return steps.size() - 1;
        }

        /** Stores {@code value} into the next output operand. */
        public Builder output(int value) {
            requireValue(value);
            outputs.add(value);
            return this;
        }

        public ElementwiseProgram build() {
            return new ElementwiseProgram(steps, inputs, outputs.stream().mapToInt(Integer::intValue).toArray());
        }

        private void requireValue(int v) {
            if (v < 0 || v >= steps.size()) {
                throw new IllegalArgumentException("ElementwiseProgram: value " + v + " does not exist yet ("
                        + steps.size() + " steps so far)");
            }
        }
    }
}
