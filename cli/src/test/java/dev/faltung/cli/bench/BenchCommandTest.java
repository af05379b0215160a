package dev.faltung.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faltung.cli.Main;
import dev.faltung.kernel.conv.ConvGeometry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code faltung bench}: the last standard-output line is one JSON object that scripts can rely
 * on, its numbers agree with each other, and bad arguments are usage errors (exit 2) that say
 * what was expected. Runs on tiny shapes with the reference backend.
 */
class BenchCommandTest {

    private static final Set<String> CONCRETE = Set.of("direct", "im2col", "fft", "winograd");

    /** Exit code, standard output and standard error of one command line. */
    record Run(int code, String out, String err) {
        Map<String, Object> lastLineJson() {
            String[] lines = out.strip().split("\n");
            return Json.object(lines[lines.length - 1]);
        }
    }

    static Run faltung(String... argv) throws Exception {
        // Through Main, as ./faltung runs it, so that exit codes are those a user sees.
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = new Main().run(List.of(argv), o, e);
        }
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static double num(Map<String, Object> json, String key) {
        assertTrue(json.get(key) instanceof Double, () -> key + " should be a number in " + json);
        return (Double) json.get(key);
    }

    private static void assertTimingsConsistent(Map<String, Object> json, double flops, int repeats) {
        for (String key : List.of("median_ms", "min_ms", "gflops", "backend", "threads", "dtype", "repeats")) {
            assertTrue(json.containsKey(key), () -> "missing key " + key + " in " + json);
        }
        assertEquals(flops, num(json, "flops"), "flops");
        assertEquals(repeats, num(json, "repeats"), "repeats");
        assertEquals("reference", json.get("backend"));
        assertEquals(1.0, num(json, "threads"), "the reference backend computes on the calling thread");
        assertEquals("float32", json.get("dtype"));
        double median = num(json, "median_ms");
        double min = num(json, "min_ms");
        assertTrue(min > 0 && min <= median, () -> "need 0 < min_ms <= median_ms in " + json);
        double expectedGflops = flops / (median * 1e6);
        assertEquals(expectedGflops, num(json, "gflops"), expectedGflops * 1e-4, "gflops = flops / median");
    }

    @Test
    void gemmEndsWithOneJsonObjectWithTimingsAndTwoNCubedFlops() throws Exception {
        Run r = faltung("bench", "gemm", "--n", "12", "--backend", "reference", "--repeat", "3", "--warmup", "1", "--warmup-ms", "0");
        assertEquals(0, r.code(), r.err());
        Map<String, Object> json = r.lastLineJson();
        assertEquals("gemm", json.get("bench"));
        assertEquals(12.0, num(json, "n"));
        assertTimingsConsistent(json, 2.0 * 12 * 12 * 12, 3);
    }

    @Test
    void peakMeasuresAnFmaRateOnEveryThreadAsked() throws Exception {
        Run r = faltung("bench", "peak", "--threads", "2", "--ms", "20");
        assertEquals(0, r.code(), r.err());
        Map<String, Object> json = r.lastLineJson();
        assertEquals("peak", json.get("bench"));
        assertEquals(2.0, num(json, "threads"));
        assertTrue(num(json, "lanes") >= 1, json::toString);
        // An FMA loop runs at several GFLOP/s on any machine of this century, and the total is the
        // per-thread rate times the threads.
        assertTrue(num(json, "gflops_per_thread") > 1, json::toString);
        assertEquals(num(json, "gflops"), 2 * num(json, "gflops_per_thread"), 1e-4 * num(json, "gflops"), "JSON keeps 6 digits");
        assertEquals(2, faltung("bench", "peak", "--ms", "1").code(), "--ms below 10 is a usage error");
    }

    @Test
    void convAutoForwardBackwardNamesTheChosenAlgorithmPerDirectionAndCountsThreeForwards() throws Exception {
        String shape = "2,3,7,7,4,3,3,1,1";
        Run r = faltung("bench", "conv", "--shape", shape, "--backward", "--backend", "reference",
                "--repeat", "2", "--warmup", "1", "--warmup-ms", "0");
        assertEquals(0, r.code(), r.err());
        Map<String, Object> json = r.lastLineJson();
        assertEquals("conv", json.get("bench"));
        assertEquals(shape, json.get("shape"));
        assertEquals("auto", json.get("requested"));
        assertEquals("forward+backward", json.get("pass"));
        assertTrue(CONCRETE.contains(json.get("algo")), () -> "algo should be what AUTO chose: " + json);
        @SuppressWarnings("unchecked")
        Map<String, Object> algos = (Map<String, Object>) json.get("algos");
        assertEquals(Set.of("forward", "backward_data", "backward_filter"), algos.keySet());
        assertEquals(json.get("algo"), algos.get("forward"));
        for (Object a : algos.values()) {
            assertTrue(CONCRETE.contains(a), () -> "each direction names a concrete algorithm: " + algos);
        }
        double forward = new ConvGeometry(2, 3, 7, 7, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1).flops();
        assertTimingsConsistent(json, 3 * forward, 2);
    }

    @Test
    void convWithAConcreteAlgorithmReportsThatAlgorithm() throws Exception {
        for (String algo : List.of("direct", "im2col", "fft", "winograd")) {
            Run r = faltung("bench", "conv", "--shape", "1,2,6,6,3,3,3,1,0", "--algo", algo,
                    "--backend", "reference", "--repeat", "1", "--warmup", "0", "--warmup-ms", "0");
            assertEquals(0, r.code(), () -> algo + ": " + r.err());
            Map<String, Object> json = r.lastLineJson();
            assertEquals(algo, json.get("requested"));
            assertEquals(algo, json.get("algo"));
            assertEquals("forward", json.get("pass"));
            assertTimingsConsistent(json, 2.0 * 1 * 3 * 4 * 4 * 2 * 3 * 3, 1);
        }
    }

    @Test
    void badShapesAreUsageErrorsThatSayWhatIsExpected() throws Exception {
        List<String[]> cases = new ArrayList<>();
        cases.add(new String[] {"64,1,28", "needs 9 comma-separated integers N,C,H,W,K,R,S,stride,pad"});
        cases.add(new String[] {"64,1,28,28,6,5,x,1,0", "needs 9 comma-separated integers"});
        cases.add(new String[] {"64,1,28,28,6,5,5,1,0,3", "needs 9 comma-separated integers"});
        cases.add(new String[] {"1,1,4,4,1,7,7,1,0", "larger than the padded input"});
        cases.add(new String[] {"1,1,8,8,1,3,3,0,0", "stride must be positive"});
        cases.add(new String[] {"1,1,8,8,1,3,3,1,-1", "padding must be non-negative"});
        for (String[] c : cases) {
            Run r = faltung("bench", "conv", "--shape", c[0], "--backend", "reference");
            assertEquals(2, r.code(), () -> "--shape " + c[0] + " should be a usage error; stderr: " + r.err());
            assertTrue(r.err().contains(c[1]), () -> "--shape " + c[0] + ": stderr should say '" + c[1] + "': " + r.err());
            assertTrue(r.err().contains(c[0]), () -> "the message should quote the shape " + c[0] + ": " + r.err());
            assertEquals("", r.out(), "no result line after a usage error");
        }
    }

    @Test
    void otherBadArgumentsAreUsageErrors() throws Exception {
        assertEquals(2, faltung("bench").code());
        assertEquals(2, faltung("bench", "fft").code());
        assertEquals(2, faltung("bench", "gemm").code(), "--n is required");
        assertEquals(2, faltung("bench", "gemm", "--n", "0").code());
        assertEquals(2, faltung("bench", "gemm", "--n", "8", "--repeat", "0").code());
        assertEquals(2, faltung("bench", "gemm", "--n", "8", "--threads", "0").code());
        assertEquals(2, faltung("bench", "gemm", "--n", "8", "--dtype", "int8").code());
        assertEquals(2, faltung("bench", "gemm", "--n", "8", "--backend", "no-such-backend").code());
        Run r = faltung("bench", "conv", "--shape", "1,1,8,8,1,3,3,1,0", "--algo", "magic");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("unknown convolution algorithm 'magic'"), r.err());
    }

    @Test
    void anAlgorithmThatDoesNotApplyFailsWithTheReasonAndNoResult() throws Exception {
        Run r = faltung("bench", "conv", "--shape", "1,1,8,8,1,7,7,1,0", "--algo", "winograd", "--backend", "reference",
                "--repeat", "1", "--warmup", "0", "--warmup-ms", "0");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("winograd"), r.err());
        assertEquals("", r.out());
    }
}
