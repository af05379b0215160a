package dev.faltung.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faltung.nn.data.Image;
import dev.faltung.nn.io.ImageFiles;
import dev.faltung.nn.io.NdArray;
import dev.faltung.nn.io.SafeTensors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * eval, predict and train --resume on checkpoints that lie: each is refused quickly, with exit
 * code 1 and one line naming the file and what is wrong, never a usage error, a stack trace or
 * an attempt to allocate what the metadata claims.
 */
class HostileCheckpointsTest {

    @TempDir
    Path dir;

    private Path checkpoint;
    private Path image;

    @BeforeEach
    void writeAnUntrainedLeNet() throws IOException {
        checkpoint = UntrainedCheckpoints.lenet5(dir.resolve("model.safetensors"), 1);
        image = dir.resolve("blank.pgm");
        ImageFiles.writePgm(image, new Image(1, 28, 28, new float[28 * 28]));
    }

    /** The checkpoint rewritten with its metadata edited. */
    private Path editedMetadata(String name, Consumer<Map<String, String>> edit) throws IOException {
        SafeTensors.Contents c = SafeTensors.read(checkpoint);
        Map<String, String> meta = new LinkedHashMap<>(c.metadata());
        edit.accept(meta);
        Path out = dir.resolve(name);
        SafeTensors.write(out, c.tensors(), meta);
        return out;
    }

    private void assertRefused(Path file, String expected, String... command) {
        CliRun r = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> CliRun.of(command));
        assertEquals(1, r.code(), r.toString());
        String firstLine = r.err().lines().findFirst().orElse("");
        assertTrue(firstLine.contains(file.getFileName().toString()) && firstLine.contains(expected),
                "expected the file and '" + expected + "' in: " + r.err());
        assertFalse(r.err().contains("\tat ") || r.err().contains("usage:"), r.err());
    }

    private void assertPredictRefuses(Path file, String expected) {
        assertRefused(file, expected, "predict", "--checkpoint", file.toString(), image.toString());
    }

    @Test
    void metadataNamingAnotherModelOrAnAbsurdShapeIsRefusedBeforeAllocating() throws IOException {
        assertPredictRefuses(editedMetadata("unknown.safetensors", m -> m.put("model", "lenet7")),
                "unknown model 'lenet7'");
        // fmnist-cnn at 2000x2000 would need a 16-billion-weight dense layer.
        assertPredictRefuses(editedMetadata("huge.safetensors", m -> {
            m.put("model", "fmnist-cnn");
            m.put("input_shape", "[1, 2000, 2000]");
        }), "its largest tensor has 48000 elements");
        assertPredictRefuses(editedMetadata("classes.safetensors", m -> {
            m.put("classes", "1000000");
            m.put("class_names", dev.faltung.nn.io.Json.write(java.util.stream.IntStream.range(0, 1_000_000)
                    .mapToObj(Integer::toString).toList()));
        }), "1000000 classes");
        assertPredictRefuses(editedMetadata("other.safetensors", m -> m.put("model", "lenet5-bn")),
                "checkpoint has no tensor 'features.1.weight'");
    }

    @Test
    void anUnknownDtypeIsTheFilesFaultNotAUsageError() throws IOException {
        assertPredictRefuses(editedMetadata("f16.safetensors", m -> m.put("dtype", "float16")), "unknown dtype 'float16'");
    }

    @Test
    void weightsThatAreNaNAreRefused() throws IOException {
        SafeTensors.Contents c = SafeTensors.read(checkpoint);
        Map<String, NdArray> tensors = new LinkedHashMap<>(c.tensors());
        float[] w = tensors.get("classifier.2.bias").toFloats();
        w[0] = Float.NaN;
        tensors.put("classifier.2.bias", NdArray.ofFloats(w, w.length));
        Path nan = dir.resolve("nan.safetensors");
        SafeTensors.write(nan, tensors, c.metadata());
        assertPredictRefuses(nan, "'classifier.2.bias' holds NaN");
    }

    @Test
    void brokenContainersAreRefused() throws IOException {
        Path huge = dir.resolve("header.safetensors");
        Files.write(huge, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MIN_VALUE)
                .put("{}      ".getBytes(StandardCharsets.US_ASCII)).array());
        assertPredictRefuses(huge, "header length 9223372036854775808");

        Path plain = dir.resolve("torch.safetensors"); // what safetensors.torch.save_file writes: no metadata
        SafeTensors.write(plain, SafeTensors.read(checkpoint).tensors(), Map.of());
        assertPredictRefuses(plain, "not a Faltung checkpoint");
        assertRefused(plain, "not a Faltung checkpoint", "eval", "--checkpoint", plain.toString());
    }

    @Test
    void aResumeFromImpossibleProgressIsRefused() throws IOException {
        Path future = editedMetadata("future.safetensors", m -> m.put("best_epoch", "5"));
        assertRefused(future, "'best_epoch' 5", "train", "--resume", future.toString(), "--out",
                dir.resolve("run").toString());
        Path badRun = editedMetadata("run.safetensors", m -> m.put("run", "{\"data\": \"shapes\", \"batch\": \"x\"}"));
        assertRefused(badRun, "the checkpoint's run settings are malformed", "train", "--resume", badRun.toString(),
                "--out", dir.resolve("run2").toString());
    }

    @Test
    void evalIgnoresRunDefaultsItCannotUse() throws IOException {
        Path odd = editedMetadata("odd.safetensors",
                m -> m.put("run", "{\"data\": \"shapes\", \"batch\": 1e30, \"limit\": -4}"));
        CliRun r = CliRun.of("eval", "--checkpoint", odd.toString(), "--limit", "20");
        assertEquals(0, r.code(), r.toString());
        assertEquals(20L, r.json().get("images"));
    }
}
