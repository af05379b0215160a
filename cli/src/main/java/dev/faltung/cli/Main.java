package dev.faltung.cli;

import dev.faltung.cli.bench.BenchCommand;
import dev.faltung.cli.oracle.OracleCommand;
import dev.faltung.kernel.Backends;
import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code faltung} command line. Exit codes: 0 success, 2 bad usage (message and usage on
 * stderr), 1 any other failure (one clear message; the stack trace only with {@code --verbose}).
 */
public final class Main {

    private final Map<String, Command> commands = new LinkedHashMap<>();

    public Main() {
        for (Command c : List.<Command>of(new TrainCommand(), new EvalCommand(), new PredictCommand(),
                new ModelsCommand(), new InfoCommand(), new BenchCommand(), new OracleCommand())) {
            commands.put(c.name(), c);
        }
    }

    public static void main(String[] argv) {
        System.setProperty("java.awt.headless", "true");
        int code = new Main().run(Arrays.asList(argv), System.out, System.err);
        System.out.flush();
        System.exit(code);
    }

    /** Runs one command line; returns the exit code. */
    public int run(List<String> argv, PrintStream out, PrintStream err) {
        boolean verbose = argv.contains("--verbose");
        List<String> args = argv.stream().filter(a -> !a.equals("--verbose")).toList();
        if (args.isEmpty() || args.get(0).equals("help") || args.get(0).equals("--help") || args.get(0).equals("-h")) {
            if (args.size() > 1 && commands.containsKey(args.get(1))) {
                out.println(commands.get(args.get(1)).usage());
            } else {
                printHelp(out);
            }
            return args.isEmpty() ? 2 : 0;
        }
        Command command = commands.get(args.get(0));
        if (command == null) {
            err.println("faltung: unknown command '" + args.get(0) + "'");
            printHelp(err);
            return 2;
        }
        List<String> rest = args.subList(1, args.size());
        if (rest.contains("--help") || rest.contains("-h")) {
            out.println(command.usage());
            return 0;
        }
        try {
            return command.run(rest, out, err);
        } catch (UsageException e) {
            err.println("faltung " + command.name() + ": " + e.getMessage());
            err.println(command.usage());
            return 2;
        } catch (Exception | OutOfMemoryError | StackOverflowError e) {
            err.println("faltung " + command.name() + ": " + describe(e));
            if (verbose) {
                e.printStackTrace(err);
            } else {
                err.println("(run with --verbose for the stack trace)");
            }
            return 1;
        }
    }

    static String describe(Throwable e) {
        String m = e.getMessage();
        if (e instanceof OutOfMemoryError) {
            return "out of memory (raise the heap with FALTUNG_JAVA_OPTS=-Xmx8g): " + m;
        }
        if (e instanceof FileSystemException f && f.getReason() == null) {
            // The JDK's message is then the bare path ("/proc/run"); say what happened to it.
            return m + ": " + switch (f) {
                case NoSuchFileException x -> "no such file or directory";
                case AccessDeniedException x -> "permission denied";
                case FileAlreadyExistsException x -> "already exists";
                case NotDirectoryException x -> "not a directory";
                case DirectoryNotEmptyException x -> "directory not empty";
                default -> f.getClass().getSimpleName();
            };
        }
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    private void printHelp(PrintStream s) {
        s.println("usage: faltung COMMAND [OPTIONS]   (faltung help COMMAND for its options)");
        s.println("commands:");
        for (Command c : commands.values()) {
            s.printf("  %-9s %s%n", c.name(), c.summary());
        }
        s.println("common: --verbose prints stack traces; -D" + Backends.PROPERTY + "=NAME or "
                + Backends.ENVIRONMENT + "=NAME picks the default backend");
    }
}
