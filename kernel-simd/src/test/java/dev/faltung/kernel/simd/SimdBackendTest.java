package dev.faltung.kernel.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faltung.kernel.Availability;
import dev.faltung.kernel.Backend;
import dev.faltung.kernel.Backends;
import dev.faltung.kernel.DType;
import dev.faltung.kernel.KernelFamily;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The backend is discovered, preferred over the reference, honest about float64 delegation and about a missing module. */
class SimdBackendTest {

    @Test
    void isDiscoveredAndPreferredWhenTheModuleIsLoaded() {
        Backend simd = Backends.get("simd");
        assertTrue(simd.availability().available(), simd.availability().toString());
        assertTrue(simd.priority() > Backends.reference().priority());
        assertSame(simd, Backends.all().get(0));
        assertTrue(simd.details().get("float lanes").matches("\\d+"), simd.details().toString());
    }

    @Test
    void missingModuleIsReportedWithTheFlagToAdd() {
        Availability a = VectorModule.check(Optional.empty());
        assertFalse(a.available());
        assertTrue(a.reason().contains("--add-modules jdk.incubator.vector"), a.reason());
        assertTrue(VectorModule.check(ModuleLayer.boot().findModule(VectorModule.NAME)).available());
    }

    @Test
    void supportsEveryFamilyInFloat32AndSaysWhatFloat64Delegates() {
        SimdBackend simd = new SimdBackend();
        for (KernelFamily f : KernelFamily.values()) {
            assertTrue(simd.supports(f, DType.FLOAT32), f + " float32");
        }
        assertTrue(simd.supports(KernelFamily.GEMM, DType.FLOAT64));
        assertFalse(simd.supports(KernelFamily.SOFTMAX, DType.FLOAT64));
    }

    @Test
    void threadCountPropertyIsValidated() {
        String old = System.getProperty(WorkerPool.THREADS_PROPERTY);
        try {
            System.setProperty(WorkerPool.THREADS_PROPERTY, "3");
            assertEquals(3, WorkerPool.configuredThreads());
            System.setProperty(WorkerPool.THREADS_PROPERTY, "zero");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, WorkerPool::configuredThreads);
            assertTrue(e.getMessage().contains("faltung.threads"), e.getMessage());
        } finally {
            if (old == null) {
                System.clearProperty(WorkerPool.THREADS_PROPERTY);
            } else {
                System.setProperty(WorkerPool.THREADS_PROPERTY, old);
            }
        }
    }
}
