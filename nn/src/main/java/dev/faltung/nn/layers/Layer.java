package dev.faltung.nn.layers;

import dev.faltung.autodiff.Tensor;
import dev.faltung.kernel.DType;
import dev.faltung.nn.Module;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Base of every layer: keeps its own parameters, buffers and child modules in insertion order,
 * names them with dots ({@code block.conv1.weight}), propagates train/eval mode to children, and
 * knows its output shape for an input shape without computing anything.
 *
 * <p>Layers read their parameters from the registry on every forward pass, so
 * {@link #setParameter} can swap a parameter tensor (gradient checks, dtype conversion). Layers
 * start in training mode. Not thread-safe.
 */
public abstract class Layer implements Module {

    private final Map<String, Tensor> params = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** The output shape (batch dimension included) for an input of {@code inputShape}; throws if invalid. */
    public abstract int[] outputShape(int[] inputShape);

    /** Registers a trainable tensor (marked as requiring grad) under {@code name}. */
    protected final Tensor addParameter(String name, Tensor value) {
        checkName(name);
        params.put(name, value.requiresGrad(true));
        return value;
    }

    /** Registers saved, untrained state under {@code name}. */
    protected final Tensor addBuffer(String name, Tensor value) {
        checkName(name);
        buffers.put(name, value);
        return value;
    }

    /** Registers a child whose parameters appear under {@code name.}. */
    protected final <M extends Module> M addChild(String name, M child) {
        checkName(name);
        children.put(name, child);
        child.train(training);
        return child;
    }

    private void checkName(String name) {
        if (name.isEmpty() || name.contains(".") || params.containsKey(name) || buffers.containsKey(name)
                || children.containsKey(name)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": name '" + name
                    + "' is empty, dotted or already registered");
        }
    }

    /** This layer's own parameter {@code name} (not a child's). */
    protected final Tensor param(String name) {
        Tensor t = params.get(name);
        if (t == null) {
            throw new IllegalStateException(getClass().getSimpleName() + " has no parameter '" + name + "'");
        }
        return t;
    }

    /** This layer's own buffer {@code name}. */
    protected final Tensor buffer(String name) {
        Tensor t = buffers.get(name);
        if (t == null) {
            throw new IllegalStateException(getClass().getSimpleName() + " has no buffer '" + name + "'");
        }
        return t;
    }

    /** The child modules in registration order. */
    public final Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    @Override
    public Map<String, Tensor> namedParameters() {
        Map<String, Tensor> out = new LinkedHashMap<>(params);
        children.forEach((name, child) -> child.namedParameters().forEach((k, v) -> out.put(name + "." + k, v)));
        return out;
    }

    @Override
    public Map<String, Tensor> namedBuffers() {
        Map<String, Tensor> out = new LinkedHashMap<>(buffers);
        children.forEach((name, child) -> child.namedBuffers().forEach((k, v) -> out.put(name + "." + k, v)));
        return out;
    }

    /**
     * Replaces the parameter or buffer at dotted path {@code name} with {@code value} (same shape),
     * e.g. to run the layer on float64 copies in a gradient check. The value is used as given: a
     * parameter is not re-marked as requiring grad.
     */
    public void setParameter(String name, Tensor value) {
        int dot = name.indexOf('.');
        if (dot >= 0) {
            Module child = children.get(name.substring(0, dot));
            if (!(child instanceof Layer layer)) {
                throw new IllegalArgumentException(getClass().getSimpleName() + ".setParameter: no child layer for '"
                        + name + "'");
            }
            layer.setParameter(name.substring(dot + 1), value);
            return;
        }
        Map<String, Tensor> map = params.containsKey(name) ? params : buffers.containsKey(name) ? buffers : null;
        if (map == null) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ".setParameter: no parameter or buffer '"
                    + name + "'");
        }
        if (!Arrays.equals(map.get(name).shape(), value.shape())) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ".setParameter: '" + name + "' has shape "
                    + Arrays.toString(map.get(name).shape()) + ", value has " + Arrays.toString(value.shape()));
        }
        map.put(name, value);
    }

    /** Converts every parameter and buffer (recursively) to {@code dtype}; returns this. */
    public Layer to(DType dtype) {
        params.replaceAll((k, v) -> v.dtype() == dtype ? v : v.detach().to(dtype).copy().requiresGrad(true));
        buffers.replaceAll((k, v) -> v.dtype() == dtype ? v : v.to(dtype).copy());
        for (Module child : children.values()) {
            if (child instanceof Layer layer) {
                layer.to(dtype);
            }
        }
        return this;
    }

    /** The dtype of this layer's first parameter, or float32 for layers without parameters. */
    protected final DType dtype() {
        for (Tensor p : namedParameters().values()) {
            return p.dtype();
        }
        return DType.FLOAT32;
    }

    @Override
    public void train(boolean training) {
        this.training = training;
        for (Module child : children.values()) {
            child.train(training);
        }
    }

    @Override
    public boolean isTraining() {
        return training;
    }

    /** Layer settings for {@link #toString()}, e.g. {@code 3, 64, kernel=3x3}; empty by default. */
    protected String describe() {
        return "";
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(getClass().getSimpleName()).append('(').append(describe());
        if (!children.isEmpty()) {
            sb.append('\n');
            children.forEach((name, child) -> sb.append("  (").append(name).append("): ")
                    .append(child.toString().replace("\n", "\n  ")).append('\n'));
        }
        return sb.append(')').toString();
    }

    // ---- shape helpers for subclasses ---------------------------------------------------

    /** Throws unless {@code shape} has {@code rank} dimensions (and channel count {@code channels} at index 1 if >= 0). */
    static void requireShape(Layer layer, int[] shape, int rank, int channels) {
        if (shape.length != rank || (channels >= 0 && shape[1] != channels)) {
            throw new IllegalArgumentException(layer + ": expected input of rank " + rank
                    + (channels >= 0 ? " with " + channels + " channels at dimension 1" : "") + ", got "
                    + Arrays.toString(shape));
        }
    }
}
