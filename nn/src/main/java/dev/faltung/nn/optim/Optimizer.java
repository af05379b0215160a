package dev.faltung.nn.optim;

import dev.faltung.autodiff.Tensor;
import java.util.Map;

/**
 * Updates parameters from their accumulated gradients. Implementations keep per-parameter state
 * (moments, step counts) that {@link #state()} exposes by name so a checkpoint can save it and
 * {@link #loadState(Map)} can restore it for a bit-identical resume.
 */
public interface Optimizer {

    /** One update of every parameter that has a gradient; runs without recording a graph. */
    void step();

    /** Clears every parameter's gradient. */
    void zeroGrad();

    double learningRate();

    /** Sets the learning rate (schedules call this before each step or epoch). */
    void setLearningRate(double lr);

    /**
     * The optimizer's state tensors by name (e.g. {@code exp_avg.conv1.weight}) plus scalars as
     * 0-d tensors. The tensors are the optimizer's own, not copies (a checkpoint writes them as
     * they are): the next {@link #step()} changes them, so copy what must outlive it.
     */
    Map<String, Tensor> state();

    /** Restores state produced by {@link #state()}; throws naming a missing or misshapen entry. */
    void loadState(Map<String, Tensor> state);
}
