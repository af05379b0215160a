package dev.faltung.cli.bench;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.LinkedHashMap;
import java.util.Map;
import dev.faltung.nn.io.Json;

/**
 * A flat-or-nested JSON object written on one line, keys in insertion order: the
 * machine-readable last line of a bench run. Values are strings, numbers, booleans, null or
 * nested {@code JsonLine}s; non-finite numbers are written as null because JSON has no NaN.
 */
final class JsonLine {

    private static final MathContext SIX_DIGITS = new MathContext(6);

    private final Map<String, Object> fields = new LinkedHashMap<>();

    JsonLine put(String key, Object value) {
        if (!(value == null || value instanceof String || value instanceof Number || value instanceof Boolean
                || value instanceof JsonLine)) {
            throw new IllegalArgumentException("JsonLine: unsupported value type " + value.getClass().getName()
                    + " for key '" + key + "'");
        }
        fields.put(key, value);
        return this;
    }

    @Override
    public String toString() {
        return Json.write(plain()).replace(",\"", ", \"").replace("\":", "\": ");
    }

    /** The fields with doubles rounded for display and nested lines as maps, ready for {@link Json}. */
    private Map<String, Object> plain() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            Object v = e.getValue();
            if (v instanceof JsonLine nested) {
                v = nested.plain();
            } else if (v instanceof Double || v instanceof Float) {
                v = number(((Number) v).doubleValue());
            }
            out.put(e.getKey(), v);
        }
        return out;
    }

    /**
     * Whole numbers (FLOP counts) exactly; others to six significant digits, as timings are no
     * more precise; non-finite as null, since JSON has no NaN.
     */
    private static Object number(double d) {
        if (!Double.isFinite(d)) {
            return null;
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return (long) d;
        }
        return new BigDecimal(d).round(SIX_DIGITS).doubleValue();
    }
}
