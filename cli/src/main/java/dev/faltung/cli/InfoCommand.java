package dev.faltung.cli;

import dev.faltung.kernel.Availability;
import dev.faltung.kernel.Backend;
import dev.faltung.kernel.Backends;
import dev.faltung.kernel.DType;
import dev.faltung.kernel.KernelFamily;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code faltung info}: version, Java, and every backend with its availability. */
final class InfoCommand implements Command {

    @Override
    public String name() {
        return "info";
    }

    @Override
    public String summary() {
        return "version, Java, and each backend with its availability";
    }

    @Override
    public String usage() {
        return "usage: faltung info\n  Prints the version, the Java runtime, and every backend found with its\n"
                + "  availability (and the reason when unavailable), dtypes and delegated kernels.";
    }

    @Override
    public int run(List<String> argv, PrintStream out, PrintStream err) {
        Args.parse(argv, Set.of(), Set.of());
        out.println("Faltung " + Version.get());
        out.println("Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ", "
                + System.getProperty("java.home") + ")");
        out.println("OS " + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", "
                + Runtime.getRuntime().availableProcessors() + " processors, max heap "
                + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB");
        String chosen;
        try {
            chosen = Backends.defaultBackend().name();
        } catch (RuntimeException e) {
            chosen = "none (" + e.getMessage() + ")";
        }
        out.println("Default backend: " + chosen);
        out.println("Backends:");
        for (Backend b : Backends.all()) {
            Availability a = b.availability();
            out.printf("  %-10s %s%n", b.name(), a.available() ? "available" : "UNAVAILABLE");
            out.println("             " + b.description());
            out.println("             " + (a.available() ? "" : "reason: ") + a.reason());
            if (a.available()) {
                out.println("             priority " + b.priority() + ", dtypes " + b.dtypes());
                List<String> delegated = new ArrayList<>();
                for (DType d : DType.values()) {
                    for (KernelFamily f : KernelFamily.values()) {
                        if (!b.supports(f, d)) {
                            delegated.add(f.name().toLowerCase() + "/" + d);
                        }
                    }
                }
                if (!delegated.isEmpty()) {
                    out.println("             delegated to reference: " + String.join(", ", delegated));
                }
                for (Map.Entry<String, String> e : b.details().entrySet()) {
                    out.println("             " + e.getKey() + ": " + e.getValue());
                }
            }
        }
        return 0;
    }
}
