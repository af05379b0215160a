package dev.faltung.nn.io;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** Locates the Python-made fixtures under src/test/resources/dev/faltung/nn/io. */
final class IoFixtures {

    private IoFixtures() {
    }

    static Path fixture(String name) {
        try {
            return Path.of(IoFixtures.class.getResource(name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing test fixture " + name
                    + " (regenerate with nn/src/test/python/make_fixtures.py)", e);
        }
    }
}
