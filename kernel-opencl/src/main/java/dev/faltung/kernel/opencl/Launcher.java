package dev.faltung.kernel.opencl;

import com.aparapi.Config;
import com.aparapi.Kernel;
import com.aparapi.Range;
import com.aparapi.device.Device;
import com.aparapi.device.OpenCLDevice;
import com.aparapi.internal.kernel.KernelManager;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Runs Aparapi kernels on one OpenCL device and refuses every silent fallback: Aparapi answers
 * a failed translation, build or launch by re-running the kernel on a Java thread pool (or by
 * an {@link AssertionError} when the range names a device); either becomes an
 * {@link IllegalStateException} naming the op, the device and Aparapi's reason. Every launch and
 * every explicit transfer goes through here and is counted ({@link #traffic()}), so tests can
 * hold a layer to one launch, one upload of its inputs and one download of its results.
 * Thread-safe as long as callers hold the kernel's monitor while setting its fields and launching.
 */
final class Launcher {

    /** Work-items per work-group for 1-D launches. */
    static final int GROUP = 64;

    private static final Logger APARAPI_LOG = Logger.getLogger(Config.getLoggerName());
    private static final WarningCapture WARNINGS = new WarningCapture();

    /** The first failure of each kernel class: Aparapi then refuses the device for it with a bare AssertionError. */
    private static final Map<Class<?>, String> FIRST_FAILURE = new ConcurrentHashMap<>();

    static {
        // Aparapi logs every fallback as a WARNING (with a stack trace) and then carries on; we
        // keep the text for our exception instead of printing it. INFO is on for the two lines
        // that say whether a program was compiled or its cached binary reused.
        APARAPI_LOG.setUseParentHandlers(false);
        APARAPI_LOG.setLevel(Level.INFO);
        APARAPI_LOG.addHandler(WARNINGS);
    }

    private final OpenCLDevice device;
    private final String deviceName;
    private final AtomicLong launches = new AtomicLong();
    private final AtomicLong passes = new AtomicLong();
    private final AtomicLong uploads = new AtomicLong();
    private final AtomicLong uploadedBytes = new AtomicLong();
    private final AtomicLong downloads = new AtomicLong();
    private final AtomicLong downloadedBytes = new AtomicLong();

    /**
     * Counts since this launcher was made: {@code launches} calls of {@code execute}, {@code passes}
     * kernel passes they ran, and the arrays (and bytes) explicitly put to or got from the device.
     * Aparapi also copies an array to the device when it first meets it in a field (it creates
     * the buffer from the host array); those implicit copies are not counted.
     */
    record Traffic(long launches, long passes, long uploads, long uploadedBytes, long downloads, long downloadedBytes) {
        Traffic minus(Traffic before) {
            return new Traffic(launches - before.launches, passes - before.passes, uploads - before.uploads,
                    uploadedBytes - before.uploadedBytes, downloads - before.downloads,
                    downloadedBytes - before.downloadedBytes);
        }
    }

    Launcher(OpenCLDevice device) {
        this.device = device;
        this.deviceName = device.getName();
    }

    OpenCLDevice device() {
        return device;
    }

    /** Pins {@code kernel} to this device and turns on explicit transfers; call once per kernel instance. */
    <K extends Kernel> K adopt(K kernel) {
        kernel.setExplicit(true);
        KernelManager.instance().setPreferredDevices(kernel, new LinkedHashSet<>(List.of(device)));
        return kernel;
    }

    /** A 1-D range covering {@code n} work-items, padded to whole groups (kernels guard {@code id < n}). */
    Range range1(int n) {
        int local = Math.min(GROUP, device.getMaxWorkGroupSize());
        return Range.create(device, roundUp(Math.max(n, 1), local), local);
    }

    /**
     * Elements per work-item for the element-wise kernels: 1 on a GPU (neighbouring items read
     * neighbouring elements), a contiguous run of up to 256 on a CPU device, where each item is
     * a loop iteration on one core and a run lets PoCL's compiler vectorise it.
     */
    int perItem(int n) {
        if (device.getType() != Device.TYPE.CPU) {
            return 1;
        }
        return Math.max(1, Math.min(256, n / (64 * Math.max(1, device.getMaxComputeUnits()))));
    }

    /** A 1-D range of {@code groups} whole work-groups of {@code local} items. */
    Range groups(int groups, int local) {
        return Range.create(device, Math.max(groups, 1) * local, local);
    }

    /** A 3-D range of {@code localX×localY×1} groups covering {@code x×y×z}. */
    Range range3(int x, int y, int z, int localX, int localY) {
        return Range.create3D(device, roundUp(Math.max(x, 1), localX), roundUp(Math.max(y, 1), localY), Math.max(z, 1),
                localX, localY, 1);
    }

    /** The transfer and launch counts so far. */
    Traffic traffic() {
        return new Traffic(launches.get(), passes.get(), uploads.get(), uploadedBytes.get(), downloads.get(),
                downloadedBytes.get());
    }

    /** Marks {@code arrays}, bound to fields of {@code kernel}, for copying to the device at its next launch. */
    void upload(Kernel kernel, float[]... arrays) {
        for (float[] a : arrays) {
            kernel.put(a);
            count(uploads, uploadedBytes, 4L * a.length);
        }
    }

    void upload(Kernel kernel, int[]... arrays) {
        for (int[] a : arrays) {
            kernel.put(a);
            count(uploads, uploadedBytes, 4L * a.length);
        }
    }

    /** Copies {@code array} (bound to a field of {@code kernel}) back from the device. */
    void download(Kernel kernel, float[] array) {
        kernel.get(array);
        count(downloads, downloadedBytes, 4L * array.length);
    }

    void download(Kernel kernel, int[] array) {
        kernel.get(array);
        count(downloads, downloadedBytes, 4L * array.length);
    }

    void download(Kernel kernel, long[] array) {
        kernel.get(array);
        count(downloads, downloadedBytes, 8L * array.length);
    }

    private static void count(AtomicLong items, AtomicLong bytes, long size) {
        items.incrementAndGet();
        bytes.addAndGet(size);
    }

    /** Executes {@code kernel} over {@code range}; throws when it did not run on this device. */
    void run(String op, Kernel kernel, Range range) {
        run(op, kernel, range, 1);
    }

    /**
     * Executes {@code passes} passes of {@code kernel} over {@code range} in one launch (the kernel
     * reads {@code getPassId()}); Aparapi keeps the arrays pinned and on the device from the
     * first pass to the last. Throws when it did not run on this device.
     */
    void run(String op, Kernel kernel, Range range, int passes) {
        WARNINGS.clear();
        launches.incrementAndGet();
        this.passes.addAndGet(passes);
        try {
            kernel.execute(range, passes);
        } catch (Throwable t) { // Aparapi's fallback path ends in AssertionError for device-bound ranges
            throw new IllegalStateException("opencl: " + op + " could not run on " + deviceName + ": "
                    + failure(kernel, WARNINGS.lastOr(t.toString())), t);
        }
        String reason = fallbackReason(kernel, device, WARNINGS.lastOr(null));
        if (reason != null) {
            throw new IllegalStateException("opencl: " + op + " " + failure(kernel, reason));
        }
    }

    /** {@code reason}, and the kernel class's first failure when this is a later one. */
    private static String failure(Kernel kernel, String reason) {
        String first = FIRST_FAILURE.putIfAbsent(kernel.getClass(), reason);
        return first == null || first.equals(reason) ? reason
                : reason + " (Aparapi gave up on the device for " + kernel.getClass().getSimpleName()
                        + " after its first failure: " + first + ")";
    }

    /**
     * OpenCL programs Aparapi compiled in this JVM, per kernel class: it builds each class once
     * per device and reuses the binary for every later instance (its binary cache is keyed by
     * class and device), and each instance compiles at most once.
     */
    static Map<String, Integer> programBuilds() {
        return WARNINGS.builds();
    }

    /**
     * Null when {@code kernel}'s last execution ran on {@code expected}; otherwise why not. Aparapi
     * marks a device failed for the kernel class and moves its preference to the next device,
     * finally Java threads ({@code getTargetDevice()} is then a {@code JavaDevice}).
     */
    static String fallbackReason(Kernel kernel, Device expected, String warning) {
        List<Device> failed = KernelManager.instance().getPreferences(kernel).getFailedDevices();
        Device target = kernel.getTargetDevice();
        String because = warning == null ? "" : " (Aparapi: " + warning + ")";
        if (failed.contains(expected)) {
            return "failed on " + describe(expected) + " and Aparapi fell back to " + describe(target) + because;
        }
        if (!kernel.isRunningCL()) {
            return "ran on Java threads (" + describe(target) + "), not OpenCL" + because;
        }
        if (target != expected) {
            return "ran on " + describe(target) + " instead of " + describe(expected) + because;
        }
        return null;
    }

    private static String describe(Device d) {
        if (d == null) {
            return "no device";
        }
        return d instanceof OpenCLDevice cl ? "OpenCL device " + cl.getName() : d.getShortDescription();
    }

    static int roundUp(int n, int multiple) {
        return (n + multiple - 1) / multiple * multiple;
    }

    /** Keeps the WARNING and SEVERE messages Aparapi logged since the last {@link #clear()}, and counts program builds. */
    private static final class WarningCapture extends Handler {
        private static final String COMPILING = "compiling new binary for ";
        private final StringBuilder seen = new StringBuilder();
        private final Map<String, Integer> builds = new TreeMap<>();

        synchronized Map<String, Integer> builds() {
            return Map.copyOf(builds);
        }

        synchronized void clear() {
            seen.setLength(0);
        }

        synchronized String lastOr(String fallback) {
            return seen.isEmpty() ? fallback : seen.toString();
        }

        @Override
        public synchronized void publish(LogRecord record) {
            String message = String.valueOf(record.getMessage());
            if (message.startsWith(COMPILING)) {
                // The key is "fully.qualified.KernelClass:deviceId".
                String key = message.substring(COMPILING.length());
                int colon = key.lastIndexOf(':');
                builds.merge(colon < 0 ? key : key.substring(key.lastIndexOf('.', colon) + 1, colon), 1, Integer::sum);
            }
            // Class-file attributes Aparapi's parser does not know (NestHost, MethodParameters) are noise.
            if (record.getLevel().intValue() >= Level.WARNING.intValue()
                    && !String.valueOf(record.getMessage()).startsWith("Found unexpected Attribute")) {
                if (!seen.isEmpty()) {
                    seen.append("; ");
                }
                seen.append(record.getMessage());
                if (record.getThrown() != null) {
                    seen.append(": ").append(record.getThrown());
                }
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
