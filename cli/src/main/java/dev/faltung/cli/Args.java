package dev.faltung.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parsed command-line arguments: {@code --name value} options, bare {@code --flag} booleans and
 * positional arguments. Options not in the command's known set are a {@link UsageException}.
 * A bare flag is one whose name is in {@code booleans}; every other option takes a value.
 */
public final class Args {

    private final Map<String, String> options = new LinkedHashMap<>();
    private final List<String> positional = new ArrayList<>();

    private Args() {
    }

    public static Args parse(List<String> argv, Set<String> valued, Set<String> booleans) {
        Args a = new Args();
        for (int i = 0; i < argv.size(); i++) {
            String arg = argv.get(i);
            if (arg.startsWith("--") && arg.length() > 2) {
                String name = arg.substring(2);
                String value = null;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
                if (booleans.contains(name)) {
                    a.options.put(name, value == null ? "true" : value);
                } else if (valued.contains(name)) {
                    if (value == null) {
                        if (i + 1 >= argv.size()) {
                            throw new UsageException("option --" + name + " needs a value");
                        }
                        value = argv.get(++i);
                    }
                    if (a.options.containsKey(name)) {
                        throw new UsageException("option --" + name + " given twice");
                    }
                    a.options.put(name, value);
                } else {
                    throw new UsageException("unknown option --" + name);
                }
            } else {
                a.positional.add(arg);
            }
        }
        return a;
    }

    public boolean has(String name) {
        return options.containsKey(name);
    }

    public String get(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }

    /** The value of a required option. */
    public String require(String name) {
        String v = options.get(name);
        if (v == null) {
            throw new UsageException("missing required option --" + name);
        }
        return v;
    }

    public boolean flag(String name) {
        String v = options.get(name);
        if (v == null) {
            return false;
        }
        if (v.equals("true") || v.equals("1")) {
            return true;
        }
        if (v.equals("false") || v.equals("0")) {
            return false;
        }
        throw new UsageException("option --" + name + " is a flag; got value '" + v + "'");
    }

    public int getInt(String name, int fallback) {
        String v = options.get(name);
        return v == null ? fallback : parseInt(name, v);
    }

    public long getLong(String name, long fallback) {
        String v = options.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("option --" + name + " needs an integer, got '" + v + "'");
        }
    }

    public double getDouble(String name, double fallback) {
        String v = options.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("option --" + name + " needs a number, got '" + v + "'");
        }
    }

    /**
     * A comma-separated list of {@code count} integers; a single integer is repeated
     * ({@code --stride 2} means 2,2).
     */
    public int[] getInts(String name, int count, int[] fallback) {
        String v = options.get(name);
        if (v == null) {
            return fallback;
        }
        String[] parts = v.split(",");
        if (parts.length != 1 && parts.length != count) {
            throw new UsageException("option --" + name + " needs 1 or " + count + " comma-separated integers, got '"
                    + v + "'");
        }
        int[] out = new int[count];
        for (int i = 0; i < count; i++) {
            out[i] = parseInt(name, parts[parts.length == 1 ? 0 : i]);
        }
        return out;
    }

    private static int parseInt(String name, String v) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("option --" + name + " needs an integer, got '" + v + "'");
        }
    }

    public List<String> positional() {
        return positional;
    }

    public Map<String, String> options() {
        return options;
    }
}
