package dev.faltung.autodiff;

import dev.faltung.kernel.Backend;
import dev.faltung.kernel.Backends;
import dev.faltung.kernel.Kernels;

/**
 * Which backend tensor operations run on. Tensors live in heap buffers that every backend can
 * read, so the backend is a property of the computation, not of the tensor: by default
 * {@link Backends#defaultBackend()}, and within {@code try (var s = Compute.use(backend))} the
 * given one (per thread, nestable).
 */
public final class Compute implements AutoCloseable {

    private static final ThreadLocal<Backend> CURRENT = new ThreadLocal<>();

    private final Backend previous;
    private boolean closed;

    private Compute(Backend previous) {
        this.previous = previous;
    }

    /** Runs this thread's operations on {@code backend} until the returned scope is closed. */
    public static Compute use(Backend backend) {
        if (!backend.availability().available()) {
            throw new IllegalStateException("backend '" + backend.name() + "' is unavailable: "
                    + backend.availability().reason());
        }
        Compute scope = new Compute(CURRENT.get());
        CURRENT.set(backend);
        return scope;
    }

    /** The backend operations on this thread run on now. */
    public static Backend backend() {
        Backend b = CURRENT.get();
        return b != null ? b : Backends.defaultBackend();
    }

    static Kernels kernels() {
        return backend().kernels();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }
}
