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

    public ModelInfo {
        if (inputShape.length != 3) {
            throw new IllegalArgumentException("ModelInfo: input shape must be [C, H, W], got "
                    + Arrays.toString(inputShape));
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

    /** Reads what {@link #toMetadata()} wrote; throws {@link IllegalArgumentException} naming a missing or bad entry. */
    public static ModelInfo fromMetadata(Map<String, String> m) {
        List<?> shape = list(m, "input_shape");
        int[] inputShape = new int[shape.size()];
        for (int i = 0; i < inputShape.length; i++) {
            inputShape[i] = ((Number) shape.get(i)).intValue();
        }
        List<String> classNames = new ArrayList<>();
        for (Object o : list(m, "class_names")) {
            classNames.add(String.valueOf(o));
        }
        int classes = Integer.parseInt(field(m, "classes"));
        if (classes != classNames.size()) {
            throw new IllegalArgumentException("metadata says " + classes + " classes but names " + classNames.size());
        }
        Map<?, ?> norm = object(m, "normalisation");
        long seed;
        try {
            seed = Long.parseLong(field(m, "seed"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("metadata 'seed' is not an integer: '" + m.get("seed") + "'");
        }
        return new ModelInfo(field(m, "model"), inputShape, classNames, m.getOrDefault("architecture", ""),
                field(m, "dtype"), m.getOrDefault("optimizer", ""), stringKeys(object(m, "optimizer_hyperparameters")),
                seed, new Normalisation(toFloats(norm.get("mean")), toFloats(norm.get("std"))),
                stringKeys(m.containsKey("run") ? object(m, "run") : Map.of()));
    }

    private static List<Double> floats(float[] v) {
        List<Double> out = new ArrayList<>();
        for (float f : v) {
            out.add((double) f);
        }
        return out;
    }

    private static float[] toFloats(Object o) {
        if (!(o instanceof List<?> list)) {
            throw new IllegalArgumentException("metadata 'normalisation' needs mean and std lists");
        }
        float[] out = new float[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) list.get(i)).floatValue();
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
