package dev.faltung.nn.optim;

/** A projection applied to parameters after every optimizer step (e.g. {@link MaxNorm}). */
@FunctionalInterface
public interface Constraint {

    /** Modifies the constrained parameters in place; runs without recording a graph. */
    void apply();
}
