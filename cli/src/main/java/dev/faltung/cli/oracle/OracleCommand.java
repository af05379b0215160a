package dev.faltung.cli.oracle;

import dev.faltung.autodiff.Compute;
import dev.faltung.autodiff.Tensor;
import dev.faltung.cli.Args;
import dev.faltung.cli.Command;
import dev.faltung.cli.UsageException;
import dev.faltung.kernel.Backend;
import dev.faltung.kernel.Backends;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code faltung oracle OP --input X.npy [--NAME FILE.npy]... [--PARAM VALUE]... --out DIR}:
 * runs one op with the semantics of {@code torch.nn.functional} (or {@code scipy.signal}) and
 * writes its output and, given {@code --grad-output}, its vector-Jacobian products as {@code .npy}
 * files. Every problem with the request (unknown op or option, missing or malformed file, wrong
 * dtype or shape, a parameter that is not a finite number) exits with 2 and one line naming it;
 * nothing is written unless everything was computed.
 */
public final class OracleCommand implements Command {

    /** Options every op accepts. */
    private static final List<Flag> COMMON = List.of(
            Flag.file("input", "the input (required); float32 or float64, which fixes the dtype of the computation "
                    + "and of every output; other float arrays are converted to it"),
            Flag.file("grad-output", "GY, the gradient of a loss with respect to the output (its shape): asks for "
                    + "grad_input.npy and grad_weight.npy / grad_bias.npy for the parameters given"),
            Flag.value("backend", "NAME", "the backend under test (default reference, the exact scalar backend; "
                    + "faltung info lists them)"),
            Flag.value("out", "DIR", "directory for the results (required; created if missing)"));

    @Override
    public String name() {
        return "oracle";
    }

    @Override
    public String summary() {
        return "run one op as torch.nn.functional / scipy.signal define it, .npy in and out";
    }

    @Override
    public String usage() {
        StringBuilder s = new StringBuilder();
        s.append("usage: faltung oracle OP --input X.npy [--NAME FILE.npy]... [--PARAM VALUE]... ")
                .append("[--grad-output GY.npy] --out DIR\n");
        s.append("  Computes OP as torch.nn.functional (scipy.signal for correlate2d/convolve2d) defines it and\n")
                .append("  writes DIR/output.npy in the dtype of --input. With --grad-output GY.npy it also writes\n")
                .append("  the vector-Jacobian products GY·d(output)/d(argument): grad_input.npy, and grad_weight.npy\n")
                .append("  and grad_bias.npy when --weight and --bias were given. Files are written only after\n")
                .append("  everything was computed, each atomically; on any failure none are left behind.\n")
                .append("  Exit status: 0 done; 2 a bad request (unknown op or option, missing or malformed file,\n")
                .append("  wrong dtype or shape, a parameter that is not a finite number), reported in one line;\n")
                .append("  1 any other failure.\n");
        s.append("options of every op:\n");
        appendFlags(s, COMMON, "  ");
        s.append("ops (defaults are torch's; a bare flag is true):\n");
        for (OracleOp op : OracleOps.all()) {
            s.append(wrap(op.name() + " " + op.synopsis(), "  ").replace("\n  ", "\n        ")).append('\n');
            s.append(wrap(op.description(), "      ")).append('\n');
            appendFlags(s, op.flags(), "    ");
        }
        s.append("example:\n")
                .append("  faltung oracle conv2d --input x.npy --weight w.npy --bias b.npy --stride 2 --padding same \\\n")
                .append("      --grad-output gy.npy --out result/   # result/{output,grad_input,grad_weight,grad_bias}.npy");
        return s.toString();
    }

    private static void appendFlags(StringBuilder s, List<Flag> flags, String indent) {
        for (Flag f : flags) {
            String head = indent + "--" + f.name() + (f.meta().isEmpty() ? "" : " " + f.meta());
            String pad = head.length() < 30 ? " ".repeat(30 - head.length()) : "\n" + " ".repeat(30);
            s.append(head).append(pad).append(wrap(f.help(), " ".repeat(30)).substring(30)).append('\n');
        }
    }

    /** Word-wraps {@code text} to 100 columns, every line starting with {@code indent}. */
    private static String wrap(String text, String indent) {
        StringBuilder out = new StringBuilder();
        StringBuilder line = new StringBuilder(indent);
        for (String word : text.split(" ")) {
            if (line.length() > indent.length() && line.length() + 1 + word.length() > 100) {
                out.append(line).append('\n');
                line = new StringBuilder(indent);
            }
            if (line.length() > indent.length()) {
                line.append(' ');
            }
            line.append(word);
        }
        return out.append(line).toString();
    }

    @Override
    public int run(List<String> argv, PrintStream out, PrintStream err) throws Exception {
        try {
            OracleOp op = op(argv);
            Args args = parse(op, argv.subList(1, argv.size()));
            Path dir = Path.of(args.require("out"));
            if (Files.exists(dir) && !Files.isDirectory(dir)) {
                throw new UsageException("--out " + dir + " exists and is not a directory");
            }
            Backend backend = backend(args.get("backend", "reference"));
            Map<String, Tensor> results;
            try (Compute ignored = Compute.use(backend)) {
                results = compute(op, args);
            }
            try {
                ResultWriter.writeAll(dir, results);
            } catch (IOException e) {
                // The file system's exceptions name only a path ("/proc/x"); say what failed.
                throw new IOException("could not write the results into " + dir + ": "
                        + e.getClass().getSimpleName() + " " + e.getMessage(), e);
            }
            return 0;
        } catch (UsageException | IllegalArgumentException | UnsupportedOperationException e) {
            // IllegalArgumentException: the engine's shape and parameter checks, which name the op;
            // UnsupportedOperationException: an algorithm that does not apply to this geometry.
            // Failures while writing are not the request's fault: they reach Main and exit with 1.
            err.println("faltung oracle: " + oneLine(e.getMessage(), e));
            return 2;
        }
    }

    private static OracleOp op(List<String> argv) {
        if (argv.isEmpty() || argv.get(0).startsWith("-")) {
            throw new UsageException("missing OP, the first argument (one of " + OracleOps.names()
                    + "; faltung help oracle describes them)");
        }
        OracleOp op = OracleOps.get(argv.get(0));
        if (op == null) {
            throw new UsageException("unknown op '" + argv.get(0) + "' (known: " + OracleOps.names() + ")");
        }
        return op;
    }

    private static Args parse(OracleOp op, List<String> argv) {
        Set<String> valued = new HashSet<>(), booleans = new HashSet<>();
        for (List<Flag> flags : List.of(COMMON, op.flags())) {
            for (Flag f : flags) {
                (f.kind() == Flag.Kind.BOOLEAN ? booleans : valued).add(f.name());
            }
        }
        Args args;
        try {
            args = Args.parse(argv, valued, booleans);
        } catch (UsageException e) {
            throw new UsageException(op.name() + ": " + e.getMessage() + " (faltung help oracle lists the options of "
                    + op.name() + ")");
        }
        if (!args.positional().isEmpty()) {
            throw new UsageException(op.name() + ": unexpected argument '" + args.positional().get(0)
                    + "' (options are --NAME VALUE; a flag takes --NAME=false)");
        }
        return args;
    }

    private static Backend backend(String name) {
        try {
            return Backends.get(name);
        } catch (IllegalStateException e) {
            throw new UsageException(e.getMessage()); // known but unavailable here
        }
    }

    /** Runs the op and, when asked, its backward pass; returns the results by file stem. */
    static Map<String, Tensor> compute(OracleOp op, Args args) {
        boolean differentiate = args.has("grad-output") || op.alwaysDifferentiates();
        OpInputs in = OpInputs.load(op.name(), args, differentiate);
        Tensor gradOutput = in.constant("grad-output");
        Forward f = op.computation().apply(in);
        Tensor y = f.output();
        Map<String, Tensor> results = new LinkedHashMap<>();
        results.put("output", y);
        if (differentiate) {
            if (gradOutput == null) {
                gradOutput = Tensor.ones(y.dtype(), y.shape());
            } else if (!Arrays.equals(gradOutput.shape(), y.shape())) {
                throw new IllegalArgumentException(op.name() + ": --grad-output has shape "
                        + OpInputs.shape(gradOutput) + " but the output has shape " + OpInputs.shape(y));
            }
            y.backward(gradOutput, false);
            for (Map.Entry<String, Tensor> leaf : in.leaves().entrySet()) {
                Tensor t = leaf.getValue();
                results.put(leaf.getKey(), t.grad() != null ? t.grad() : Tensor.zeros(t.dtype(), t.shape()));
            }
        }
        results.putAll(f.extras());
        for (Map.Entry<String, Tensor> r : results.entrySet()) {
            if (r.getValue().dtype() != in.dtype()) {
                throw new IllegalStateException(op.name() + " produced " + r.getKey() + " in " + r.getValue().dtype()
                        + ", not in the dtype of --input " + in.dtype());
            }
        }
        return results;
    }

    private static String oneLine(String message, Exception e) {
        String m = message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
        return m.replaceAll("\\s*\\R\\s*", "; ");
    }
}
