package dev.faltung.proofs.oracle;

import dev.faltung.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** One in-process run of {@code faltung} with its exit code and what it printed. */
record OracleRun(int exitCode, String out, String err) {

    static OracleRun of(List<String> argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = new Main().run(argv, o, e);
        }
        return new OracleRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The lines written to standard error. */
    List<String> errLines() {
        return err.lines().toList();
    }

    String describe(List<String> argv) {
        return "faltung " + String.join(" ", argv) + "\n  exit " + exitCode + "\n  stderr: " + err.strip();
    }
}
