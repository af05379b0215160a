package dev.faltung.cli.bench;

import dev.faltung.cli.Args;
import dev.faltung.cli.UsageException;
import dev.faltung.kernel.Backend;
import dev.faltung.kernel.Backends;
import dev.faltung.kernel.DType;
import dev.faltung.kernel.KernelFamily;
import dev.faltung.kernel.Kernels;
import java.io.PrintStream;

/**
 * The backend a bench run measures and the number of threads it really computes with, which
 * is what the result reports, whatever {@code --threads} asked for; null for a backend whose
 * runtime decides (OpenCL: the driver, e.g. PoCL's {@code POCL_MAX_PTHREAD_COUNT}).
 */
record BenchBackend(Backend backend, Kernels kernels, Integer threads) {

    /** The system property the multi-threaded backends read their thread count from. */
    static final String THREADS_PROPERTY = "faltung.threads";

    /**
     * Applies {@code --threads} (before any backend builds its thread pool) and picks
     * {@code --backend} or the default one. An unknown backend is a usage error; an unavailable
     * one fails with its reason.
     */
    static BenchBackend select(Args args, PrintStream err) {
        int requested = 0;
        if (args.has("threads")) {
            requested = args.getInt("threads", 0);
            if (requested < 1) {
                throw new UsageException("option --threads needs a positive integer, got " + requested);
            }
            System.setProperty(THREADS_PROPERTY, Integer.toString(requested));
        }
        Backend backend;
        try {
            backend = args.has("backend") ? Backends.get(args.require("backend")) : Backends.defaultBackend();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        Kernels kernels = backend.kernels();
        Integer threads = threadsOf(backend);
        if (requested > 0 && threads == null) {
            err.println("faltung bench: note: backend " + backend.name() + " takes no thread count; its runtime"
                    + " decides (PoCL: environment variable POCL_MAX_PTHREAD_COUNT)");
        } else if (requested > 0 && requested != threads) {
            err.println("faltung bench: note: backend " + backend.name() + " computes on " + threads
                    + " thread(s); --threads " + requested + " does not apply to it");
        }
        return new BenchBackend(backend, kernels, threads);
    }

    /**
     * The worker count a backend states in its {@code threads} detail ("2 (system property
     * ...)"); 1 for the reference backend, which computes on the calling thread by design; null
     * for any other backend that states none.
     */
    static Integer threadsOf(Backend backend) {
        String text = backend.details().get("threads");
        if (text == null) {
            return backend.name().equals("reference") ? Integer.valueOf(1) : null;
        }
        int end = 0;
        while (end < text.length() && Character.isDigit(text.charAt(end))) {
            end++;
        }
        if (end == 0) {
            throw new IllegalStateException("backend " + backend.name() + " reports threads '" + text
                    + "', which does not start with a number");
        }
        return Integer.parseInt(text.substring(0, end));
    }

    static DType dtype(Args args) {
        try {
            return DType.parse(args.get("dtype", "float32"));
        } catch (IllegalArgumentException e) {
            throw new UsageException("option --dtype: " + e.getMessage());
        }
    }

    /** Whether the backend computes {@code family} itself rather than handing it to the reference backend. */
    boolean computes(KernelFamily family, DType dtype) {
        return backend.supports(family, dtype);
    }

    String label() {
        return backend.name() + (threads == null ? " (threads set by its runtime)"
                : " (" + threads + " thread" + (threads == 1 ? "" : "s") + ")");
    }

    /** What the backend says about where it runs: its availability reason names the device. */
    String status() {
        return backend.availability().reason();
    }
}
