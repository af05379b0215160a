package dev.faltung.cli;

import java.io.PrintStream;
import java.util.List;

/** One subcommand of {@code ./faltung}. */
public interface Command {

    /** The word after {@code ./faltung}. */
    String name();

    /** One line for the command list. */
    String summary();

    /** Full usage text, printed with {@code help NAME} and after a usage error. */
    String usage();

    /**
     * Runs with the arguments after the command name. Returns the exit code; throws
     * {@link UsageException} for bad usage (exit 2) and any other exception for failures (exit 1).
     */
    int run(List<String> args, PrintStream out, PrintStream err) throws Exception;
}
