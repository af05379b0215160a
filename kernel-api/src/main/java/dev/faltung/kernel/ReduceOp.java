package dev.faltung.kernel;

/** Reductions over axes. Means and variances are composed from these one level up. */
public enum ReduceOp {
    SUM, MAX, MIN
}
