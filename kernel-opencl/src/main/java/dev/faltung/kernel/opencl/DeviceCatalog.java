package dev.faltung.kernel.opencl;

import com.aparapi.device.Device;
import com.aparapi.device.OpenCLDevice;
import com.aparapi.internal.opencl.OpenCLLoader;
import com.aparapi.internal.opencl.OpenCLPlatform;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The OpenCL platforms and devices Aparapi sees, and the one this backend uses. Never throws:
 * a missing native library or an empty platform list becomes {@link #problem()}. Immutable.
 *
 * <p>Selection: the system property {@value #PROPERTY} is an index into {@link #devices()} or a
 * case-insensitive substring of a device or platform name; without it the first GPU, else the
 * first accelerator, else the first CPU device.
 */
final class DeviceCatalog {

    static final String PROPERTY = "faltung.opencl.device";

    /** One device, flattened out of its platform. */
    record Entry(int index, String platform, String platformVersion, OpenCLDevice device) {
        String name() {
            return device.getName();
        }

        Device.TYPE type() {
            return device.getType();
        }

        String describe() {
            return "#" + index + " " + name() + " [" + type() + "] on " + platform
                    + ": " + device.getMaxComputeUnits() + " compute units, "
                    + mib(device.getGlobalMemSize()) + " MiB global, "
                    + kib(device.getLocalMemSize()) + " KiB local, max work-group "
                    + device.getMaxWorkGroupSize();
        }
    }

    private final List<Entry> devices;
    private final Entry selected;
    private final String problem;

    private DeviceCatalog(List<Entry> devices, Entry selected, String problem) {
        this.devices = devices;
        this.selected = selected;
        this.problem = problem;
    }

    /** Probes Aparapi (loads its native library) and applies {@code request} (the property's value or null). */
    static DeviceCatalog probe(String request) {
        List<Entry> found = new ArrayList<>();
        try {
            if (!OpenCLLoader.isOpenCLAvailable()) {
                return new DeviceCatalog(List.of(), null,
                        "Aparapi's native library (libaparapi) did not load, or found no OpenCL runtime");
            }
            for (OpenCLPlatform p : new OpenCLPlatform().getOpenCLPlatforms()) {
                for (OpenCLDevice d : p.getOpenCLDevices()) {
                    found.add(new Entry(found.size(), p.getName(), p.getVersion(), d));
                }
            }
        } catch (Throwable t) { // UnsatisfiedLinkError, or a JNI failure while listing
            return new DeviceCatalog(List.of(), null, "probing OpenCL through Aparapi failed: " + t);
        }
        if (found.isEmpty()) {
            return new DeviceCatalog(List.of(), null, "no OpenCL platform with a device was found"
                    + " (install an ICD, e.g. pocl-opencl-icd, or a GPU driver)");
        }
        List<Entry> all = List.copyOf(found);
        if (request != null && !request.isBlank()) {
            Entry e = choose(all, request.trim());
            return e == null
                    ? new DeviceCatalog(all, null, PROPERTY + "=" + request + " matches no OpenCL device; devices: "
                            + String.join("; ", all.stream().map(Entry::describe).toList()))
                    : new DeviceCatalog(all, e, null);
        }
        for (Device.TYPE t : new Device.TYPE[] {Device.TYPE.GPU, Device.TYPE.ACC, Device.TYPE.CPU}) {
            for (Entry e : all) {
                if (e.type() == t) {
                    return new DeviceCatalog(all, e, null);
                }
            }
        }
        return new DeviceCatalog(all, all.get(0), null);
    }

    private static Entry choose(List<Entry> all, String request) {
        try {
            int i = Integer.parseInt(request);
            return i >= 0 && i < all.size() ? all.get(i) : null;
        } catch (NumberFormatException notAnIndex) {
            String needle = request.toLowerCase(Locale.ROOT);
            for (Entry e : all) {
                if (e.name().toLowerCase(Locale.ROOT).contains(needle)
                        || e.platform().toLowerCase(Locale.ROOT).contains(needle)) {
                    return e;
                }
            }
            return null;
        }
    }

    List<Entry> devices() {
        return devices;
    }

    /** The chosen device, or null when {@link #problem()} says why there is none. */
    Entry selected() {
        return selected;
    }

    String problem() {
        return problem;
    }

    boolean gpuSelected() {
        return selected != null && selected.type() == Device.TYPE.GPU;
    }

    private static long mib(long bytes) {
        return bytes >> 20;
    }

    private static long kib(long bytes) {
        return bytes >> 10;
    }
}
