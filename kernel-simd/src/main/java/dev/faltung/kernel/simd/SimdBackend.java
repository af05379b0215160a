package dev.faltung.kernel.simd;

import dev.faltung.kernel.Availability;
import dev.faltung.kernel.Backend;
import dev.faltung.kernel.DType;
import dev.faltung.kernel.KernelFamily;
import dev.faltung.kernel.Kernels;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The Vector API backend: float32 kernels on {@code jdk.incubator.vector} with a
 * multi-threaded, cache-blocked GEMM; float64 GEMM on vectors too, other float64 kernels
 * delegated to the reference backend (see {@link #supports}). Available only when the JVM was
 * started with {@code --add-modules jdk.incubator.vector}; this class itself never touches the
 * Vector API, so loading it is always safe.
 */
public final class SimdBackend implements Backend {

    private volatile Availability availability;

    @Override
    public String name() {
        return "simd";
    }

    @Override
    public String description() {
        return "Java Vector API (SIMD) kernels, multi-threaded blocked GEMM";
    }

    @Override
    public int priority() {
        return 100;
    }

    @Override
    public Availability availability() {
        Availability a = availability;
        if (a == null) {
            a = VectorModule.check();
            availability = a;
        }
        return a;
    }

    @Override
    public Set<DType> dtypes() {
        return EnumSet.allOf(DType.class);
    }

    /**
     * Every family in float32. In float64: GEMM (on {@code DoubleVector}), copies and fills,
     * random numbers, and convolutions (whose algorithms run on this backend's GEMM); the rest
     * of float64 is delegated to the reference backend.
     */
    @Override
    public boolean supports(KernelFamily family, DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> true;
            case FLOAT64 -> SimdKernels.nativeFloat64(family);
        };
    }

    @Override
    public Kernels kernels() {
        Availability a = availability();
        if (!a.available()) {
            throw new IllegalStateException("backend 'simd' is unavailable: " + a.reason());
        }
        return Holder.KERNELS;
    }

    @Override
    public Map<String, String> details() {
        if (!availability().available()) {
            return Map.of("status", availability().reason());
        }
        return Holder.KERNELS.details();
    }

    /** Loaded only after the availability check, so the Vector API classes are too. */
    private static final class Holder {
        static final SimdKernels KERNELS = new SimdKernels(WorkerPool.configuredThreads());
    }
}
