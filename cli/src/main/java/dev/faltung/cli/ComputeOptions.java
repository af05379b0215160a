package dev.faltung.cli;

import dev.faltung.kernel.Backend;
import dev.faltung.kernel.Backends;

/**
 * The {@code --backend} and {@code --threads} options shared by commands that compute. Threads
 * must be set before a backend first runs (backends size their worker pools once), so
 * {@link #apply} is called before any tensor is made.
 */
final class ComputeOptions {

    /** The system property backends read for their worker-thread count. */
    static final String THREADS_PROPERTY = "faltung.threads";

    private ComputeOptions() {
    }

    /** Sets the threads property and the default backend from the options; returns the backend in use. */
    static Backend apply(Args args) {
        if (args.has("threads")) {
            int threads = args.getInt("threads", 0);
            if (threads < 1) {
                throw new UsageException("option --threads needs a positive integer, got " + threads);
            }
            System.setProperty(THREADS_PROPERTY, Integer.toString(threads));
        }
        if (args.has("backend")) {
            Backend b;
            try {
                b = Backends.get(args.get("backend", ""));
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            Backends.setDefault(b);
            return b;
        }
        return Backends.defaultBackend();
    }

    /** The worker-thread count in effect. */
    static int threads() {
        String t = System.getProperty(THREADS_PROPERTY);
        if (t != null) {
            try {
                return Integer.parseInt(t.trim());
            } catch (NumberFormatException ignored) {
                // the backend reports a malformed property itself
            }
        }
        return Runtime.getRuntime().availableProcessors();
    }
}
