package dev.faltung.cli;

import dev.faltung.kernel.DType;
import dev.faltung.nn.Module;
import dev.faltung.nn.init.Init;
import dev.faltung.nn.io.MalformedFileException;
import dev.faltung.nn.io.NdArray;
import dev.faltung.nn.layers.Layer;
import dev.faltung.nn.train.Checkpoint;
import dev.faltung.nn.train.ModelInfo;
import dev.faltung.nn.zoo.Models;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/** A zoo model rebuilt from a checkpoint's metadata with the checkpoint's weights loaded. */
record TrainedModel(Path file, Checkpoint checkpoint, Module model) {

    static TrainedModel load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such checkpoint file (train writes RUN_DIR/"
                    + "model.safetensors)");
        }
        Checkpoint c = Checkpoint.readWeights(file);
        long largest = c.weights().values().stream().mapToLong(NdArray::size).max().orElse(0);
        Module model;
        try {
            model = Init.withLargestTensor(largest, () -> build(c.info()));
        } catch (IllegalArgumentException | IllegalStateException | UsageException e) {
            ModelInfo info = c.info();
            throw new MalformedFileException(file, "its metadata describes no model its weights fit ("
                    + info.model() + ", input " + Arrays.toString(info.inputShape()) + ", " + info.classes()
                    + " classes, dtype " + info.dtype() + "; its largest tensor has " + largest + " elements): "
                    + e.getMessage(), e);
        }
        try {
            c.loadInto(model);
        } catch (IllegalArgumentException e) {
            throw new MalformedFileException(file, e.getMessage(), e);
        }
        return new TrainedModel(file, c, model);
    }

    /** A freshly initialised model as the info describes (zoo name, input shape, classes, seed, dtype). */
    static Module build(ModelInfo info) {
        Module model = Models.create(info.model(), info.inputShape(), info.classes(), info.seed());
        return convert(model, parseDType(info.dtype()));
    }

    static Module convert(Module model, DType dtype) {
        if (dtype == DType.FLOAT32) {
            return model;
        }
        if (!(model instanceof Layer layer)) {
            throw new IllegalArgumentException("model " + model.getClass().getSimpleName() + " cannot be converted to "
                    + dtype);
        }
        return layer.to(dtype);
    }

    static DType parseDType(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "float32", "f32", "fp32" -> DType.FLOAT32;
            case "float64", "f64", "fp64", "double" -> DType.FLOAT64;
            default -> throw new UsageException("unknown dtype '" + name + "'; choose float32 or float64");
        };
    }

    static String dtypeName(DType d) {
        return d == DType.FLOAT32 ? "float32" : "float64";
    }
}
