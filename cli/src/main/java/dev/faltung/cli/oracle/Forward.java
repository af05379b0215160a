package dev.faltung.cli.oracle;

import dev.faltung.autodiff.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an op's forward pass produced: {@code output} (written as {@code output.npy}) and any
 * further results that are not gradients, by file stem (batch norm's updated running statistics).
 */
record Forward(Tensor output, Map<String, Tensor> extras) {

    static Forward of(Tensor output) {
        return new Forward(output, Map.of());
    }

    static Forward of(Tensor output, String stem, Tensor extra, String stem2, Tensor extra2) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put(stem, extra);
        m.put(stem2, extra2);
        return new Forward(output, m);
    }
}
