package dev.faltung.cli;

import dev.faltung.nn.io.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** One in-process run of the command line: exit code, stdout and stderr. */
record CliRun(int code, String out, String err) {

    static CliRun of(String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = new Main().run(List.of(argv), o, e);
        }
        return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The last stdout line parsed as a JSON object. */
    Map<?, ?> json() {
        List<String> lines = out.lines().toList();
        if (lines.isEmpty()) {
            throw new AssertionError("no stdout; stderr:\n" + err);
        }
        Object o = Json.parse(lines.get(lines.size() - 1));
        if (!(o instanceof Map<?, ?> m)) {
            throw new AssertionError("last stdout line is not a JSON object: " + lines.get(lines.size() - 1));
        }
        return m;
    }

    double number(String key) {
        Object v = json().get(key);
        if (!(v instanceof Number n)) {
            throw new AssertionError("JSON key '" + key + "' is not a number: " + v + " in " + json());
        }
        return n.doubleValue();
    }

    @Override
    public String toString() {
        return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
