package dev.faltung.nn.train;

import dev.faltung.nn.data.Normalisation;
import dev.faltung.nn.io.Json;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a checkpoint records besides tensors and progress, enough to rebuild the model and
 * feed it as in training: the zoo name, the input shape [C, H, W], the class names (their count
 * is the number of outputs), a human-readable architecture, the parameter dtype, the optimizer's
 * name and hyperparameters, the run's seed, the input normalisation, and free-form run settings
 * (batch size, augmentation, backend, ...).
 */
public record ModelInfo(String model, int[] inputShape, List<String> classNames, String architecture, String dtype,
                        String optimizer, Map<String, Object> optimizerSettings, long seed,
                        Normalisation normalisation, Map<String, Object> run) {

    /**
     * The most elements one input image may have (3x2364x2364): far above what the zoo trains on
     * here, and a bound on what a checkpoint's metadata can make {@code predict} allocate.
     */
    public static final long MAX_INPUT_ELEMENTS = 1L << 24;

    public ModelInfo {
        if (inputShape.length != 3) {
            throw new IllegalArgumentException("ModelInfo: input shape must be [C, H, W], got "
                    + Arrays.toString(inputShape));
        }
        if ((long) inputShape[0] * inputShape[1] * inputShape[2] > MAX_INPUT_ELEMENTS) {
            // Checked when training too, so that no run writes a checkpoint that could not be read back.
            throw new IllegalArgumentException("ModelInfo: input shape " + Arrays.toString(inputShape)
                    + " has more than " + MAX_INPUT_ELEMENTS + " elements per image");
        }
        inputShape = inputShape.clone();
        classNames = List.copyOf(classNames);
        optimizerSettings = new LinkedHashMap<>(optimizerSettings);
        run = new LinkedHashMap<>(run);
    }

    /** Number of classes. */
    public int classes() {
        return classNames.size();
    }

    /** The record as checkpoint metadata entries (string values, JSON where structured). */
    public Map<String, String> toMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("model", model);
        m.put("input_shape", Json.write(Arrays.stream(inputShape).boxed().toList()));
        m.put("classes", Integer.toString(classes()));
        m.put("class_names", Json.write(classNames));
        m.put("architecture", architecture);
        m.put("dtype", dtype);
        m.put("optimizer", optimizer);
        m.put("optimizer_hyperparameters", Json.write(optimizerSettings));
        m.put("seed", Long.toString(seed));
        m.put("rng", Json.write(Map.of("seed", seed, "scheme",
                "counter-based: shuffle(seed, epoch), augment(seed, epoch, index), dropout(layer seed, step << 32)")));
        Map<String, Object> norm = new LinkedHashMap<>();
        norm.put("mean", floats(normalisation.mean()));
        norm.put("std", floats(normalisation.std()));
        m.put("normalisation", Json.write(norm));
        m.put("run", Json.write(run));
        return m;
    }

    /**
     * Reads what {@link #toMetadata()} wrote; throws {@link IllegalArgumentException} naming a
     * missing or malformed entry. Everything a model is rebuilt from is checked here, before any
     * memory is committed to it: the input shape, the classes and the normalisation's channels.
     */
    public static ModelInfo fromMetadata(Map<String, String> m) {
        List<?> shape = list(m, "input_shape");
        if (shape.size() != 3) {
            throw new IllegalArgumentException("metadata 'input_shape' must be [C, H, W], got " + shape);
        }
        int[] inputShape = new int[3];
        long elements = 1;
        for (int i = 0; i < 3; i++) {
            if (!(shape.get(i) instanceof Long d) || d < 1 || d > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("metadata 'input_shape' " + shape + " needs positive integers");
            }
            inputShape[i] = d.intValue();
            elements *= d; // three factors below 2^31 each can overflow only after the check below trips
            if (elements > MAX_INPUT_ELEMENTS) {
                throw new IllegalArgumentException("metadata 'input_shape' " + shape + " has more than "
                        + MAX_INPUT_ELEMENTS + " elements per image");
            }
        }
        List<String> classNames = new ArrayList<>();
        for (Object o : list(m, "class_names")) {
            if (!(o instanceof String name)) {
                throw new IllegalArgumentException("metadata 'class_names' holds " + o + ", not a string");
            }
            classNames.add(name);
        }
        long classes = longField(m, "classes");
        if (classes != classNames.size() || classes < 1) {
            throw new IllegalArgumentException("metadata says " + classes + " classes but names " + classNames.size());
        }
        Map<?, ?> norm = object(m, "normalisation");
        float[] mean = toFloats(norm.get("mean"), "mean");
        float[] std = toFloats(norm.get("std"), "std");
        if (mean.length != inputShape[0] || std.length != inputShape[0]) {
            throw new IllegalArgumentException("metadata 'normalisation' has " + mean.length + " means and "
                    + std.length + " stds for " + inputShape[0] + " input channels");
        }
        return new ModelInfo(field(m, "model"), inputShape, classNames, m.getOrDefault("architecture", ""),
                field(m, "dtype"), m.getOrDefault("optimizer", ""), stringKeys(object(m, "optimizer_hyperparameters")),
                longField(m, "seed"), new Normalisation(mean, std),
                stringKeys(m.containsKey("run") ? object(m, "run") : Map.of()));
    }

    private static long longField(Map<String, String> m, String key) {
        try {
            return Long.parseLong(field(m, key).strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("metadata '" + key + "' is not an integer: '" + m.get(key) + "'");
        }
    }

    private static List<Double> floats(float[] v) {
        List<Double> out = new ArrayList<>();
        for (float f : v) {
            out.add((double) f);
        }
        return out;
    }

    private static float[] toFloats(Object o, String key) {
        if (!(o instanceof List<?> list)) {
            throw new IllegalArgumentException("metadata 'normalisation' needs mean and std lists");
        }
        float[] out = new float[list.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(list.get(i) instanceof Number n) || !Float.isFinite(n.floatValue())) {
                throw new IllegalArgumentException("metadata 'normalisation' " + key + " " + list
                        + " needs finite numbers");
            }
            out[i] = n.floatValue();
        }
        return out;
    }

    private static String field(Map<String, String> m, String key) {
        String v = m.get(key);
        if (v == null) {
            throw new IllegalArgumentException("metadata has no '" + key + "'");
        }
        return v;
    }

    private static List<?> list(Map<String, String> m, String key) {
        if (!(Json.parse(field(m, key)) instanceof List<?> l)) {
            throw new IllegalArgumentException("metadata '" + key + "' is not a JSON list");
        }
        return l;
    }

    private static Map<?, ?> object(Map<String, String> m, String key) {
        if (!(Json.parse(field(m, key)) instanceof Map<?, ?> o)) {
            throw new IllegalArgumentException("metadata '" + key + "' is not a JSON object");
        }
        return o;
    }

    private static Map<String, Object> stringKeys(Map<?, ?> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelInfo i && toMetadata().equals(i.toMetadata());
    }

    @Override
    public int hashCode() {
        return toMetadata().hashCode();
    }

    @Override
    public String toString() {
        return "ModelInfo" + toMetadata();
    }
}
