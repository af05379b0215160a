package dev.faltung.nn.train;

import dev.faltung.kernel.DType;
import dev.faltung.kernel.conv.ConvAlgorithm;
import dev.faltung.kernel.conv.ConvDirection;
import dev.faltung.kernel.conv.ConvGeometry;
import dev.faltung.kernel.conv.ConvPlanner;
import dev.faltung.nn.io.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The convolution algorithms AUTO chose during a run, as checkpoint metadata
 * ({@code conv_algorithms}: a JSON list of {backend, dtype, direction, geometry, algorithm}).
 * AUTO times the candidates, so another process may choose differently, and a different
 * algorithm rounds differently: a resumed run pins the recorded choices to continue with the
 * same arithmetic.
 */
public final class ConvChoices {

    /** The metadata key. */
    public static final String KEY = "conv_algorithms";

    private ConvChoices() {
    }

    /** The choices as JSON. */
    public static String toJson(Iterable<ConvPlanner.Choice> choices) {
        return Json.write(toList(choices));
    }

    /** The choices as the list {@link #toJson} writes, before it is written. */
    static List<Object> toList(Iterable<ConvPlanner.Choice> choices) {
        List<Object> out = new ArrayList<>();
        for (ConvPlanner.Choice c : choices) {
            ConvGeometry g = c.key().geometry();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("backend", c.key().backend());
            m.put("dtype", c.key().dtype().label());
            m.put("direction", c.key().direction().name().toLowerCase(Locale.ROOT));
            m.put("geometry", List.of(g.n(), g.c(), g.h(), g.w(), g.k(), g.r(), g.s(), g.strideH(), g.strideW(),
                    g.padTop(), g.padBottom(), g.padLeft(), g.padRight(), g.dilationH(), g.dilationW(), g.groups()));
            m.put("algorithm", c.algorithm().label());
            out.add(m);
        }
        return out;
    }

    /**
     * Parses what {@link #toJson} wrote; throws {@link IllegalArgumentException} naming the
     * first bad entry.
     */
    public static Map<ConvPlanner.Key, ConvAlgorithm> parse(String json) {
        return fromList(Json.parse(json));
    }

    /** {@link #parse} of JSON already parsed. */
    static Map<ConvPlanner.Key, ConvAlgorithm> fromList(Object parsed) {
        Map<ConvPlanner.Key, ConvAlgorithm> out = new LinkedHashMap<>();
        if (!(parsed instanceof List<?> entries)) {
            throw new IllegalArgumentException(KEY + " must be a JSON list");
        }
        for (int i = 0; i < entries.size(); i++) {
            try {
                Map<?, ?> m = (Map<?, ?>) entries.get(i);
                List<?> v = (List<?>) m.get("geometry");
                if (v == null || v.size() != 16) {
                    throw new IllegalArgumentException("geometry must list 16 integers");
                }
                int[] x = new int[16];
                for (int j = 0; j < 16; j++) {
                    x[j] = ((Number) v.get(j)).intValue();
                }
                ConvGeometry g = new ConvGeometry(x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7], x[8], x[9], x[10],
                        x[11], x[12], x[13], x[14], x[15]);
                ConvPlanner.Key key = new ConvPlanner.Key((String) m.get("backend"), g,
                        DType.parse((String) m.get("dtype")),
                        ConvDirection.valueOf(((String) m.get("direction")).toUpperCase(Locale.ROOT)));
                if (key.backend() == null) {
                    throw new IllegalArgumentException("no backend");
                }
                out.put(key, ConvAlgorithm.parse((String) m.get("algorithm")));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(KEY + " entry " + i + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** Pins every choice into {@code planner} (see {@link ConvPlanner#pin}). */
    public static void pin(Map<ConvPlanner.Key, ConvAlgorithm> choices, ConvPlanner planner) {
        choices.forEach(planner::pin);
    }
}
