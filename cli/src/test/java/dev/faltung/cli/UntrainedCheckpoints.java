package dev.faltung.cli;

import dev.faltung.nn.Module;
import dev.faltung.nn.data.Normalisation;
import dev.faltung.nn.data.SyntheticShapes;
import dev.faltung.nn.train.Checkpoint;
import dev.faltung.nn.train.ModelInfo;
import dev.faltung.nn.train.TrainingState;
import dev.faltung.nn.zoo.Models;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** Checkpoints of freshly initialised models: everything eval and predict read, without training. */
final class UntrainedCheckpoints {

    private UntrainedCheckpoints() {
    }

    /** A LeNet-5 for 28x28 images of {@code channels} channels and the shapes' ten classes, saved as {@code file}. */
    static Path lenet5(Path file, int channels) throws IOException {
        int[] input = {channels, 28, 28};
        Module model = Models.create("lenet5", input, 10, 1);
        ModelInfo info = new ModelInfo("lenet5", input, SyntheticShapes.CLASSES, model.toString(), "float32", "adam",
                Map.of(), 1, Normalisation.identity(channels), Map.of("data", "shapes", "batch", 64L, "limit", 30L));
        Checkpoint.save(file, model, null, info, TrainingState.initial());
        return file;
    }
}
