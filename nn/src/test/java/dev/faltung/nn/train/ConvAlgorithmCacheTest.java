package dev.faltung.nn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faltung.kernel.DType;
import dev.faltung.kernel.conv.ConvAlgorithm;
import dev.faltung.kernel.conv.ConvDirection;
import dev.faltung.kernel.conv.ConvGeometry;
import dev.faltung.kernel.conv.ConvPlanner;
import dev.faltung.kernel.conv.Padding;
import dev.faltung.kernel.reference.ReferenceKernels;
import dev.faltung.nn.io.MalformedFileException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConvAlgorithmCacheTest {

    private static final ReferenceKernels REF = new ReferenceKernels();
    private static final String MACHINE = "a test CPU; 2 logical CPUs; 2 threads";

    private static ConvGeometry geometry(int k) {
        return ConvGeometry.of(1, 2, 9, 9, k, 5, 5, 1, 1, Padding.SAME, 1, 1, 1);
    }

    private static ConvPlanner.Key key(int k) {
        return new ConvPlanner.Key(REF.getClass().getName(), geometry(k), DType.FLOAT32, ConvDirection.FORWARD);
    }

    private static ConvPlanner timed(int... ks) {
        ConvPlanner planner = new ConvPlanner(ConvPlanner.Mode.BENCHMARK);
        for (int k : ks) planner.resolve(REF, geometry(k), DType.FLOAT32, ConvDirection.FORWARD);
        return planner;
    }

    @Test
    void theDirectoryIsThePropertyThenTheEnvironmentThenXdgThenHomeAndOffTurnsItOff() {
        Map<String, String> env = Map.of("FALTUNG_CACHE", "/env/cache", "XDG_CACHE_HOME", "/xdg");
        assertEquals(Optional.of(Path.of("/prop")), ConvAlgorithmCache.directory("/prop", env, "/home/u"));
        assertEquals(Optional.of(Path.of("/env/cache")), ConvAlgorithmCache.directory(null, env, "/home/u"));
        assertEquals(Optional.of(Path.of("/xdg/faltung")),
                ConvAlgorithmCache.directory(" ", Map.of("XDG_CACHE_HOME", "/xdg"), "/home/u"));
        assertEquals(Optional.of(Path.of("/home/u/.cache/faltung")), ConvAlgorithmCache.directory(null, Map.of(), "/home/u"));
        assertEquals(Optional.empty(), ConvAlgorithmCache.directory("OFF", env, "/home/u"));
        assertEquals(Optional.empty(), ConvAlgorithmCache.directory(null, Map.of("FALTUNG_CACHE", "off"), "/home/u"));
        assertEquals(Optional.empty(), ConvAlgorithmCache.directory(null, Map.of(), "?"), "the JVM's unknown home");
    }

    @Test
    void aSavedRunsChoicesAreReadBackAndALaterRunAddsItsOwn(@TempDir Path dir) throws IOException {
        ConvAlgorithmCache cache = new ConvAlgorithmCache(dir.resolve("made/on/save"), MACHINE);
        assertEquals(Map.of(), cache.read(), "no file: nothing remembered");
        ConvPlanner first = timed(3, 4);
        cache.save(first);
        Map<ConvPlanner.Key, ConvAlgorithm> read = cache.read();
        assertEquals(java.util.Set.of(key(3), key(4)), read.keySet());
        assertEquals(first.choice(REF, geometry(3), DType.FLOAT32, ConvDirection.FORWARD).orElseThrow().algorithm(),
                read.get(key(3)));

        ConvPlanner second = new ConvPlanner(ConvPlanner.Mode.BENCHMARK);
        second.remember(read);
        second.resolve(REF, geometry(4), DType.FLOAT32, ConvDirection.FORWARD); // taken from the cache
        second.resolve(REF, geometry(5), DType.FLOAT32, ConvDirection.FORWARD); // timed
        cache.save(second);
        List<ConvPlanner.Key> now = List.copyOf(cache.read().keySet());
        assertEquals(java.util.Set.of(key(3), key(4), key(5)), java.util.Set.copyOf(now),
                "the first run's layers stay, the new one is added");
        assertEquals(key(5), now.get(2), "as the newest");
        assertEquals(1, Files.list(dir.resolve("made/on/save")).count(), "no temporary file left behind");
    }

    @Test
    void anotherMachinesFileOrAMalformedOneIsReportedWithItsNameAndReplacedByTheNextSave(@TempDir Path dir)
            throws IOException {
        ConvAlgorithmCache mine = new ConvAlgorithmCache(dir, MACHINE);
        ConvAlgorithmCache theirs = new ConvAlgorithmCache(dir, "another CPU; 64 logical CPUs; 64 threads");
        assertFalse(mine.file().equals(theirs.file()), "one file per machine");
        theirs.save(timed(3));
        Files.copy(theirs.file(), mine.file());
        var e = assertThrows(MalformedFileException.class, mine::read);
        assertTrue(e.getMessage().contains(mine.file().toString()) && e.getMessage().contains("another CPU"),
                e.getMessage());

        for (String content : List.of("{\"format\": \"faltung.conv-algorithms/1\", \"machine\": \"" + MACHINE
                + "\", \"choices\": [{\"geometry\": [1, 2]}]}", "[1, 2", "{\"format\": \"something else\"}")) {
            Files.writeString(mine.file(), content);
            var bad = assertThrows(MalformedFileException.class, mine::read, content);
            assertTrue(bad.getMessage().contains(mine.file().toString()), bad.getMessage());
        }
        Files.write(mine.file(), new byte[(int) ConvAlgorithmCache.MAX_BYTES + 1]);
        var big = assertThrows(MalformedFileException.class, mine::read);
        assertTrue(big.getMessage().contains("larger than"), big.getMessage());

        mine.save(timed(4));
        assertEquals(List.of(key(4)), List.copyOf(mine.read().keySet()));
    }

    @Test
    void onlyTheNewestEntriesAreKept(@TempDir Path dir) throws IOException {
        ConvAlgorithmCache cache = new ConvAlgorithmCache(dir, MACHINE);
        int total = ConvAlgorithmCache.MAX_ENTRIES + 3;
        ConvPlanner planner = new ConvPlanner(ConvPlanner.Mode.BENCHMARK);
        java.util.Map<ConvPlanner.Key, ConvAlgorithm> many = new java.util.LinkedHashMap<>();
        for (int k = 1; k <= total; k++) many.put(key(k), ConvAlgorithm.DIRECT);
        // The older entries come through the file itself: timing thousands of layers would be slow.
        String entries = ConvChoices.toJson(many.entrySet().stream().map(e -> new ConvPlanner.Choice(e.getKey(),
                e.getValue(), ConvPlanner.Mode.PINNED, Map.of(), Map.of())).toList());
        Files.writeString(cache.file(), "{\"format\": \"" + ConvAlgorithmCache.FORMAT + "\", \"machine\": \"" + MACHINE
                + "\", \"choices\": " + entries + "}");
        ConvGeometry newest = ConvGeometry.of(1, 1, 6, 6, 1, 3, 3, 1, 1, Padding.SAME, 1, 1, 1);
        planner.resolve(REF, newest, DType.FLOAT32, ConvDirection.FORWARD);
        cache.save(planner);
        List<ConvPlanner.Key> kept = List.copyOf(cache.read().keySet());
        assertEquals(ConvAlgorithmCache.MAX_ENTRIES, kept.size());
        assertEquals(newest, kept.get(kept.size() - 1).geometry(), "the newest is kept");
        assertEquals(key(5), kept.get(0), "the four oldest went");
    }
}
