package dev.faltung.cli.oracle;

import java.util.List;

/**
 * One op of {@code faltung oracle}: its name, a synopsis of its arguments, the flags it accepts
 * beyond the common ones ({@code --input}, {@code --grad-output}, {@code --backend},
 * {@code --out}) and the computation. {@code alwaysDifferentiates} marks ops (losses) whose
 * gradient is written even without {@code --grad-output}, as if it were 1.
 */
record OracleOp(String name, String synopsis, String description, List<Flag> flags,
                boolean alwaysDifferentiates, Computation computation) {

    /** The forward pass of an op on loaded inputs; gradients are the driver's business. */
    @FunctionalInterface
    interface Computation {
        Forward apply(OpInputs in);
    }

    static OracleOp of(String name, String synopsis, String description, List<Flag> flags,
                       Computation computation) {
        return new OracleOp(name, synopsis, description, flags, false, computation);
    }
}
