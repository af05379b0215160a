package dev.faltung.kernel;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * Finds backends and chooses one. Selection order: an explicit name in code ({@link #get}),
 * the system property {@code faltung.backend}, the environment variable {@code FALTUNG_BACKEND},
 * otherwise the available backend with the highest priority. Asking for an unknown or
 * unavailable backend throws; nothing falls back silently.
 */
public final class Backends {

    public static final String PROPERTY = "faltung.backend";
    public static final String ENVIRONMENT = "FALTUNG_BACKEND";

    private static volatile List<Backend> discovered;
    private static volatile Backend defaultBackend;

    private Backends() {
    }

    /** Every backend on the class path, available or not, highest priority first. */
    public static List<Backend> all() {
        List<Backend> list = discovered;
        if (list == null) {
            synchronized (Backends.class) {
                if (discovered == null) {
                    List<Backend> found = new ArrayList<>();
                    ServiceLoader.load(Backend.class, Backends.class.getClassLoader()).forEach(found::add);
                    found.sort(Comparator.comparingInt(Backend::priority).reversed().thenComparing(Backend::name));
                    discovered = List.copyOf(found);
                }
                list = discovered;
            }
        }
        return list;
    }

    /**
     * The backend called {@code name}. Throws {@link IllegalArgumentException} naming the known
     * backends when there is none, and {@link IllegalStateException} with the reason when it is
     * unavailable here.
     */
    public static Backend get(String name) {
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        for (Backend b : all()) {
            if (b.name().equals(wanted)) {
                Availability a = b.availability();
                if (!a.available()) {
                    throw new IllegalStateException("backend '" + b.name() + "' is unavailable: " + a.reason());
                }
                return b;
            }
        }
        throw new IllegalArgumentException("unknown backend '" + name + "'; known backends: "
                + all().stream().map(Backend::name).collect(Collectors.joining(", ")));
    }

    /** The scalar reference backend, always available. */
    public static Backend reference() {
        return get("reference");
    }

    /** The backend chosen by property, environment or priority (see the class comment); cached. */
    public static Backend defaultBackend() {
        Backend b = defaultBackend;
        if (b == null) {
            synchronized (Backends.class) {
                if (defaultBackend == null) {
                    defaultBackend = choose(System.getProperty(PROPERTY), System.getenv(ENVIRONMENT));
                }
                b = defaultBackend;
            }
        }
        return b;
    }

    /** Replaces the process-wide default (the command line's {@code --backend}). */
    public static void setDefault(Backend backend) {
        if (!backend.availability().available()) {
            throw new IllegalStateException("backend '" + backend.name() + "' is unavailable: "
                    + backend.availability().reason());
        }
        defaultBackend = backend;
    }

    static Backend choose(String property, String environment) {
        if (property != null && !property.isBlank()) {
            return get(property);
        }
        if (environment != null && !environment.isBlank()) {
            return get(environment);
        }
        for (Backend b : all()) {
            if (b.availability().available()) {
                return b;
            }
        }
        throw new IllegalStateException("no backend is available; found: " + all().stream()
                .map(b -> b.name() + " (" + b.availability() + ")").collect(Collectors.joining(", ")));
    }
}
