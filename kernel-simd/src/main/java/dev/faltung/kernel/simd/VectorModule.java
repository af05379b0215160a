package dev.faltung.kernel.simd;

import dev.faltung.kernel.Availability;
import java.util.Optional;

/**
 * Whether the incubating Vector API can be used in this JVM. Touches no Vector API class, so
 * it is safe to call whether or not the module was added.
 */
final class VectorModule {

    static final String NAME = "jdk.incubator.vector";

    private VectorModule() {
    }

    /** The availability in this JVM: the module must be resolved in the boot layer. */
    static Availability check() {
        return check(ModuleLayer.boot().findModule(NAME));
    }

    /**
     * The availability given the boot layer's view of the module; separated so the message can
     * be tested in a JVM where the module is present.
     */
    static Availability check(Optional<Module> module) {
        if (module.isEmpty()) {
            return Availability.no("the Vector API module " + NAME
                    + " is not loaded; run with --add-modules " + NAME);
        }
        return Availability.yes(NAME + " loaded");
    }
}
