package dev.faltung.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faltung.nn.data.Image;
import dev.faltung.nn.io.ImageFiles;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** predict on the images users actually have: any size, any colour type, and files that are not images. */
class PredictInputsTest {

    @TempDir
    Path dir;

    private CliRun predict(Path checkpoint, Path... images) {
        List<String> argv = new java.util.ArrayList<>(List.of("predict", "--checkpoint", checkpoint.toString()));
        for (Path p : images) argv.add(p.toString());
        return CliRun.of(argv.toArray(String[]::new));
    }

    @Test
    void imagesOfAnySizeAndColourTypeFitTheModel() throws IOException {
        Path gray = UntrainedCheckpoints.lenet5(dir.resolve("gray.safetensors"), 1);
        Path rgb = UntrainedCheckpoints.lenet5(dir.resolve("rgb.safetensors"), 3);
        Path wide = dir.resolve("wide.png");
        ImageFiles.writePng(wide, new Image(3, 60, 100, new float[3 * 60 * 100]));
        BufferedImage argb = new BufferedImage(300, 300, BufferedImage.TYPE_INT_ARGB);
        Path alpha = dir.resolve("alpha.png");
        ImageFiles.writePng(alpha, argb);
        Path pgm = dir.resolve("small.pgm");
        ImageFiles.writePgm(pgm, new Image(1, 10, 10, new float[100]));
        for (Path model : List.of(gray, rgb)) {
            CliRun r = predict(model, wide, alpha, pgm);
            assertEquals(0, r.code(), r.toString());
            assertEquals(3, ((List<?>) r.json().get("predictions")).size(), r.out());
        }
    }

    @Test
    void whatIsNotAReadableImageFailsNamingIt() throws IOException {
        Path model = UntrainedCheckpoints.lenet5(dir.resolve("model.safetensors"), 1);
        Path good = dir.resolve("good.png");
        float[] noise = new float[28 * 28];
        java.util.Random random = new java.util.Random(3);
        for (int i = 0; i < noise.length; i++) noise[i] = random.nextFloat();
        ImageFiles.writePng(good, new Image(1, 28, 28, noise));
        Path truncated = dir.resolve("cut.png");
        byte[] png = Files.readAllBytes(good);
        Files.write(truncated, java.util.Arrays.copyOf(png, png.length / 2));
        Path folder = Files.createDirectory(dir.resolve("folder"));
        Object[][] cases = {
            {truncated, "cut.png: cannot decode this PNG image"},
            {folder, "folder: is a directory, not an image file"},
            {dir.resolve("none.jpg"), "none.jpg: no such image file"},
        };
        for (Object[] c : cases) {
            CliRun r = predict(model, good, (Path) c[0]);
            assertEquals(1, r.code(), r.toString());
            assertTrue(r.err().lines().findFirst().orElse("").contains((String) c[1]), r.err());
            assertFalse(r.err().contains("\tat ") || r.out().contains("{"), r.toString());
        }
    }
}
