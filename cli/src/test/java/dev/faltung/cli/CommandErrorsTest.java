package dev.faltung.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandErrorsTest {

    private static void assertUsageError(String expected, String... argv) {
        CliRun r = CliRun.of(argv);
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains(expected), "stderr should say '" + expected + "': " + r.err());
        assertTrue(r.err().contains("usage: faltung"), "usage follows the message: " + r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace without --verbose: " + r.err());
    }

    @Test
    void badOptionsAndNumbersAreUsageErrors() {
        assertUsageError("unknown option --epoch", "train", "--epoch", "3");
        assertUsageError("--epochs needs an integer, got 'three'", "train", "--epochs", "three");
        assertUsageError("--lr needs a number, got 'fast'", "train", "--lr", "fast");
        assertUsageError("--epochs must be at least 1", "train", "--epochs", "0");
        assertUsageError("--val-split must be in [0, 1)", "train", "--val-split", "1.5");
        assertUsageError("unknown optimizer 'adamm'", "train", "--optimizer", "adamm");
        assertUsageError("unknown --schedule 'linear'", "train", "--schedule", "linear");
        assertUsageError("unknown dtype 'float16'", "train", "--dtype", "float16");
        assertUsageError("unknown backend 'cuda'", "train", "--backend", "cuda");
        assertUsageError("missing required option --checkpoint", "eval");
        assertUsageError("no images given", "predict", "--checkpoint", "x.safetensors");
        assertUsageError("unknown view 'rotate'", "eval", "--checkpoint", "x", "--tta", "rotate");
    }

    @Test
    void anUnknownModelIsAUsageErrorListingTheZoo() {
        assertUsageError("unknown model 'lenet6'; available: [lenet5, lenet5-bn, fmnist-cnn", "train", "--model", "lenet6",
                "--limit", "20");
    }

    @Test
    void aMissingDatasetFailsWithHowToGetIt(@TempDir Path dir) {
        CliRun r = CliRun.of("train", "--data", dir.resolve("nowhere").toString());
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("not found") && r.err().contains("fashion-mnist"), r.err());
        assertTrue(r.err().contains("apt-get install dataset-fashion-mnist"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        assertTrue(r.out().isEmpty() || !r.out().strip().startsWith("{"), "no result JSON on failure: " + r.out());
    }

    @Test
    void aMissingCheckpointFailsNamingTheFile(@TempDir Path dir) {
        CliRun r = CliRun.of("eval", "--checkpoint", dir.resolve("none.safetensors").toString());
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("none.safetensors"), r.err());
    }

    @Test
    void aRunDirectoryThatCannotBeWrittenFailsBeforeTraining(@TempDir Path dir) throws java.io.IOException {
        Path file = java.nio.file.Files.writeString(dir.resolve("taken"), "x");
        CliRun r = CliRun.of("train", "--out", file.resolve("run").toString());
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("cannot write the run directory") && r.err().contains("taken is a file, not a "
                + "directory"), r.err());
        assertFalse(r.out().contains("epoch 1"), "nothing was trained: " + r.out());
    }

    @Test
    void fileSystemErrorsWithoutAReasonSayWhatHappened() {
        assertEquals("/proc/run: no such file or directory",
                Main.describe(new java.nio.file.NoSuchFileException("/proc/run")));
        assertEquals("x: permission denied", Main.describe(new java.nio.file.AccessDeniedException("x")));
        assertEquals("x: no such image file",
                Main.describe(new java.nio.file.NoSuchFileException("x", null, "no such image file")));
    }

    @Test
    void verboseAddsTheStackTrace(@TempDir Path dir) {
        CliRun r = CliRun.of("eval", "--verbose", "--checkpoint", dir.resolve("none.safetensors").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("\tat "), r.err());
    }
}
