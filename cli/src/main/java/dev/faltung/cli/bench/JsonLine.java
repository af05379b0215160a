package dev.faltung.cli.bench;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

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
        StringBuilder sb = new StringBuilder("{");
        boolean first = true;
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            if (!first) {
                sb.append(", ");
            }
            first = false;
            quote(sb, e.getKey());
            sb.append(": ");
            Object v = e.getValue();
            if (v == null) {
                sb.append("null");
            } else if (v instanceof String s) {
                quote(sb, s);
            } else if (v instanceof Double || v instanceof Float) {
                double d = ((Number) v).doubleValue();
                sb.append(Double.isFinite(d) ? number(d) : "null");
            } else {
                sb.append(v);
            }
        }
        return sb.append('}').toString();
    }

    /** Whole numbers (FLOP counts) exactly; others to six significant digits, as timings are no more precise. */
    private static String number(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        BigDecimal b = new BigDecimal(d).round(SIX_DIGITS).stripTrailingZeros();
        double a = Math.abs(d);
        return a == 0 || (a >= 1e-6 && a < 1e15) ? b.toPlainString() : b.toString();
    }

    private static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
