package dev.faltung.proofs.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code faltung oracle} agrees with PyTorch and SciPy on every fixture that
 * {@code src/test/python/make_oracle_fixtures.py} generated: the output and every gradient, in
 * float64 within 1e-9 and in float32 within 1e-4 of the expected array's scale, and exactly the
 * expected set of files is written. Convolution cases run once per algorithm: those that apply
 * must agree too, the others must be refused with exit 2, one line, and nothing written.
 */
class OracleFixturesTest {

    private static final List<String> ALGORITHMS = List.of("direct", "im2col", "fft", "winograd", "auto");

    @TempDir
    Path temp;

    /** One fixture: its directory, and the algorithms that apply (empty for ops without --algo). */
    record Fixture(String name, Path dir, List<String> algorithms) {

        /** The command line with {@code extra} options (such as {@code --algo A}) and {@code --out out}. */
        List<String> argv(Path out, List<String> extra) throws IOException {
            List<String> argv = new ArrayList<>(List.of("oracle"));
            for (String a : Files.readAllLines(dir.resolve("args.txt"))) {
                if (!a.isEmpty()) {
                    argv.add(a.endsWith(".npy") ? dir.resolve(a).toString() : a);
                }
            }
            argv.addAll(extra);
            argv.addAll(List.of("--out", out.toString()));
            return argv;
        }

        String op() throws IOException {
            return Files.readAllLines(dir.resolve("args.txt")).get(0);
        }
    }

    static List<Fixture> fixtures() {
        try {
            Path index = Path.of(OracleFixturesTest.class.getResource("/oracle/cases.txt").toURI());
            List<Fixture> out = new ArrayList<>();
            for (String line : Files.readAllLines(index)) {
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\t");
                out.add(new Fixture(f[0], index.getParent().resolve(f[0]),
                        f[1].equals("-") ? List.of() : List.of(f[1].split(","))));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @TestFactory
    Stream<DynamicTest> everyFixtureMatchesTorchAndScipy() {
        return fixtures().stream().map(f -> DynamicTest.dynamicTest(f.name(),
                () -> check(f, temp.resolve(f.name()), List.of())));
    }

    @TestFactory
    Stream<DynamicTest> everyConvolutionAlgorithmMatchesOrIsRefused() {
        return fixtures().stream().filter(f -> !f.algorithms().isEmpty())
                .flatMap(f -> ALGORITHMS.stream().map(a -> DynamicTest.dynamicTest(f.name() + " --algo " + a, () -> {
                    if (f.algorithms().contains(a)) {
                        check(f, temp.resolve(f.name() + "-" + a), List.of("--algo", a));
                    } else {
                        refused(f, a);
                    }
                })));
    }

    /** Runs fixture {@code f} with {@code extra} options into {@code out} and compares every file. */
    static void check(Fixture f, Path out, List<String> extra) throws IOException {
        List<String> argv = f.argv(out, extra);
        OracleRun run = OracleRun.of(argv);
        assertEquals(0, run.exitCode(), () -> run.describe(argv));
        Path expectedDir = f.dir().resolve("expected");
        Set<String> expected = names(expectedDir), written = names(out);
        assertEquals(expected, written, () -> f.name() + ": files written");
        for (String file : expected) {
            NpyComparison.assertClose(f.name() + (extra.isEmpty() ? "" : " " + String.join(" ", extra)) + " " + file,
                    expectedDir.resolve(file), out.resolve(file));
        }
    }

    private void refused(Fixture f, String algorithm) throws IOException {
        Path out = temp.resolve(f.name() + "-" + algorithm);
        List<String> argv = f.argv(out, List.of("--algo", algorithm));
        OracleRun run = OracleRun.of(argv);
        assertEquals(2, run.exitCode(), () -> algorithm + " does not apply here: " + run.describe(argv));
        assertEquals(1, run.errLines().size(), () -> "one line: " + run.describe(argv));
        assertTrue(run.err().toLowerCase().contains(algorithm), () -> "names the algorithm: " + run.describe(argv));
        assertTrue(Files.notExists(out), () -> "nothing written: " + run.describe(argv));
    }

    private static Set<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(TreeSet::new, Set::add, Set::addAll);
        }
    }

    /** The usage documents every op there is a fixture for, and each fixture op is in the usage. */
    @Test
    void usageListsExactlyTheOpsTheFixturesCover() throws IOException {
        OracleRun help = OracleRun.of(List.of("help", "oracle"));
        assertEquals(0, help.exitCode());
        Set<String> documented = new TreeSet<>();
        for (String line : help.out().lines().toList()) {
            if (line.matches("^  [a-z_0-9]+ --input.*")) {
                documented.add(line.trim().split(" ")[0]);
            }
        }
        Set<String> covered = new TreeSet<>();
        for (Fixture f : fixtures()) {
            covered.add(f.op());
        }
        assertEquals(documented, covered, "ops in 'faltung help oracle' vs ops with fixtures");
        Set<String> issueOps = Set.of("conv2d", "conv1d", "conv_transpose2d", "correlate2d", "convolve2d",
                "max_pool2d", "avg_pool2d", "lp_pool2d", "batch_norm", "linear", "softmax", "log_softmax",
                "cross_entropy", "relu", "tanh", "sigmoid", "elu", "leaky_relu", "local_response_norm", "dropout");
        Set<String> missing = new TreeSet<>(issueOps);
        missing.removeAll(documented);
        assertTrue(missing.isEmpty(), () -> "ops of the issue missing from the usage: " + missing);
    }

    /** Every option a fixture uses is explained in the usage text. */
    @Test
    void usageDocumentsEveryFlagTheFixturesUse() throws IOException {
        String usage = OracleRun.of(List.of("help", "oracle")).out();
        for (Fixture f : fixtures()) {
            for (String a : Files.readAllLines(f.dir().resolve("args.txt"))) {
                if (a.startsWith("--")) {
                    String flag = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
                    assertTrue(usage.contains("\n    " + flag + " ") || usage.contains("\n    " + flag + "\n")
                                    || usage.contains("\n  " + flag + " "),
                            () -> flag + " (used by " + f.name() + ") has no help line in 'faltung help oracle'");
                }
            }
        }
    }
}
