package dev.faltung.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faltung.nn.data.Image;
import dev.faltung.nn.io.ImageFiles;
import dev.faltung.nn.train.Checkpoint;
import dev.faltung.nn.train.ModelInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train, eval and predict on MNIST-style directories the project never trained on. */
class ForeignDatasetsTest {

    private static CliRun train(Path data, Path out) {
        return CliRun.of("train", "--data", data.toString(), "--model", "lenet5", "--epochs", "1", "--batch", "32",
                "--threads", "2", "--out", out.toString());
    }

    @Test
    void aFortySevenClassDatasetTrainsAFortySevenOutputModelThatEvalAndPredictUse(@TempDir Path dir) throws IOException {
        Path data = IdxFixtures.write(dir.resolve("emnist-like"), 94, 47, 0, i -> i % 47);
        Path run = dir.resolve("run");
        CliRun t = train(data, run);
        assertEquals(0, t.code(), t.toString());
        assertTrue(t.out().contains("in 47 classes"), t.out());
        ModelInfo info = Checkpoint.readWeights(run.resolve("model.safetensors")).info();
        assertEquals(47, info.classes());
        assertEquals("46", info.classNames().get(46));

        CliRun e = CliRun.of("eval", "--checkpoint", run.resolve("model.safetensors").toString());
        assertEquals(0, e.code(), e.toString());
        assertEquals(47L, e.json().get("images"));

        Path png = dir.resolve("one.png");
        ImageFiles.writePng(png, new Image(1, 28, 28, new float[28 * 28]));
        CliRun p = CliRun.of("predict", "--checkpoint", run.resolve("model.safetensors").toString(), png.toString());
        assertEquals(0, p.code(), p.toString());
        Map<?, ?> prediction = (Map<?, ?>) ((List<?>) p.json().get("predictions")).get(0);
        assertEquals(47, ((Map<?, ?>) prediction.get("probabilities")).size());
    }

    @Test
    void evalTakesAnyDatasetOfTheModelsShapeAndClassesAndNamesWhatDoesNotFit(@TempDir Path dir) throws IOException {
        Path run = dir.resolve("run");
        CliRun t = train(IdxFixtures.write(dir.resolve("ten"), 64, 20, 0, i -> i % 10), run);
        assertEquals(0, t.code(), t.toString());
        String checkpoint = run.resolve("model.safetensors").toString();

        Path subset = IdxFixtures.write(dir.resolve("three"), 10, 12, 0, i -> i % 3);
        CliRun same = CliRun.of("eval", "--checkpoint", checkpoint, "--data", subset.toString());
        assertEquals(0, same.code(), same.toString());
        assertEquals(12L, same.json().get("images"));

        Path padded = IdxFixtures.write(dir.resolve("padded"), 10, 10, 2, i -> i % 10);
        CliRun bigger = CliRun.of("eval", "--checkpoint", checkpoint, "--data", padded.toString());
        assertEquals(1, bigger.code(), bigger.toString());
        assertTrue(bigger.err().contains("[1, 32, 32] images (C, H, W) but the checkpoint takes [1, 28, 28]"),
                bigger.err());

        Path more = IdxFixtures.write(dir.resolve("more"), 10, 12, 0, i -> i);
        CliRun classes = CliRun.of("eval", "--checkpoint", checkpoint, "--data", more.toString());
        assertEquals(1, classes.code(), classes.toString());
        assertTrue(classes.err().contains("labels up to 11 but the checkpoint has only 10 classes"), classes.err());
        assertFalse(classes.err().contains("\tat "), classes.err());
    }

    @Test
    void evalNeedsOnlyTheTestFiles(@TempDir Path dir) throws IOException {
        Path data = IdxFixtures.write(dir.resolve("ten"), 64, 20, 0, i -> i % 10);
        Path run = dir.resolve("run");
        assertEquals(0, train(data, run).code());
        Files.delete(data.resolve("train-images-idx3-ubyte"));
        CliRun e = CliRun.of("eval", "--checkpoint", run.resolve("model.safetensors").toString());
        assertEquals(0, e.code(), e.toString());
    }

    @Test
    void aPaddedDatasetTrainsAModelForItsLargerImages(@TempDir Path dir) throws IOException {
        Path run = dir.resolve("run");
        CliRun t = train(IdxFixtures.write(dir.resolve("padded"), 64, 16, 2, i -> i % 10), run);
        assertEquals(0, t.code(), t.toString());
        assertEquals(List.of(1, 32, 32), java.util.Arrays.stream(
                Checkpoint.readWeights(run.resolve("model.safetensors")).info().inputShape()).boxed().toList());
    }

    @Test
    void theRunRecordsADataDirectoryByItsAbsolutePathSoEvalAndResumeWorkFromAnywhere(@TempDir Path dir)
            throws IOException {
        Path data = IdxFixtures.write(dir.resolve("ten"), 64, 20, 0, i -> i % 10);
        Path run = dir.resolve("run");
        Path relative = Path.of("").toAbsolutePath().relativize(data);
        assertEquals(0, train(relative, run).code());
        Object recorded = Checkpoint.readWeights(run.resolve("last.safetensors")).info().run().get("data");
        assertEquals(data.toAbsolutePath().normalize().toString(), recorded);
        assertEquals(data.toAbsolutePath().normalize().toString(), TrainCommand.canonicalData(relative.toString()));
        assertEquals("fashion-mnist", TrainCommand.canonicalData(" fashion-mnist "));
        assertEquals("shapes", TrainCommand.canonicalData(""));
    }

    @Test
    void aRunWhoseDatasetMovedResumesFromItsNewPlace(@TempDir Path dir) throws IOException {
        Path data = IdxFixtures.write(dir.resolve("ten"), 64, 20, 0, i -> i % 10);
        Path run = dir.resolve("run");
        assertEquals(0, train(data, run).code());
        Path other = IdxFixtures.write(dir.resolve("other"), 64, 20, 0, i -> (i + 1) % 10);
        CliRun changed = CliRun.of("train", "--resume", run.resolve("last.safetensors").toString(), "--epochs", "2",
                "--data", other.toString());
        assertEquals(2, changed.code(), "the recorded dataset is still there: " + changed);

        Path moved = Files.move(data, dir.resolve("moved"));
        CliRun resumed = CliRun.of("train", "--resume", run.resolve("last.safetensors").toString(), "--epochs", "2",
                "--data", moved.toString(), "--threads", "2");
        assertEquals(0, resumed.code(), resumed.toString());
        assertEquals(moved.toString(), Checkpoint.readWeights(run.resolve("last.safetensors")).info().run().get("data"));
    }

    @Test
    void classesWithoutTrainingImagesAreWarnedAbout(@TempDir Path dir) throws IOException {
        // Labels 0 and 5 only, as a stray label or a subset of the classes gives.
        Path data = IdxFixtures.write(dir.resolve("sparse"), 40, 10, 0, i -> i % 2 * 5);
        CliRun t = train(data, dir.resolve("run"));
        assertEquals(0, t.code(), t.toString());
        assertTrue(t.err().contains("warning: 4 of the 6 classes have no training images: [1, 2, 3, 4]"), t.err());
    }

    @Test
    void aDatasetWithoutImagesFailsNamingTheFileNotTheUsage(@TempDir Path dir) throws IOException {
        Path data = IdxFixtures.write(dir.resolve("empty"), 0, 5, 0, i -> 0);
        CliRun t = train(data, dir.resolve("run"));
        assertEquals(1, t.code(), t.toString());
        assertTrue(t.err().contains("train-images-idx3-ubyte: holds no images"), t.err());
    }
}
