package dev.faltung.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faltung.nn.data.Image;
import dev.faltung.nn.data.LabelledImages;
import dev.faltung.nn.data.SyntheticShapes;
import dev.faltung.nn.io.ImageFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PredictAndModelsTest {

    @Test
    void predictClassifiesPgmAndPngFilesAndEndsWithJson(@TempDir Path dir) throws IOException {
        Path run = dir.resolve("run");
        CliRun t = CliRun.of("train", "--limit", "600", "--epochs", "2", "--threads", "2", "--out", run.toString());
        assertEquals(0, t.code(), t.toString());

        LabelledImages shapes = SyntheticShapes.images(2, 99, 1);
        Path pgm = dir.resolve("ring.pgm");
        Path png = dir.resolve("square.png");
        ImageFiles.writePgm(pgm, new Image(1, 28, 28, shapes.image(0)));
        ImageFiles.writePng(png, new Image(1, 28, 28, shapes.image(1)));

        CliRun r = CliRun.of("predict", "--checkpoint", run.resolve("model.safetensors").toString(), pgm.toString(),
                png.toString());
        assertEquals(0, r.code(), r.toString());
        List<String> lines = r.out().lines().toList();
        assertEquals(3, lines.size(), r.out());
        assertTrue(lines.get(0).startsWith(pgm + ": "), lines.get(0));
        List<?> predictions = (List<?>) r.json().get("predictions");
        assertEquals(2, predictions.size());
        for (Object o : predictions) {
            Map<?, ?> p = (Map<?, ?>) o;
            Map<?, ?> probabilities = (Map<?, ?>) p.get("probabilities");
            assertEquals(SyntheticShapes.CLASSES, List.copyOf(probabilities.keySet().stream().map(String::valueOf)
                    .toList()));
            double sum = probabilities.values().stream().mapToDouble(v -> ((Number) v).doubleValue()).sum();
            assertEquals(1.0, sum, 1e-5, "probabilities of " + p.get("file"));
            assertEquals(SyntheticShapes.CLASSES.get(((Number) p.get("index")).intValue()), p.get("class"));
        }
        assertEquals("ring", ((Map<?, ?>) predictions.get(0)).get("class"),
                "a clean ring after two epochs of training; out:\n" + r.out());
    }

    @Test
    void predictRejectsAFileThatIsNotAnImage(@TempDir Path dir) throws IOException {
        Path run = dir.resolve("run");
        assertEquals(0, CliRun.of("train", "--limit", "60", "--epochs", "1", "--out", run.toString()).code());
        Path junk = dir.resolve("junk.png");
        java.nio.file.Files.writeString(junk, "not an image");
        CliRun r = CliRun.of("predict", "--checkpoint", run.resolve("model.safetensors").toString(), junk.toString());
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("junk.png"), r.err());
    }

    @Test
    void theZooListsParameterCountsAtDefaultInputs() {
        assertEquals(List.of(1, 28, 28), java.util.Arrays.stream(ModelsCommand.defaultInput("lenet5")).boxed().toList());
        assertEquals(10, ModelsCommand.defaultClasses("lenet5"));
        assertEquals(1000, ModelsCommand.defaultClasses("resnet18"));
        Map<String, Object> row = ModelsCommand.row("lenet5");
        assertEquals(61_706L, row.get("parameters"));
        assertEquals(List.of(1, 28, 28), row.get("input"));
        // The whole listing counts without drawing initial weights, so the ImageNet models are quick.
        CliRun r = CliRun.of("models", "--json");
        assertEquals(0, r.code(), r.toString());
        Map<String, Long> counts = new java.util.HashMap<>();
        for (Object m : (List<?>) r.json().get("models")) {
            Map<?, ?> e = (Map<?, ?>) m;
            counts.put((String) e.get("name"), ((Number) e.get("parameters")).longValue());
        }
        // torchvision's published counts
        assertEquals(138_357_544L, counts.get("vgg16"));
        assertEquals(11_689_512L, counts.get("resnet18"));
        assertEquals(61_100_840L, counts.get("alexnet"));
    }
}
