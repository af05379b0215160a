package dev.faltung.cli.oracle;

import dev.faltung.autodiff.Tensor;
import dev.faltung.nn.io.AtomicFile;
import dev.faltung.nn.io.NdArray;
import dev.faltung.nn.io.Npy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes an oracle run's results all or nothing: every array is encoded first, then each file
 * {@code STEM.npy} is replaced atomically in the output directory (created if missing); if any
 * write fails, the files already written by this run are removed again, and the directory too
 * when this run created it and it is empty.
 */
final class ResultWriter {

    private ResultWriter() {
    }

    /** Writes {@code results} (file stem to tensor) into {@code dir}; returns the files written. */
    static List<Path> writeAll(Path dir, Map<String, Tensor> results) throws IOException {
        Map<Path, byte[]> encoded = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : results.entrySet()) {
            Tensor t = e.getValue();
            encoded.put(dir.resolve(e.getKey() + ".npy"), Npy.encode(NdArray.of(t.buffer(), t.shape())));
        }
        boolean created = !Files.exists(dir);
        List<Path> written = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            for (Map.Entry<Path, byte[]> e : encoded.entrySet()) {
                AtomicFile.write(e.getKey(), e.getValue());
                written.add(e.getKey());
            }
            return written;
        } catch (IOException | RuntimeException e) {
            for (Path p : written) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            if (created) {
                try (var entries = Files.list(dir)) {
                    if (entries.findAny().isEmpty()) {
                        Files.delete(dir);
                    }
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }
}
