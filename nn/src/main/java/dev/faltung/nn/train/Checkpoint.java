package dev.faltung.nn.train;

import dev.faltung.autodiff.Tensor;
import dev.faltung.kernel.Buffer;
import dev.faltung.kernel.DType;
import dev.faltung.kernel.conv.ConvAlgorithm;
import dev.faltung.kernel.conv.ConvPlanner;
import dev.faltung.nn.Module;
import dev.faltung.nn.io.ElementType;
import dev.faltung.nn.io.MalformedFileException;
import dev.faltung.nn.io.NdArray;
import dev.faltung.nn.io.SafeTensors;
import dev.faltung.nn.io.TensorBytes;
import dev.faltung.nn.optim.Optimizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * A training checkpoint in the safetensors format, readable by PyTorch tooling: the model's
 * parameters and buffers under their {@link Module#namedParameters()} /
 * {@link Module#namedBuffers()} names, the optimizer's state under {@code optimizer.} + its
 * {@link Optimizer#state()} names, and in {@code __metadata__} the {@link ModelInfo} and the
 * {@link TrainingState} (string values, JSON-encoded where structured), the convolution
 * algorithms AUTO chose ({@link ConvChoices}) and {@code "format": "faltung.checkpoint/1"}.
 * Files are written atomically.
 */
public record Checkpoint(ModelInfo info, TrainingState state, Map<String, NdArray> weights,
                         Map<String, NdArray> optimizerState, Map<ConvPlanner.Key, ConvAlgorithm> convAlgorithms) {

    /** The {@code format} metadata value of this version. */
    public static final String FORMAT = "faltung.checkpoint/1";

    /**
     * The longest header a checkpoint may have. Faltung's are a few kilobytes (a hundred epochs of
     * history add about twenty); the limit keeps a hostile header from costing the parse gigabytes.
     */
    static final long MAX_HEADER_BYTES = 16L << 20;

    /** The name prefix of optimizer-state tensors. */
    public static final String OPTIMIZER_PREFIX = "optimizer.";

    /** Atomically writes {@code model} (and {@code optimizer}'s state unless it is null) with the info and state. */
    public static void save(Path file, Module model, Optimizer optimizer, ModelInfo info, TrainingState state)
            throws IOException {
        Map<String, TensorBytes> tensors = new LinkedHashMap<>(); // encoded while written: no copies in memory
        for (Map.Entry<String, Tensor> e : model.namedParameters().entrySet()) {
            tensors.put(e.getKey(), TensorBytes.of(e.getValue().buffer(), e.getValue().shape()));
        }
        for (Map.Entry<String, Tensor> e : model.namedBuffers().entrySet()) {
            if (tensors.put(e.getKey(), TensorBytes.of(e.getValue().buffer(), e.getValue().shape())) != null) {
                throw new IllegalArgumentException("Checkpoint.save: '" + e.getKey()
                        + "' names both a parameter and a buffer");
            }
        }
        if (optimizer != null) {
            for (Map.Entry<String, Tensor> e : optimizer.state().entrySet()) {
                tensors.put(OPTIMIZER_PREFIX + e.getKey(), TensorBytes.of(e.getValue().buffer(), e.getValue().shape()));
            }
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", FORMAT);
        metadata.putAll(info.toMetadata());
        metadata.putAll(state.toMetadata());
        metadata.put(ConvChoices.KEY, ConvChoices.toJson(ConvPlanner.shared().choices().values()));
        SafeTensors.write(file, tensors, metadata);
    }

    /**
     * Reads a checkpoint. A file that is not valid safetensors fails in the reader (which checks
     * sizes and offsets before allocating); a valid one without Faltung's metadata fails here,
     * naming the file and what is missing.
     */
    public static Checkpoint read(Path file) throws IOException {
        return read(file, true);
    }

    /** As {@link #read}, without the optimizer's state (not even read): for evaluating and predicting. */
    public static Checkpoint readWeights(Path file) throws IOException {
        return read(file, false);
    }

    private static Checkpoint read(Path file, boolean withOptimizer) throws IOException {
        SafeTensors.Contents contents = SafeTensors.read(file, name -> withOptimizer || !name.startsWith(OPTIMIZER_PREFIX),
                MAX_HEADER_BYTES);
        Map<String, String> meta = contents.metadata();
        if (!FORMAT.equals(meta.get("format"))) {
            throw new MalformedFileException(file, meta.containsKey("format")
                    ? "checkpoint format '" + meta.get("format") + "' is not " + FORMAT
                    : "not a Faltung checkpoint (its __metadata__ has no \"format\": \"" + FORMAT + "\")");
        }
        ModelInfo info;
        TrainingState state;
        Map<ConvPlanner.Key, ConvAlgorithm> conv;
        try {
            info = ModelInfo.fromMetadata(meta);
            state = TrainingState.fromMetadata(meta);
            conv = meta.containsKey(ConvChoices.KEY) ? ConvChoices.parse(meta.get(ConvChoices.KEY)) : Map.of();
        } catch (RuntimeException e) {
            throw new MalformedFileException(file, "bad checkpoint metadata: " + e.getMessage(), e);
        }
        Map<String, NdArray> weights = new LinkedHashMap<>();
        Map<String, NdArray> optimizer = new LinkedHashMap<>();
        for (Map.Entry<String, NdArray> e : contents.tensors().entrySet()) {
            if (e.getKey().startsWith(OPTIMIZER_PREFIX)) {
                optimizer.put(e.getKey().substring(OPTIMIZER_PREFIX.length()), e.getValue());
            } else {
                weights.put(e.getKey(), e.getValue());
            }
        }
        return new Checkpoint(info, state, weights, optimizer, conv);
    }

    /**
     * Copies the weights into {@code model}'s existing parameter and buffer tensors (so
     * optimizers holding them see the new values), converting to each tensor's dtype. Checks
     * everything first: every tensor the model has must be present with the same shape and
     * finite values, and the file may hold no others; the exception names the tensor and both shapes.
     */
    public void loadInto(Module model) {
        Map<String, Tensor> targets = new LinkedHashMap<>(model.namedParameters());
        targets.putAll(model.namedBuffers());
        Set<String> unexpected = new LinkedHashSet<>(weights.keySet());
        unexpected.removeAll(targets.keySet());
        for (Map.Entry<String, Tensor> e : targets.entrySet()) {
            NdArray stored = weights.get(e.getKey());
            if (stored == null) {
                throw new IllegalArgumentException("checkpoint has no tensor '" + e.getKey() + "' (expected shape "
                        + Arrays.toString(e.getValue().shape()) + "); it holds " + weights.keySet());
            }
            if (!Arrays.equals(stored.shape(), e.getValue().shape())) {
                throw new IllegalArgumentException("checkpoint tensor '" + e.getKey() + "' has shape "
                        + Arrays.toString(stored.shape()) + " but the model expects "
                        + Arrays.toString(e.getValue().shape()));
            }
            if (!stored.type().isFloating()) {
                throw new IllegalArgumentException("checkpoint tensor '" + e.getKey() + "' holds " + stored.type()
                        + ", not floating-point values");
            }
            int bad = stored.indexOfNonFinite();
            if (bad >= 0) {
                // Training stops on a NaN loss before saving, so such weights come from elsewhere,
                // and every prediction made with them would be NaN.
                throw new IllegalArgumentException("checkpoint tensor '" + e.getKey() + "' holds "
                        + stored.toDoubles()[bad] + " at element " + bad + "; its weights are not usable");
            }
        }
        if (!unexpected.isEmpty()) {
            throw new IllegalArgumentException("checkpoint holds tensors the model does not have: " + unexpected);
        }
        for (Map.Entry<String, Tensor> e : targets.entrySet()) {
            copyInto(weights.get(e.getKey()), e.getValue());
        }
    }

    /**
     * Makes the shared planner choose as the run that wrote this checkpoint did, so that a
     * resumed run continues with the same algorithms (and bits).
     */
    public void pinConvAlgorithms() {
        ConvChoices.pin(convAlgorithms, ConvPlanner.shared());
    }

    /** Restores the optimizer's state from this checkpoint (the optimizer checks names and shapes). */
    public void loadInto(Optimizer optimizer) {
        Map<String, Tensor> state = new LinkedHashMap<>();
        for (Map.Entry<String, NdArray> e : optimizerState.entrySet()) {
            NdArray a = e.getValue();
            // Keep each state tensor's stored precision: float64 step counts must not round to float32.
            DType dtype = a.type() == ElementType.FLOAT32 ? DType.FLOAT32 : DType.FLOAT64;
            state.put(e.getKey(), Tensor.of(a.toBuffer(dtype), a.shape()));
        }
        optimizer.loadState(state);
    }

    private static void copyInto(NdArray source, Tensor target) {
        Buffer values = source.toBuffer(target.dtype());
        switch (target.buffer()) {
            case Buffer.F32 f -> System.arraycopy(((Buffer.F32) values).data(), 0, f.data(), 0, f.data().length);
            case Buffer.F64 d -> System.arraycopy(((Buffer.F64) values).data(), 0, d.data(), 0, d.data().length);
        }
    }
}
