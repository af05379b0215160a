package dev.faltung.nn.train;

import dev.faltung.nn.optim.Sgd;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.faltung.autodiff.Tensor;
import dev.faltung.nn.data.LabelledImages;
import dev.faltung.nn.io.Json;
import dev.faltung.nn.io.MalformedFileException;
import dev.faltung.nn.io.NdArray;
import dev.faltung.nn.io.SafeTensors;
import dev.faltung.nn.layers.Conv2d;
import dev.faltung.nn.layers.Dense;
import dev.faltung.nn.layers.Flatten;
import dev.faltung.nn.layers.Sequential;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {

    private final LabelledImages train = TrainingFixtures.images(32, 0);
    private final ModelInfo info = TrainingFixtures.info(train);

    private static TrainingState someState() {
        EpochMetrics m = new EpochMetrics(1, 2.1, 0.25, 1.9, 0.3, 0.8, 0.05, 1.5, 1000);
        EpochMetrics noVal = new EpochMetrics(2, 1.7, 0.4, Double.NaN, Double.NaN, Double.NaN, 0.025, 1.4, 1100);
        return new TrainingState(2, 12, 0.3, 1, 1, false, List.of(m, noVal));
    }

    private Path saved(Path dir, Sequential model) throws IOException {
        Sgd sgd = Sgd.momentum(model.namedParameters(), 0.05, 0.9);
        model.namedParameters().values().forEach(p -> p.setGrad(Tensor.full(0.5, p.dtype(), p.shape())));
        sgd.step();
        Path file = dir.resolve("model.safetensors");
        Checkpoint.save(file, model, sgd, info, someState());
        return file;
    }

    private static List<String> sgdStateNames() {
        return List.of("lr", "step.0.weight", "step.0.bias", "step.5.weight", "step.5.bias",
                "momentum_buffer.0.weight", "momentum_buffer.0.bias", "momentum_buffer.5.weight", "momentum_buffer.5.bias");
    }

    @Test
    void roundTripsWeightsOptimizerStateInfoAndProgress(@TempDir Path dir) throws IOException {
        Sequential model = TrainingFixtures.model(1);
        Path file = saved(dir, model);

        Checkpoint c = Checkpoint.read(file);
        assertEquals(info, c.info());
        assertEquals(someState(), c.state());
        assertEquals(model.namedParameters().keySet(), c.weights().keySet());
        assertEquals(sgdStateNames(), List.copyOf(c.optimizerState().keySet()));

        Sequential fresh = TrainingFixtures.model(2);
        c.loadInto(fresh);
        for (Map.Entry<String, Tensor> e : model.namedParameters().entrySet()) {
            assertArrayEquals(e.getValue().toFloatArray(), fresh.namedParameters().get(e.getKey()).toFloatArray(),
                    "parameter " + e.getKey());
        }
        Sgd sgd = Sgd.momentum(fresh.namedParameters(), 0.05, 0.9);
        c.loadInto(sgd);
        assertEquals(1.0, sgd.state().get("step.5.bias").item());
        assertArrayEquals(Tensor.full(0.5, model.namedParameters().get("5.bias").dtype(), 10).toFloatArray(),
                sgd.state().get("momentum_buffer.5.bias").toFloatArray());
    }

    @Test
    void metadataIsStringToStringWithJsonValuesAsTheFormatRequires(@TempDir Path dir) throws IOException {
        Path file = saved(dir, TrainingFixtures.model(1));
        Map<String, String> meta = SafeTensors.read(file).metadata();
        assertEquals(Checkpoint.FORMAT, meta.get("format"));
        assertEquals("test-cnn", meta.get("model"));
        assertEquals("[1,28,28]", meta.get("input_shape"));
        assertEquals("2", meta.get("epoch"));
        assertEquals("12", meta.get("step"));
        assertEquals(2, ((List<?>) Json.parse(meta.get("history"))).size());
        assertEquals("sgd", meta.get("optimizer"));
        assertTrue(meta.get("optimizer_hyperparameters").contains("\"momentum\":0.9"), meta.toString());
        assertTrue(meta.containsKey("rng") && meta.containsKey("seed") && meta.containsKey("normalisation"));
    }

    @Test
    void loadingIntoAnotherArchitectureNamesTheTensorAndBothShapes(@TempDir Path dir) throws IOException {
        Path file = saved(dir, TrainingFixtures.model(1));
        Checkpoint c = Checkpoint.read(file);
        Sequential wider = new Sequential(new Conv2d(1, 8, 3, 1), new Flatten(), new Dense(8 * 26 * 26, 10, 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.loadInto(wider));
        assertEquals("checkpoint tensor '0.weight' has shape [4, 1, 3, 3] but the model expects [8, 1, 3, 3]",
                e.getMessage());

        Sequential renamed = new Sequential(new Flatten(), new Conv2d(1, 4, 3, 1));
        e = assertThrows(IllegalArgumentException.class, () -> c.loadInto(renamed));
        assertTrue(e.getMessage().startsWith("checkpoint has no tensor '1.weight' (expected shape [4, 1, 3, 3])"),
                e.getMessage());

        Sequential smaller = new Sequential(new Conv2d(1, 4, 3, 1));
        e = assertThrows(IllegalArgumentException.class, () -> c.loadInto(smaller));
        assertEquals("checkpoint holds tensors the model does not have: [5.weight, 5.bias]", e.getMessage());
    }

    @Test
    void aTruncatedCheckpointIsRejectedWithTheFileNamed(@TempDir Path dir) throws IOException {
        Path file = saved(dir, TrainingFixtures.model(1));
        byte[] bytes = Files.readAllBytes(file);
        Path cut = dir.resolve("cut.safetensors");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length - 100));
        MalformedFileException e = assertThrows(MalformedFileException.class, () -> Checkpoint.read(cut));
        assertTrue(e.getMessage().contains("cut.safetensors"), e.getMessage());
    }

    @Test
    void aHugeHeaderLengthIsRejectedBeforeAllocating(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("huge-header.safetensors");
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(Long.MAX_VALUE / 2).put("{}      ".getBytes(StandardCharsets.US_ASCII));
        Files.write(file, b.array());
        MalformedFileException e = assertThrows(MalformedFileException.class, () -> Checkpoint.read(file));
        assertTrue(e.getMessage().contains("header"), e.getMessage());
    }

    @Test
    void aCheckpointHeaderOfMoreThanSixteenMegabytesIsRefusedUnparsed(@TempDir Path dir) throws IOException {
        // Legal safetensors (its reader allows 100 MB), but no checkpoint needs a tenth of it.
        StringBuilder header = new StringBuilder("{\"__metadata__\":{\"format\":\"" + Checkpoint.FORMAT + "\",\"pad\":\"");
        header.append("x".repeat((int) Checkpoint.MAX_HEADER_BYTES)).append("\"}}");
        byte[] h = header.toString().getBytes(StandardCharsets.US_ASCII);
        Path file = dir.resolve("big-header.safetensors");
        Files.write(file, ByteBuffer.allocate(8 + h.length).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h).array());
        assertEquals(Checkpoint.FORMAT, SafeTensors.read(file).metadata().get("format"));
        MalformedFileException e = assertThrows(MalformedFileException.class, () -> Checkpoint.read(file));
        assertTrue(e.getMessage().contains("header length " + h.length + " is outside [2, min(file size - 8 = "
                + h.length + ", 16777216)]"), e.getMessage());
    }

    @Test
    void offsetsBeyondTheFileAreRejected(@TempDir Path dir) throws IOException {
        String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[1000000000],\"data_offsets\":[0,4000000000]},"
                + "\"__metadata__\":{\"format\":\"" + Checkpoint.FORMAT + "\"}}";
        while (header.length() % 8 != 0) {
            header += " ";
        }
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + 16).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        Path file = dir.resolve("offsets.safetensors");
        Files.write(file, b.array());
        MalformedFileException e = assertThrows(MalformedFileException.class, () -> Checkpoint.read(file));
        assertTrue(e.getMessage().contains("offsets.safetensors"), e.getMessage());
    }

    @Test
    void aSafetensorsFileWithoutFaltungMetadataIsNotACheckpoint(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("plain.safetensors");
        SafeTensors.write(file, Map.of("w", NdArray.ofFloats(new float[] {1, 2}, 2)), Map.of());
        MalformedFileException e = assertThrows(MalformedFileException.class, () -> Checkpoint.read(file));
        assertTrue(e.getMessage().contains("not a Faltung checkpoint"), e.getMessage());
    }

    /** {@code file} rewritten with metadata entry {@code key} set to {@code value} (weights unchanged). */
    private static Path withMetadata(Path file, String key, String value) throws IOException {
        SafeTensors.Contents c = SafeTensors.read(file);
        Map<String, String> meta = new java.util.LinkedHashMap<>(c.metadata());
        meta.put(key, value);
        Path out = file.resolveSibling(key + ".safetensors");
        SafeTensors.write(out, c.tensors(), meta);
        return out;
    }

    @Test
    void malformedMetadataIsRejectedNamingTheFileAndTheEntry(@TempDir Path dir) throws IOException {
        Path file = saved(dir, TrainingFixtures.model(1));
        String[][] cases = {
            {"input_shape", "[\"a\", 28, 28]", "'input_shape' [a, 28, 28] needs positive integers"},
            {"input_shape", "[1, 1000000000000, 28]", "needs positive integers"},
            {"input_shape", "[1, 0, 28]", "needs positive integers"},
            {"input_shape", "[28, 28]", "must be [C, H, W]"},
            {"input_shape", "[1, 100000, 100000]", "more than 16777216 elements per image"},
            {"input_shape", "[3, 28, 28]", "'normalisation' has 1 means and 1 stds for 3 input channels"},
            {"classes", "ten", "'classes' is not an integer: 'ten'"},
            {"class_names", "[1, 2]", "'class_names' holds 1, not a string"},
            {"normalisation", "{\"mean\": [0.5], \"std\": [1e-45]}", "must be positive and finite"},
            {"normalisation", "{\"mean\": [\"x\"], \"std\": [1]}", "needs finite numbers"},
            {"epoch", "-1", "'epoch' is negative"},
            {"epoch", "3", "'epoch' is 3 but 'history' has 2 epochs"},
            {"best_epoch", "9", "'best_epoch' 9"},
            {"step", "99999999999999999999", "'step' is not an integer"},
            {"history", "[{\"epoch\": 1}, {}]", "lack a positive integer 'epoch'"},
        };
        for (String[] c : cases) {
            Path bad = withMetadata(file, c[0], c[1]);
            MalformedFileException e = assertThrows(MalformedFileException.class, () -> Checkpoint.read(bad), c[1]);
            assertTrue(e.getMessage().contains(bad.getFileName().toString()) && e.getMessage().contains(c[2]),
                    c[0] + "=" + c[1] + ": " + e.getMessage());
        }
    }

    @Test
    void weightsThatAreNotFiniteAreRefused(@TempDir Path dir) throws IOException {
        Path file = saved(dir, TrainingFixtures.model(1));
        SafeTensors.Contents c = SafeTensors.read(file);
        Map<String, NdArray> tensors = new java.util.LinkedHashMap<>(c.tensors());
        float[] bias = tensors.get("5.bias").toFloats();
        bias[3] = Float.POSITIVE_INFINITY;
        tensors.put("5.bias", NdArray.ofFloats(bias, bias.length));
        Path bad = dir.resolve("inf.safetensors");
        SafeTensors.write(bad, tensors, c.metadata());
        Checkpoint read = Checkpoint.read(bad);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> read.loadInto(TrainingFixtures.model(2)));
        assertEquals("checkpoint tensor '5.bias' holds Infinity at element 3; its weights are not usable", e.getMessage());
    }

    @Test
    void numpyAndTorchReadTheCheckpoint(@TempDir Path dir) throws Exception {
        Path python = Path.of("/usr/bin/python3");
        assumeTrue(Files.isExecutable(python), "skipped: /usr/bin/python3 is not installed");
        Process probe = new ProcessBuilder(python.toString(), "-c", "import numpy").redirectErrorStream(true).start();
        assumeTrue(probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0,
                "skipped: /usr/bin/python3 has no numpy (apt-get install -y python3-numpy)");
        Sequential model = TrainingFixtures.model(1);
        Path file = saved(dir, model);
        Path script = Path.of("src/test/python/read_checkpoint.py").toAbsolutePath();
        Process p = new ProcessBuilder(python.toString(), script.toString(), file.toString(), "0.weight")
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "python timed out");
        assertEquals(0, p.exitValue(), output);
        String last = output.lines().reduce((a, b) -> b).orElse("");
        Map<?, ?> read = (Map<?, ?>) Json.parse(last);
        float[] w = model.namedParameters().get("0.weight").toFloatArray();
        double sum = 0;
        for (float v : w) {
            sum += v;
        }
        assertEquals("test-cnn", read.get("model"));
        assertEquals(2L, read.get("epoch"));
        assertEquals(List.of(4L, 1L, 3L, 3L), read.get("shape"));
        assertEquals(w[0], ((Number) read.get("first")).doubleValue(), 0.0, "first element read by numpy");
        assertEquals(sum, ((Number) read.get("sum")).doubleValue(), 1e-6);
        if (read.containsKey("torch_first")) {
            assertEquals(w[0], ((Number) read.get("torch_first")).doubleValue(), 0.0, "first element read by torch");
        }
    }
}
