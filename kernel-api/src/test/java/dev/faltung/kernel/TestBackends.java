package dev.faltung.kernel;

import dev.faltung.kernel.reference.ReferenceBackend;
import java.util.EnumSet;
import java.util.Set;

/** Test-only backends registered in src/test/resources/META-INF/services to exercise selection. */
final class TestBackends {

    private TestBackends() {
    }

    /** Never available, and of the highest priority, so choosing by priority must skip it. */
    public static final class Unavailable implements Backend {
        static final String REASON = "test backend: no such hardware";

        @Override public String name() { return "test-unavailable"; }
        @Override public String description() { return "a backend that is never available"; }
        @Override public int priority() { return 1000; }
        @Override public Availability availability() { return Availability.no(REASON); }
        @Override public Set<DType> dtypes() { return EnumSet.allOf(DType.class); }
        @Override public boolean supports(KernelFamily family, DType dtype) { return false; }
        @Override public Kernels kernels() { throw new IllegalStateException("test-unavailable: " + REASON); }
    }

    /** Available with a priority above the reference backend's; computes with the reference kernels. */
    public static final class Preferred implements Backend {
        @Override public String name() { return "test-preferred"; }
        @Override public String description() { return "an available backend preferred over reference"; }
        @Override public int priority() { return 1; }
        @Override public Availability availability() { return Availability.yes("test backend"); }
        @Override public Set<DType> dtypes() { return EnumSet.allOf(DType.class); }
        @Override public boolean supports(KernelFamily family, DType dtype) { return false; }
        @Override public Kernels kernels() { return new ReferenceBackend().kernels(); }
    }
}
