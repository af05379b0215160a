package dev.faltung.cli.oracle;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The table of every op {@code faltung oracle} knows, by name, in the order the usage lists them. */
final class OracleOps {

    private static final Map<String, OracleOp> OPS = new LinkedHashMap<>();

    static {
        Stream.of(ConvolutionOps.ops(), PoolingOps.ops(), NormalizationOps.ops(), LinearOps.ops(), ActivationOps.ops())
                .flatMap(List::stream)
                .forEach(op -> {
                    if (OPS.put(op.name(), op) != null) {
                        throw new AssertionError("oracle op " + op.name() + " defined twice");
                    }
                });
    }

    private OracleOps() {
    }

    /** The op called {@code name}, or null. */
    static OracleOp get(String name) {
        return OPS.get(name);
    }

    static Iterable<OracleOp> all() {
        return OPS.values();
    }

    static String names() {
        return String.join(", ", OPS.keySet());
    }
}
