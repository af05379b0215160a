package dev.faltung.kernel.opencl;

import com.aparapi.Config;
import com.aparapi.Kernel;
import com.aparapi.Range;
import com.aparapi.device.Device;
import com.aparapi.device.OpenCLDevice;
import com.aparapi.internal.kernel.KernelManager;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Runs Aparapi kernels on one OpenCL device and refuses every silent fallback: Aparapi answers
 * a failed translation, build or launch by re-running the kernel on a Java thread pool (or by
 * an {@link AssertionError} when the range names a device); either becomes an
 * {@link IllegalStateException} naming the op, the device and Aparapi's reason. Thread-safe
 * as long as callers hold the kernel's monitor while setting its fields and launching.
 */
final class Launcher {

    /** Work-items per work-group for 1-D launches. */
    static final int GROUP = 64;

    private static final Logger APARAPI_LOG = Logger.getLogger(Config.getLoggerName());
    private static final WarningCapture WARNINGS = new WarningCapture();

    static {
        // Aparapi logs every fallback as a WARNING (with a stack trace) and then carries on; we
        // keep the text for our exception instead of printing it.
        APARAPI_LOG.setUseParentHandlers(false);
        APARAPI_LOG.setLevel(Level.WARNING);
        APARAPI_LOG.addHandler(WARNINGS);
    }

    private final OpenCLDevice device;
    private final String deviceName;

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

    /** A 3-D range of {@code localX×localY×1} groups covering {@code x×y×z}. */
    Range range3(int x, int y, int z, int localX, int localY) {
        return Range.create3D(device, roundUp(Math.max(x, 1), localX), roundUp(Math.max(y, 1), localY), Math.max(z, 1),
                localX, localY, 1);
    }

    /** Executes {@code kernel} over {@code range}; throws when it did not run on this device. */
    void run(String op, Kernel kernel, Range range) {
        WARNINGS.clear();
        try {
            kernel.execute(range);
        } catch (Throwable t) { // Aparapi's fallback path ends in AssertionError for device-bound ranges
            throw new IllegalStateException("opencl: " + op + " could not run on " + deviceName + ": "
                    + WARNINGS.lastOr(t.toString()), t);
        }
        String reason = fallbackReason(kernel, device, WARNINGS.lastOr(null));
        if (reason != null) {
            throw new IllegalStateException("opencl: " + op + " " + reason);
        }
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

    /** Keeps the WARNING and SEVERE messages Aparapi logged since the last {@link #clear()}. */
    private static final class WarningCapture extends Handler {
        private final StringBuilder seen = new StringBuilder();

        synchronized void clear() {
            seen.setLength(0);
        }

        synchronized String lastOr(String fallback) {
            return seen.isEmpty() ? fallback : seen.toString();
        }

        @Override
        public synchronized void publish(LogRecord record) {
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
