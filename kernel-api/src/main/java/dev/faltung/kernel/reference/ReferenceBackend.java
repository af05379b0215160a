package dev.faltung.kernel.reference;

import dev.faltung.kernel.Availability;
import dev.faltung.kernel.Backend;
import dev.faltung.kernel.DType;
import dev.faltung.kernel.KernelFamily;
import dev.faltung.kernel.Kernels;
import java.util.EnumSet;
import java.util.Set;

/**
 * The scalar reference backend: the oracle every other backend is tested against. Always
 * available, float32 and float64, single-threaded, bit-reproducible. See {@link ReferenceKernels}
 * for the numerical policy.
 */
public final class ReferenceBackend implements Backend {

    private static final ReferenceKernels KERNELS = new ReferenceKernels();

    @Override
    public String name() {
        return "reference";
    }

    @Override
    public String description() {
        return "scalar Java loops, accumulating in double, bit-reproducible (the oracle)";
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public Availability availability() {
        return Availability.yes("pure Java, always available");
    }

    @Override
    public Set<DType> dtypes() {
        return EnumSet.allOf(DType.class);
    }

    @Override
    public boolean supports(KernelFamily family, DType dtype) {
        return true;
    }

    @Override
    public Kernels kernels() {
        return KERNELS;
    }
}
