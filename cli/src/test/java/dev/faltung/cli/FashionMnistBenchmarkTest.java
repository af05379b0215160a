package dev.faltung.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.faltung.nn.data.IdxDatasets;
import java.io.FileNotFoundException;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Fashion-MNIST benchmark: fmnist-cnn for 3 epochs (tens of minutes on two cores, so tagged long). */
@Tag("long")
class FashionMnistBenchmarkTest {

    @Test
    void theBenchmarkCnnReachesNinetyPercentInThreeEpochs(@TempDir Path dir) {
        try {
            IdxDatasets.resolve("fashion-mnist");
        } catch (FileNotFoundException e) {
            assumeTrue(false, "skipped: Fashion-MNIST is not installed (" + e.getMessage() + ")");
        }
        CliRun r = CliRun.of("train", "--model", "fmnist-cnn", "--data", "fashion-mnist", "--epochs", "3", "--out",
                dir.resolve("run").toString());
        assertEquals(0, r.code(), r.toString());
        assertEquals(10_000.0, r.number("test_images"));
        assertTrue(r.number("test_accuracy") > 0.90, "test accuracy after 3 epochs: " + r.json());
    }
}
