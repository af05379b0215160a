package dev.faltung.kernel.opencl;

import dev.faltung.kernel.Availability;
import dev.faltung.kernel.Backend;
import dev.faltung.kernel.DType;
import dev.faltung.kernel.KernelFamily;
import dev.faltung.kernel.Kernels;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The OpenCL backend on Aparapi: float32 kernels on one OpenCL device, float64 delegated to the
 * reference backend. Available only when Aparapi's native library loads, a device is selected
 * (see {@link DeviceCatalog}) and a self-test kernel on it agrees with Java; the probe runs once,
 * on the first call that needs it. Priority 200 on a GPU (above {@code simd}), 50 on a CPU
 * device such as PoCL (below {@code simd}: a CPU OpenCL runtime must not displace the Vector API
 * backend by default). Where no GPU driver is installed ({@link IcdVendors}) the priority is
 * known without probing, so processes that use another backend never load OpenCL. Thread-safe.
 */
public final class OpenClBackend implements Backend {

    static {
        NativeAccess.readAtStartUp(); // before any probe loads Aparapi's JNI library
    }

    /** Elements below which a float32 op runs on the host instead (transfer and launch cost more). */
    public static final String MIN_ELEMENTS_PROPERTY = "faltung.opencl.minElements";
    static final int DEFAULT_MIN_ELEMENTS = 4096;

    /** The threshold of this instance; negative: read {@value #MIN_ELEMENTS_PROPERTY} at the probe. */
    private final int fixedMinElements;
    private volatile DeviceCatalog catalog;
    private volatile Availability availability;
    private volatile OpenClKernels kernels;
    private volatile Launcher launcher;

    /** The instance {@link java.util.ServiceLoader} makes: threshold from {@value #MIN_ELEMENTS_PROPERTY}. */
    public OpenClBackend() {
        this(-1);
    }

    private OpenClBackend(int minElements) {
        this.fixedMinElements = minElements;
    }

    /**
     * A separate backend on the same selected device whose float32 calls run on the device from
     * {@code minElements} elements on; 0 puts every float32 call on the device (what the
     * equivalence tests and benchmarks want). It probes and compiles on first use like the
     * discovered one, is not registered with {@link dev.faltung.kernel.Backends}, and reports its
     * threshold in {@link #details()}.
     */
    public static OpenClBackend withMinElements(int minElements) {
        if (minElements < 0) {
            throw new IllegalArgumentException("opencl: minElements must be >= 0, got " + minElements);
        }
        return new OpenClBackend(minElements);
    }

    @Override
    public String name() {
        return "opencl";
    }

    @Override
    public String description() {
        return "float32 OpenCL kernels through Aparapi (float64 and tiny ops on the reference backend)";
    }

    @Override
    public int priority() {
        if (System.getProperty(DeviceCatalog.PROPERTY) == null && !IcdVendors.mayHaveGpu()) {
            return 50; // no GPU driver installed: not worth loading the others to learn that (IcdVendors)
        }
        return catalog().gpuSelected() ? 200 : 50;
    }

    @Override
    public Availability availability() {
        Availability a = availability;
        if (a == null) {
            synchronized (this) {
                if (availability == null) {
                    availability = probe();
                }
                a = availability;
            }
        }
        return a;
    }

    private Availability probe() {
        DeviceCatalog cat = catalog();
        if (cat.problem() != null) {
            return Availability.no(cat.problem());
        }
        DeviceCatalog.Entry dev = cat.selected();
        Launcher launcher;
        try {
            launcher = new Launcher(dev.device());
            String failure = SelfTest.run(launcher);
            if (failure != null) {
                return Availability.no("OpenCL device " + dev.name() + " failed the start-up self-test: " + failure);
            }
        } catch (Throwable t) { // a JNI or driver failure must not escape availability()
            return Availability.no("OpenCL device " + dev.name() + " failed the start-up self-test: " + t);
        }
        this.launcher = launcher;
        kernels = new OpenClKernels(launcher, threshold());
        return Availability.yes(dev.name() + " [" + dev.type() + "] on " + dev.platform() + ", self-test passed");
    }

    /**
     * Whether Aparapi found any OpenCL device on this machine, usable or not. Equivalence tests
     * skip only when there is none; a device that exists but fails the self-test is a failure.
     */
    public boolean deviceFound() {
        return !catalog().devices().isEmpty();
    }

    private DeviceCatalog catalog() {
        DeviceCatalog c = catalog;
        if (c == null) {
            synchronized (this) {
                if (catalog == null) {
                    catalog = DeviceCatalog.probe(System.getProperty(DeviceCatalog.PROPERTY));
                }
                c = catalog;
            }
        }
        return c;
    }

    /** This instance's small-op threshold. */
    int threshold() {
        return fixedMinElements >= 0 ? fixedMinElements : minElements();
    }

    static int minElements() {
        String v = System.getProperty(MIN_ELEMENTS_PROPERTY);
        if (v == null || v.isBlank()) {
            return DEFAULT_MIN_ELEMENTS;
        }
        try {
            return Math.max(0, Integer.parseInt(v.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(MIN_ELEMENTS_PROPERTY + "=" + v + " is not an integer");
        }
    }

    @Override
    public Set<DType> dtypes() {
        return EnumSet.allOf(DType.class);
    }

    /**
     * float32: every family on the device (above the small-op threshold), except that
     * {@code normal} draws on the host. float64: never; those calls run on the reference backend.
     */
    @Override
    public boolean supports(KernelFamily family, DType dtype) {
        return dtype == DType.FLOAT32;
    }

    @Override
    public Kernels kernels() {
        Availability a = availability();
        if (!a.available()) {
            throw new IllegalStateException("backend 'opencl' is unavailable: " + a.reason());
        }
        return kernels;
    }

    /** Kernels on the same device with another small-op threshold (0 puts every float32 call on the device). */
    OpenClKernels kernelsWithThreshold(int minElements) {
        kernels();
        return new OpenClKernels(launcher, minElements);
    }

    @Override
    public Map<String, String> details() {
        Map<String, String> d = new LinkedHashMap<>();
        DeviceCatalog cat = catalog();
        d.put("native access", NativeAccess.describe());
        if (cat.devices().isEmpty()) {
            d.put("devices", cat.problem());
            return d;
        }
        for (DeviceCatalog.Entry e : cat.devices()) {
            d.put("device " + e.index(), e.describe() + " (" + e.platformVersion() + ")");
        }
        d.put("selected", cat.selected() == null ? "none: " + cat.problem()
                : "#" + cat.selected().index() + " " + cat.selected().name()
                        + " (choose with -D" + DeviceCatalog.PROPERTY + "=INDEX|NAME)");
        d.put("status", availability().toString());
        d.put("on the host", "float64 (reference backend); float32 ops under " + threshold()
                + " elements (reference backend" + (fixedMinElements >= 0 ? ", fixed for this instance"
                        : ", -D" + MIN_ELEMENTS_PROPERTY + "=N") + "); normal() draws "
                + "(StrictMath Box-Muller); copies that convert dtype; the transforms of FFT and Winograd "
                + "convolutions when asked for by name (Winograd's products run on the device)");
        d.put("convolution", "AUTO picks DIRECT or IM2COL, timed once per shape, both wholly on the device; "
                + "IM2COL is one launch per direction (the lowered matrix stays on the device)");
        Map<String, Integer> builds = Launcher.programBuilds();
        if (!builds.isEmpty()) {
            d.put("programs built", builds.size() + " kernel classes, each compiled once and cached per device: "
                    + builds);
        }
        return d;
    }
}
