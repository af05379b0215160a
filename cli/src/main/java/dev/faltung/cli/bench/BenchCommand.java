package dev.faltung.cli.bench;

import dev.faltung.cli.Args;
import dev.faltung.cli.Command;
import dev.faltung.cli.UsageException;
import java.io.PrintStream;
import java.util.List;

/**
 * {@code faltung bench gemm|conv|peak}: times one kernel on one backend (or the machine's FMA rate) and prints a summary line
 * and, as the last line of standard output, one JSON object that scripts such as
 * {@code bench/side_by_side.py} parse.
 */
public final class BenchCommand implements Command {

    @Override
    public String name() {
        return "bench";
    }

    @Override
    public String summary() {
        return "time GEMM, a convolution or the machine's FMA peak (JSON result on the last line)";
    }

    @Override
    public String usage() {
        return GemmBench.USAGE + "\n" + ConvBench.USAGE + "\n" + PeakBench.USAGE;
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.isEmpty() || args.get(0).startsWith("-")) {
            throw new UsageException("missing what to time: gemm, conv or peak");
        }
        List<String> rest = args.subList(1, args.size());
        return switch (args.get(0)) {
            case "gemm" -> GemmBench.run(rest, out, err);
            case "conv" -> ConvBench.run(rest, out, err);
            case "peak" -> PeakBench.run(rest, out, err);
            default -> throw new UsageException("unknown bench '" + args.get(0) + "' (expected gemm, conv or peak)");
        };
    }

    /** A count option that must be at least {@code min}. */
    static int count(Args args, String name, int fallback, int min) {
        int v = args.getInt(name, fallback);
        if (v < min) {
            throw new UsageException("option --" + name + " must be at least " + min + ", got " + v);
        }
        return v;
    }
}
