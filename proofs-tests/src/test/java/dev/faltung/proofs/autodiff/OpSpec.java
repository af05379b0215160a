package dev.faltung.proofs.autodiff;

import dev.faltung.autodiff.Tensor;
import java.util.function.Function;

/**
 * One differentiable operation for the property tests: how to call it, what inputs it takes, and
 * which of {@link Tensor}'s methods it covers. Shapes come from the test; {@code shapes} derives
 * the input shapes from one random base shape (so binary ops get broadcast partners).
 */
record OpSpec(String name, String covers, Inputs domain, ShapeRule shapes, Function<Tensor[], Tensor> op) {

    /** Input shapes from a random base shape of rank 1..3, plus a random choice for variants. */
    interface ShapeRule {
        int[][] shapes(int[] base, int variant);
    }

    static final ShapeRule UNARY = (base, v) -> new int[][] {base};

    /** Two operands; the variant picks same shapes, a broadcast row, a scalar, or a lower rank. */
    static final ShapeRule BROADCAST = (base, v) -> {
        int[] other = base.clone();
        switch (v % 4) {
            case 1 -> other[0] = 1;
            case 2 -> other = new int[0];
            case 3 -> other = java.util.Arrays.copyOfRange(base, base.length - 1, base.length);
            default -> { }
        }
        return v % 8 < 4 ? new int[][] {base, other} : new int[][] {other, base};
    };
}
