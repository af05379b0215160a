package dev.faltung.proofs.opencl;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.faltung.kernel.Availability;
import dev.faltung.kernel.Kernels;
import dev.faltung.kernel.opencl.OpenClBackend;

/**
 * The OpenCL backend under test, with the small-op threshold at 0 so every float32 call runs on
 * the device. Skips (a JUnit assumption with the reason) only where Aparapi finds no OpenCL
 * device at all; a device that exists but leaves the backend unavailable (failed self-test, a
 * bad {@code faltung.opencl.device}) fails instead, since that is a bug or a misconfiguration.
 */
final class DeviceUnderTest {

    private static final OpenClBackend BACKEND = OpenClBackend.withMinElements(0);

    private DeviceUnderTest() {
    }

    static OpenClBackend backend() {
        Availability a = BACKEND.availability();
        if (!a.available()) {
            assumeTrue(BACKEND.deviceFound(), () -> "skipped: no OpenCL platform with a device on this machine ("
                    + a.reason() + "); install one, e.g. pocl-opencl-icd");
            fail("an OpenCL device exists but the opencl backend is unavailable: " + a.reason());
        }
        return BACKEND;
    }

    static Kernels kernels() {
        return backend().kernels();
    }
}
