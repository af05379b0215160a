package dev.faltung.kernel;

/** The groups of kernels in {@link Kernels}; a backend states which it supports per dtype. */
public enum KernelFamily {
    ELEMENTWISE, REDUCE, COPY, GEMM, IM2COL, CONV, POOL, SOFTMAX, MOMENTS, RANDOM
}
