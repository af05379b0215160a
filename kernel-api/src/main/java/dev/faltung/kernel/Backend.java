package dev.faltung.kernel;

import java.util.Map;
import java.util.Set;

/**
 * A provider of {@link Kernels}, discovered with {@link java.util.ServiceLoader} (register the
 * implementation in {@code META-INF/services/dev.faltung.kernel.Backend}). Implementations must
 * have a public no-argument constructor that does no heavy work and never throws: probing for
 * hardware happens in {@link #availability()}.
 */
public interface Backend {

    /** Short, unique, lower-case name used for selection ({@code reference}, {@code simd}, {@code opencl}). */
    String name();

    /** One line for {@code faltung info}. */
    String description();

    /** Higher is preferred when no backend is named. The reference backend has priority 0. */
    int priority();

    /** Whether this backend can run in this JVM on this machine, with the reason. Cached by implementations. */
    Availability availability();

    /** The dtypes this backend computes in. */
    Set<DType> dtypes();

    /**
     * Whether this backend computes {@code family} in {@code dtype} itself. Where it does not, the
     * backend's kernels delegate to the reference backend for that call, and this method is how
     * that delegation is made visible.
     */
    boolean supports(KernelFamily family, DType dtype);

    /** The kernels. Throws {@link IllegalStateException} with the reason when unavailable. */
    Kernels kernels();

    /** Extra facts for {@code faltung info} (devices, threads, vector width), in display order. */
    default Map<String, String> details() {
        return Map.of();
    }
}
