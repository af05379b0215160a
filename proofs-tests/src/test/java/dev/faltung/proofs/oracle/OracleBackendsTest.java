package dev.faltung.proofs.oracle;

import dev.faltung.kernel.Availability;
import dev.faltung.kernel.Backend;
import dev.faltung.kernel.Backends;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every backend found on the class path, chosen with {@code --backend NAME} as a user would,
 * agrees with PyTorch and SciPy on every oracle fixture within the same tolerances as the
 * reference backend. A backend unavailable here is reported as skipped with its reason.
 */
class OracleBackendsTest {

    @TempDir
    Path temp;

    @TestFactory
    Stream<DynamicNode> everyOtherBackendMatchesTheFixtures() {
        return Backends.all().stream().filter(b -> !b.name().equals("reference")).map(this::backend);
    }

    private DynamicNode backend(Backend b) {
        Availability a = b.availability();
        if (!a.available()) {
            return DynamicTest.dynamicTest(b.name() + " (unavailable)",
                    () -> Assumptions.abort("backend " + b.name() + " is unavailable: " + a.reason()));
        }
        return DynamicContainer.dynamicContainer(b.name(), OracleFixturesTest.fixtures().stream().map(f ->
                DynamicTest.dynamicTest(f.name() + " --backend " + b.name(), () -> OracleFixturesTest.check(f,
                        temp.resolve(b.name() + "-" + f.name()), List.of("--backend", b.name())))));
    }
}
