package dev.faltung.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faltung.kernel.conv.ConvPlanner;
import dev.faltung.nn.io.NdArray;
import dev.faltung.nn.train.Checkpoint;
import dev.faltung.nn.train.ConvAlgorithmCache;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainCommandTest {

    private static final List<String> REQUIRED_KEYS = List.of("test_accuracy", "test_loss", "train_images_per_sec",
            "epochs", "seconds", "backend", "model", "parameters", "top5", "threads", "dtype", "run_dir", "seed");

    private static CliRun train(Path out, String... extra) {
        List<String> argv = new java.util.ArrayList<>(List.of("train", "--limit", "240", "--batch", "32",
                "--threads", "2", "--out", out.toString()));
        argv.addAll(List.of(extra));
        return CliRun.of(argv.toArray(String[]::new));
    }

    @Test
    void aQuickRunWritesTheRunDirectoryAndEndsStdoutWithTheResultJson(@TempDir Path dir) {
        Path run = dir.resolve("run");
        CliRun r = train(run, "--epochs", "1");
        assertEquals(0, r.code(), r.toString());
        for (String file : List.of("model.safetensors", "last.safetensors", "metrics.csv", "curves.png",
                "confusion.png", "result.json")) {
            assertTrue(Files.isRegularFile(run.resolve(file)), file + " missing; " + r);
        }
        Map<?, ?> json = r.json();
        for (String key : REQUIRED_KEYS) {
            assertTrue(json.containsKey(key), "JSON lacks '" + key + "': " + json);
        }
        assertEquals("lenet5", json.get("model"));
        assertEquals(61_706L, json.get("parameters"));
        assertEquals(1L, json.get("epochs"));
        assertEquals(240L, json.get("test_images"));
        assertTrue(r.number("test_accuracy") >= 0 && r.number("test_accuracy") <= 1);
        assertTrue(r.number("train_images_per_sec") > 0);
        assertTrue(r.out().contains("epoch 1/1  train loss"), "one summary line per epoch: " + r.out());
    }

    @Test
    void aSecondRunTakesTheConvolutionAlgorithmsTheFirstTimedAndRepeatsItsResult(@TempDir Path dir) throws IOException {
        String before = System.getProperty(ConvAlgorithmCache.PROPERTY);
        System.setProperty(ConvAlgorithmCache.PROPERTY, dir.resolve("cache").toString());
        try {
            ConvPlanner.shared().clear(); // as in a fresh process
            CliRun first = train(dir.resolve("first"), "--epochs", "1");
            assertEquals(0, first.code(), first.toString());
            assertFalse(first.out().contains("timed by earlier runs"), first.out());
            Path file = new ConvAlgorithmCache(dir.resolve("cache"), ConvAlgorithmCache.machine(2)).file();
            assertTrue(Files.isRegularFile(file), "the first run's choices are saved");

            ConvPlanner.shared().clear();
            CliRun second = train(dir.resolve("second"), "--epochs", "1");
            assertEquals(0, second.code(), second.toString());
            assertTrue(second.out().contains("convolution algorithms timed by earlier runs: " + file), second.out());
            var choices = ConvPlanner.shared().choices().values();
            assertFalse(choices.isEmpty());
            assertTrue(choices.stream().allMatch(c -> c.mode() == ConvPlanner.Mode.PINNED), choices.toString());
            assertEquals(first.number("test_loss"), second.number("test_loss"), "the same algorithms, the same sums");

            Files.writeString(file, "{\"format\": ");
            ConvPlanner.shared().clear();
            CliRun third = train(dir.resolve("third"), "--epochs", "1");
            assertEquals(0, third.code(), third.toString());
            assertTrue(third.err().contains("ignoring the convolution algorithm cache") && third.err().contains(file.toString()),
                    third.err());
            assertFalse(new ConvAlgorithmCache(dir.resolve("cache"), ConvAlgorithmCache.machine(2)).read().isEmpty(),
                    "a bad file is replaced by the run's own choices");

            Path notADirectory = Files.writeString(dir.resolve("a-file"), "not a directory");
            System.setProperty(ConvAlgorithmCache.PROPERTY, notADirectory.toString());
            CliRun fourth = train(dir.resolve("fourth"), "--epochs", "1");
            assertEquals(0, fourth.code(), fourth.toString());
            assertTrue(fourth.err().contains(notADirectory + " is a file, not a directory"), fourth.err());
            assertEquals("not a directory", Files.readString(notADirectory));
        } finally {
            if (before == null) System.clearProperty(ConvAlgorithmCache.PROPERTY);
            else System.setProperty(ConvAlgorithmCache.PROPERTY, before);
            ConvPlanner.shared().clear();
        }
    }

    @Test
    void aRunRemovesTheTemporaryFilesAKilledRunLeftButNothingElse(@TempDir Path dir) throws IOException {
        Path run = Files.createDirectories(dir.resolve("run"));
        Path stale = Files.writeString(run.resolve(".last.safetensors.8415.tmp"), "half a checkpoint");
        Path mine = Files.writeString(run.resolve(".notes.tmp"), "not the run's");
        CliRun r = train(run, "--epochs", "1");
        assertEquals(0, r.code(), r.toString());
        assertTrue(Files.notExists(stale) && Files.exists(mine));
    }

    @Test
    void metricsCsvHasOneRowPerEpoch(@TempDir Path dir) throws IOException {
        Path run = dir.resolve("run");
        CliRun r = train(run, "--epochs", "2", "--val-split", "0.2");
        assertEquals(0, r.code(), r.toString());
        List<String> lines = Files.readAllLines(run.resolve("metrics.csv"));
        assertEquals(3, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).startsWith("epoch,train_loss,train_acc,val_loss,val_acc,"), lines.get(0));
        assertTrue(lines.get(2).startsWith("2,"), lines.get(2));
    }

    @Test
    void evalOnTheWrittenCheckpointReproducesTheTestAccuracy(@TempDir Path dir) {
        Path run = dir.resolve("run");
        CliRun t = train(run, "--epochs", "1");
        assertEquals(0, t.code(), t.toString());
        CliRun e = CliRun.of("eval", "--checkpoint", run.resolve("model.safetensors").toString());
        assertEquals(0, e.code(), e.toString());
        assertEquals(t.number("test_accuracy"), e.number("test_accuracy"), 0.0);
        assertEquals(t.number("test_loss"), e.number("test_loss"), 1e-12);
        assertEquals(240.0, e.number("images"));

        CliRun ensemble = CliRun.of("eval", "--checkpoint", run.resolve("model.safetensors") + ","
                + run.resolve("last.safetensors"), "--tta", "shift=1");
        assertEquals(0, ensemble.code(), ensemble.toString());
        assertEquals(2.0, ensemble.number("ensemble"));
        assertEquals(5.0, ensemble.number("tta_views"));
    }

    @Test
    void resumingFromTheFirstEpochGivesTheWeightsOfAStraightTwoEpochRun(@TempDir Path dir) throws IOException {
        Path straight = dir.resolve("straight");
        Path split = dir.resolve("split");
        // a schedule that does not depend on the run's total, which the resume extends from 1 to 2
        String[] options = {"--augment", "translate=2,flip", "--schedule", "exp=0.5"};
        assertEquals(0, train(straight, concat(options, "--epochs", "2")).code());
        assertEquals(0, train(split, concat(options, "--epochs", "1")).code());
        CliRun resumed = CliRun.of("train", "--resume", split.resolve("last.safetensors").toString(), "--epochs", "2");
        assertEquals(0, resumed.code(), resumed.toString());

        Checkpoint a = Checkpoint.read(straight.resolve("last.safetensors"));
        Checkpoint b = Checkpoint.read(split.resolve("last.safetensors"));
        assertEquals(2, b.state().epochsCompleted());
        assertEquals(a.state().step(), b.state().step());
        assertSameTensors("weights", a.weights(), b.weights());
        assertSameTensors("optimizer state", a.optimizerState(), b.optimizerState());
        assertEquals(a.state().history().get(1).trainLoss(), b.state().history().get(1).trainLoss(), 0.0);
    }

    /**
     * The same in fresh JVMs, where the resumed part starts with nothing compiled: numbers must
     * not depend on when the JIT reaches a loop (it did, through the Vector API's exp and
     * reduceLanes). Heuristic AUTO, so that the straight and the split run choose alike.
     */
    @Test
    void aResumeInAFreshProcessContinuesBitIdentically(@TempDir Path dir) throws Exception {
        Path straight = dir.resolve("straight"), split = dir.resolve("split");
        assertEquals(0, trainInNewJvm("--limit", "400", "--schedule", "step=1", "--epochs", "2", "--out", straight.toString()));
        assertEquals(0, trainInNewJvm("--limit", "400", "--schedule", "step=1", "--epochs", "1", "--out", split.toString()));
        assertEquals(0, trainInNewJvm("--resume", split.resolve("last.safetensors").toString(), "--epochs", "2"));
        Checkpoint a = Checkpoint.read(straight.resolve("last.safetensors"));
        Checkpoint b = Checkpoint.read(split.resolve("last.safetensors"));
        assertSameTensors("weights", a.weights(), b.weights());
        assertSameTensors("optimizer state", a.optimizerState(), b.optimizerState());
    }

    private static int trainInNewJvm(String... options) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "--add-modules", "jdk.incubator.vector", "-Dfaltung.conv.auto=heuristic",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "train", "--threads", "2"));
        cmd.addAll(List.of(options));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        return p.waitFor();
    }

    @Test
    void resumingRejectsOptionsThatWouldChangeTheRun(@TempDir Path dir) {
        Path run = dir.resolve("run");
        assertEquals(0, train(run, "--epochs", "1").code());
        CliRun r = CliRun.of("train", "--resume", run.resolve("last.safetensors").toString(), "--epochs", "2",
                "--lr", "0.5");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("--lr cannot change when resuming"), r.err());
    }

    @Test
    void labelSmoothingIsRecordedAndCannotChangeWhenResuming(@TempDir Path dir) throws IOException {
        Path run = dir.resolve("run");
        assertEquals(0, train(run, "--epochs", "1", "--label-smoothing", "0.1").code());
        Checkpoint c = Checkpoint.read(run.resolve("last.safetensors"));
        assertEquals(0.1, ((Number) c.info().run().get("label_smoothing")).doubleValue(), 0.0);
        CliRun changed = CliRun.of("train", "--resume", run.resolve("last.safetensors").toString(), "--epochs", "2",
                "--label-smoothing", "0");
        assertEquals(2, changed.code(), changed.toString());
        assertTrue(changed.err().contains("--label-smoothing cannot change when resuming"), changed.err());
        CliRun bad = train(dir.resolve("bad"), "--label-smoothing", "1.5");
        assertEquals(2, bad.code(), bad.toString());
        assertTrue(bad.err().contains("--label-smoothing must be in [0, 1), got 1.5"), bad.err());
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static void assertSameTensors(String what, Map<String, NdArray> expected, Map<String, NdArray> actual) {
        assertEquals(expected.keySet(), actual.keySet(), what + " names");
        for (Map.Entry<String, NdArray> e : expected.entrySet()) {
            NdArray x = e.getValue();
            NdArray y = actual.get(e.getKey());
            double[] xs = x.toDoubles();
            double[] ys = y.toDoubles();
            for (int i = 0; i < xs.length; i++) {
                if (Double.doubleToRawLongBits(xs[i]) != Double.doubleToRawLongBits(ys[i])) {
                    throw new AssertionError(what + " '" + e.getKey() + "' shape " + java.util.Arrays.toString(x.shape())
                            + " differs first at index " + i + ": straight " + xs[i] + ", resumed " + ys[i]);
                }
            }
        }
    }
}
