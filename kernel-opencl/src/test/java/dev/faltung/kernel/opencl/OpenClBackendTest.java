package dev.faltung.kernel.opencl;

import static dev.faltung.kernel.opencl.OpenClTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.aparapi.Range;
import com.aparapi.device.JavaDevice;
import com.aparapi.device.OpenCLDevice;
import com.aparapi.internal.kernel.KernelManager;
import dev.faltung.kernel.Availability;
import dev.faltung.kernel.Backend;
import dev.faltung.kernel.Backends;
import dev.faltung.kernel.DType;
import dev.faltung.kernel.KernelFamily;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Discovery, availability, priority, device reporting and the refusal of every silent fallback. */
class OpenClBackendTest {

    @Test
    void isDiscoveredByServiceLoaderUnderItsName() {
        Backend b = Backends.all().stream().filter(x -> x.name().equals("opencl")).findFirst().orElseThrow();
        assertTrue(b instanceof OpenClBackend);
    }

    @Test
    void availabilityAlwaysCarriesAReason() {
        Availability a = backend().availability();
        assertNotNull(a.reason());
        assertFalse(a.reason().isBlank(), "availability without a reason: " + a);
        assertTrue(backend().availability() == a, "availability is probed once and cached");
        if (!a.available()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> backend().kernels());
            assertTrue(e.getMessage().contains(a.reason()), e.getMessage());
        }
    }

    @Test
    void aCpuDeviceRanksBelowSimdAndAGpuAbove() {
        DeviceCatalog cat = DeviceCatalog.probe(System.getProperty(DeviceCatalog.PROPERTY));
        assertEquals(cat.gpuSelected() ? 200 : 50, backend().priority());
        assertTrue(backend().priority() != 100, "simd has 100; opencl must be clearly above or below");
    }

    @Test
    void scalaLibraryStaysOffTheClassPath() {
        // Aparapi 3.0.2 declares scala-library at compile scope; the parent POM excludes it.
        assertThrows(ClassNotFoundException.class, () -> Class.forName("scala.Predef"));
    }

    @Test
    void detailsSayWhetherNativeAccessIsEnabled() {
        String nativeAccess = backend().details().get("native access");
        assertNotNull(nativeAccess);
        // The test JVM runs with --enable-native-access=ALL-UNNAMED (see the parent POM).
        assertTrue(Runtime.version().feature() < 22 ? nativeAccess.startsWith("not restricted")
                : nativeAccess.startsWith("enabled"), nativeAccess);
    }

    @Test
    void float64IsReportedAsDelegated() {
        for (KernelFamily f : KernelFamily.values()) {
            assertFalse(backend().supports(f, DType.FLOAT64), f + " float64 should be delegated");
            assertTrue(backend().supports(f, DType.FLOAT32), f + " float32");
        }
    }

    @Test
    void detailsListDevicesOrTheReasonThereAreNone() {
        Map<String, String> d = backend().details();
        assertFalse(d.isEmpty());
        DeviceCatalog cat = DeviceCatalog.probe(null);
        if (cat.devices().isEmpty()) {
            assertEquals(cat.problem(), d.get("devices"));
        } else {
            assertTrue(d.get("device 0").contains("compute units"), d.toString());
            assertTrue(d.get("device 0").contains("MiB global"), d.toString());
            assertTrue(d.get("on the host").contains("float64"), d.toString());
        }
    }

    @Test
    void deviceSelectionByIndexOrNameAndAnUnknownNameIsAReason() {
        DeviceCatalog any = DeviceCatalog.probe(null);
        if (any.devices().isEmpty()) {
            assertNotNull(any.problem());
            return;
        }
        DeviceCatalog.Entry first = any.devices().get(0);
        assertEquals(first.name(), DeviceCatalog.probe("0").selected().name());
        assertEquals(first.name(), DeviceCatalog.probe(first.name().substring(0, 3).toUpperCase()).selected().name());
        DeviceCatalog none = DeviceCatalog.probe("no-such-device-xyz");
        assertNull(none.selected());
        assertTrue(none.problem().contains("no-such-device-xyz") && none.problem().contains(first.name()), none.problem());
    }

    @Test
    void selfTestComparisonNamesTheFirstDisagreement() {
        float[] x = new float[SelfTest.SIZE];
        float[] y = new float[SelfTest.SIZE];
        long[] bits = new long[SelfTest.SIZE];
        String reason = SelfTest.compare(x, 1L, 64, y, bits);
        assertNotNull(reason, "zeros cannot match the mixing function");
        assertTrue(reason.contains("64-bit mixing result 0"), reason);
        y[0] = 1f;
        reason = SelfTest.compare(x, 1L, 64, y, bits);
        assertTrue(reason.contains("arithmetic/local-memory result 0 is 1.0"), reason);
    }

    @Test
    void aKernelRunOnJavaThreadsIsReportedNotAccepted() {
        JavaThreadKernel k = new JavaThreadKernel();
        KernelManager.instance().setPreferredDevices(k, new LinkedHashSet<>(List.of(JavaDevice.THREAD_POOL)));
        k.out = new float[7];
        k.size = 7;
        k.execute(Range.create(JavaDevice.THREAD_POOL, 7, 1));
        assertEquals(6f, k.out[6], "the kernel did run, on threads, odd size included");
        String reason = Launcher.fallbackReason(k, JavaDevice.THREAD_POOL, null);
        assertNotNull(reason);
        assertTrue(reason.contains("Java threads"), reason);
    }

    @Test
    void anUntranslatableKernelOnTheDeviceThrowsWithAparapisReason() {
        assumeDevice();
        OpenCLDevice device = DeviceCatalog.probe(System.getProperty(DeviceCatalog.PROPERTY)).selected().device();
        Launcher launcher = new Launcher(device);
        UntranslatableKernel k = launcher.adopt(new UntranslatableKernel());
        k.out = new float[7];
        k.size = 7;
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> launcher.run("allocating kernel", k, launcher.range1(7)));
        assertTrue(e.getMessage().contains("opencl: allocating kernel") && e.getMessage().contains(device.getName()), e.getMessage());
        assertTrue(e.getMessage().contains("Aparapi") || e.getMessage().contains("Device failed"), e.getMessage());
    }

    @Test
    void smallOpsRunOnTheHostAboveTheThresholdOnTheDevice() {
        assumeDevice();
        // The reference's unary on the host and the device's agree to float rounding; what this
        // pins down is that a below-threshold call does not need the device at all.
        OpenClKernels tiny = backend().kernelsWithThreshold(Integer.MAX_VALUE);
        float[] x = {1f, -2f, 3f};
        float[] out = new float[3];
        tiny.unary(dev.faltung.kernel.UnaryOp.NEG, 0, dev.faltung.kernel.Buffer.of(x), dev.faltung.kernel.Buffer.of(out));
        assertEquals(-1f, out[0]);
        assertEquals(2f, out[1]);
        assertEquals(-3f, out[2]);
        assertEquals(OpenClBackend.DEFAULT_MIN_ELEMENTS, OpenClBackend.minElements());
    }
}
