package dev.faltung.nn;

import dev.faltung.autodiff.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A differentiable function with parameters: a layer or a whole network. Modules take their
 * sizes at construction and initialise their parameters from an explicit seed.
 *
 * <p>{@link #namedParameters()} and {@link #namedBuffers()} list tensors in a fixed insertion
 * order under dotted names ({@code features.0.weight}); checkpoints are keyed by these names.
 * Buffers are state that is saved but not trained (batch-norm running statistics).
 */
public interface Module {

    /** Applies the module; records the graph when parameters require grad. */
    Tensor forward(Tensor input);

    /** Trainable tensors by dotted name, in a stable order. */
    Map<String, Tensor> namedParameters();

    /** Saved, untrained state by dotted name (empty for most layers). */
    default Map<String, Tensor> namedBuffers() {
        return Map.of();
    }

    /** Switches training behaviour (dropout, batch-norm statistics) on or off, recursively. */
    void train(boolean training);

    boolean isTraining();

    default List<Tensor> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** Number of trainable scalars. */
    default long parameterCount() {
        long n = 0;
        for (Tensor p : namedParameters().values()) {
            n += p.numel();
        }
        return n;
    }

    default void zeroGrad() {
        for (Tensor p : namedParameters().values()) {
            p.zeroGrad();
        }
    }
}
