package dev.faltung.proofs.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faltung.nn.io.NdArray;
import dev.faltung.nn.io.Npy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bad request to {@code faltung oracle} exits with 2 and one line on standard error that names
 * the problem, and leaves nothing in the output directory (nor creates it).
 */
class OracleErrorsTest {

    @TempDir
    Path temp;

    private Path x, w, b, out;

    @BeforeEach
    void arrays() throws IOException {
        x = write("x.npy", NdArray.ofDoubles(values(2 * 3 * 5 * 5), 2, 3, 5, 5));
        w = write("w.npy", NdArray.ofDoubles(values(4 * 3 * 3 * 3), 4, 3, 3, 3));
        b = write("b.npy", NdArray.ofDoubles(values(4), 4));
        out = temp.resolve("out");
        Files.createDirectories(out);
    }

    private static double[] values(int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = Math.sin(i + 1.0);
        }
        return v;
    }

    private Path write(String name, NdArray a) throws IOException {
        Path p = temp.resolve(name);
        Npy.write(p, a);
        return p;
    }

    /** Runs {@code faltung oracle ARGS --out OUT}; asserts exit 2, one line containing each of {@code mentions}, nothing written. */
    private void rejected(List<String> args, String... mentions) throws IOException {
        List<String> argv = new ArrayList<>(List.of("oracle"));
        argv.addAll(args);
        argv.addAll(List.of("--out", out.toString()));
        OracleRun run = OracleRun.of(argv);
        assertEquals(2, run.exitCode(), () -> run.describe(argv));
        assertEquals(1, run.errLines().size(), () -> "exactly one line: " + run.describe(argv));
        for (String m : mentions) {
            assertTrue(run.err().contains(m), () -> "mentions '" + m + "': " + run.describe(argv));
        }
        try (Stream<Path> left = Files.list(out)) {
            assertEquals(List.of(), left.toList(), () -> "nothing written: " + run.describe(argv));
        }
    }

    private List<String> conv(String... more) {
        List<String> a = new ArrayList<>(List.of("conv2d", "--input", x.toString(), "--weight", w.toString()));
        a.addAll(Arrays.asList(more));
        return a;
    }

    @Test
    void missingFile() throws IOException {
        String missing = temp.resolve("nope.npy").toString();
        rejected(conv("--bias", missing), "--bias", missing, "no such file");
    }

    @Test
    void malformedNpy() throws IOException {
        Path bad = temp.resolve("bad.npy");
        Files.write(bad, "definitely not numpy".getBytes());
        rejected(conv("--bias", bad.toString()), "--bias", bad.toString());
    }

    @Test
    void truncatedNpy() throws IOException {
        Path t = temp.resolve("truncated.npy");
        byte[] whole = Files.readAllBytes(w);
        Files.write(t, Arrays.copyOf(whole, whole.length - 8));
        rejected(List.of("conv2d", "--input", x.toString(), "--weight", t.toString()), "--weight", "truncated");
    }

    @Test
    void integerInputIsTheWrongDtype() throws IOException {
        Path ints = write("ints.npy", NdArray.ofInts(new int[2 * 3 * 5 * 5], 2, 3, 5, 5));
        rejected(List.of("relu", "--input", ints.toString()), "--input", "int32", "float32 or float64");
    }

    @Test
    void floatTargetsAreTheWrongDtype() throws IOException {
        Path logits = write("logits.npy", NdArray.ofDoubles(values(6), 2, 3));
        Path target = write("target.npy", NdArray.ofDoubles(new double[] {0, 2}, 2));
        rejected(List.of("cross_entropy", "--input", logits.toString(), "--target", target.toString()),
                "--target", "int64");
    }

    @Test
    void classWeightsOfTheWrongLengthOrAllZeroOnTheTargets() throws IOException {
        Path logits = write("logits.npy", NdArray.ofDoubles(values(6), 2, 3));
        Path target = write("target.npy", NdArray.ofLongs(new long[] {0, 2}, 2));
        Path two = write("two.npy", NdArray.ofDoubles(new double[] {1, 1}, 2));
        rejected(List.of("cross_entropy", "--input", logits.toString(), "--target", target.toString(),
                "--weight", two.toString()), "--weight", "[2]", "[3]");
        // torch divides by the targets' total weight, 0 here, and returns nan
        Path zeroOnTargets = write("w0.npy", NdArray.ofDoubles(new double[] {0, 1, 0}, 3));
        rejected(List.of("cross_entropy", "--input", logits.toString(), "--target", target.toString(),
                "--weight", zeroOnTargets.toString()), "--weight", "0");
    }

    @Test
    void channelMismatchNamesBothShapes() throws IOException {
        Path w2 = write("w2.npy", NdArray.ofDoubles(values(4 * 2 * 3 * 3), 4, 2, 3, 3));
        rejected(List.of("conv2d", "--input", x.toString(), "--weight", w2.toString()),
                "conv2d", "[2, 3, 5, 5]", "[4, 2, 3, 3]");
    }

    @Test
    void biasOfTheWrongLength() throws IOException {
        Path b3 = write("b3.npy", NdArray.ofDoubles(values(3), 3));
        rejected(conv("--bias", b3.toString()), "bias", "[3]");
    }

    @Test
    void gradOutputOfTheWrongShape() throws IOException {
        Path gy = write("gy.npy", NdArray.ofDoubles(values(2 * 4 * 2 * 2), 2, 4, 2, 2));
        rejected(conv("--grad-output", gy.toString()), "--grad-output", "[2, 4, 2, 2]", "[2, 4, 3, 3]");
    }

    @Test
    void unknownFlag() throws IOException {
        rejected(conv("--strides", "2"), "--strides");
    }

    @Test
    void flagOfAnotherOp() throws IOException {
        rejected(List.of("relu", "--input", x.toString(), "--weight", w.toString()), "--weight");
    }

    @Test
    void unknownOp() throws IOException {
        rejected(List.of("conv3d", "--input", x.toString()), "conv3d", "conv2d");
    }

    @Test
    void missingOp() throws IOException {
        rejected(List.of("--input", x.toString()), "OP");
    }

    @Test
    void missingRequiredInput() throws IOException {
        rejected(List.of("relu"), "--input");
    }

    @Test
    void badParameterValue() throws IOException {
        rejected(conv("--stride", "two"), "--stride", "two");
    }

    @Test
    void nonFiniteParameters() throws IOException {
        // Java's parser reads NaN, Infinity and 1e999 (which overflows to Infinity); torch would
        // carry any of them into a result of NaNs.
        for (String v : List.of("NaN", "Infinity", "-Infinity", "1e999")) {
            rejected(List.of("leaky_relu", "--input", x.toString(), "--slope", v), "--slope", v, "finite");
        }
        rejected(List.of("batch_norm", "--input", x.toString(), "--training", "--eps", "NaN"), "--eps", "finite");
    }

    @Test
    void unknownAlgorithm() throws IOException {
        rejected(conv("--algo", "magic"), "magic");
    }

    @Test
    void unknownBackend() throws IOException {
        rejected(List.of("relu", "--input", x.toString(), "--backend", "abacus"), "abacus");
    }

    @Test
    void noOutputDirectoryIsCreatedOnFailure() throws IOException {
        Path fresh = temp.resolve("fresh");
        List<String> argv = List.of("oracle", "conv2d", "--input", x.toString(), "--weight", temp.resolve("none.npy")
                .toString(), "--out", fresh.toString());
        OracleRun run = OracleRun.of(argv);
        assertEquals(2, run.exitCode(), () -> run.describe(argv));
        assertTrue(Files.notExists(fresh), () -> "created " + fresh + ": " + run.describe(argv));
    }

    @Test
    void anOutputPathThatIsAFile() throws IOException {
        List<String> argv = List.of("oracle", "tanh", "--input", b.toString(), "--out", x.toString());
        OracleRun run = OracleRun.of(argv);
        assertEquals(2, run.exitCode(), () -> run.describe(argv));
        assertEquals(1, run.errLines().size(), () -> "exactly one line: " + run.describe(argv));
        assertTrue(run.err().contains("--out " + x + " exists and is not a directory"), () -> run.describe(argv));
    }

    @Test
    void aMissingOutputDirectoryIsCreated() throws IOException {
        Path nested = temp.resolve("a/b");
        List<String> argv = List.of("oracle", "tanh", "--input", b.toString(), "--out", nested.toString());
        OracleRun run = OracleRun.of(argv);
        assertEquals(0, run.exitCode(), () -> run.describe(argv));
        assertTrue(Files.isRegularFile(nested.resolve("output.npy")));
    }

    @Test
    void aWriteFailingMidwayRemovesWhatWasWritten() throws IOException {
        // grad_input.npy cannot replace a non-empty directory, so the second write fails.
        Files.createDirectories(out.resolve("grad_input.npy").resolve("occupied"));
        Path gy = write("gy.npy", NdArray.ofDoubles(values(4), 4));
        List<String> argv = List.of("oracle", "tanh", "--input", b.toString(), "--grad-output", gy.toString(),
                "--out", out.toString());
        OracleRun run = OracleRun.of(argv);
        assertEquals(1, run.exitCode(), () -> run.describe(argv));
        assertTrue(run.err().contains("could not write the results into " + out), () -> run.describe(argv));
        try (Stream<Path> left = Files.list(out)) {
            assertEquals(List.of(out.resolve("grad_input.npy")), left.toList(), () -> run.describe(argv));
        }
    }
}
