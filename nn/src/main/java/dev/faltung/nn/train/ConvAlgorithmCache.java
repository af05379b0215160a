package dev.faltung.nn.train;

import dev.faltung.kernel.conv.ConvAlgorithm;
import dev.faltung.kernel.conv.ConvPlanner;
import dev.faltung.nn.io.AtomicFile;
import dev.faltung.nn.io.Json;
import dev.faltung.nn.io.MalformedFileException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The convolution algorithms AUTO timed on this machine, kept between runs as cuDNN's and
 * MIOpen's find databases keep theirs. AUTO times every candidate at a layer's first use: for
 * the Fashion-MNIST CNN on two cores that is the first 7-9 s of a run, spent running vector code
 * before the JIT has compiled it, which is also most of the run's garbage. A run whose layers are
 * here takes their algorithms ({@link ConvPlanner#remember}) and times only new ones.
 *
 * <p>One file per machine, named by a hash of what a choice depends on: the CPU, its logical
 * processors, the compute threads and the JVM (two threads on one CPU say nothing about eight on
 * another). It holds {@code {"format", "machine", "choices"}}, the choices as in
 * {@link ConvChoices}. The cache is an optimisation: a missing file is empty, and an unreadable,
 * oversized or malformed one, or one for another machine, is reported by {@link #read} and
 * replaced by the next {@link #save}.
 */
public final class ConvAlgorithmCache {

    /** The file's {@code format} value. */
    public static final String FORMAT = "faltung.conv-algorithms/1";

    /** System property naming the cache directory, or {@code off}; before {@link #ENV}. */
    public static final String PROPERTY = "faltung.cache";

    /** Environment variable naming the cache directory, or {@code off}. */
    public static final String ENV = "FALTUNG_CACHE";

    /** A run meets tens of layer shapes; a file this large is not one this class wrote. */
    static final long MAX_BYTES = 1 << 22;

    /** Entries kept; past it the oldest go, so the file cannot grow without end. */
    static final int MAX_ENTRIES = 4096;

    private final Path file;
    private final String machine;

    /** The cache of {@code machine} (see {@link #machine}) in {@code directory}. */
    public ConvAlgorithmCache(Path directory, String machine) {
        this.machine = machine;
        this.file = directory.resolve("conv-algorithms-" + hash(machine) + ".json");
    }

    /**
     * The cache directory: the system property {@value #PROPERTY}, else the environment variable
     * {@value #ENV}, else {@code $XDG_CACHE_HOME/faltung}, else {@code ~/.cache/faltung}; empty
     * when the setting is {@code off} or no home is known.
     */
    public static Optional<Path> directory(String property, Map<String, String> env, String userHome) {
        String setting = property != null && !property.isBlank() ? property : env.get(ENV);
        if (setting != null && !setting.isBlank()) {
            return setting.trim().equalsIgnoreCase("off") ? Optional.empty() : Optional.of(Path.of(setting.trim()));
        }
        String xdg = env.get("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Optional.of(Path.of(xdg, "faltung"));
        }
        // The JVM reports an unknown home as "?", which would make a directory of that name here.
        boolean noHome = userHome == null || userHome.isBlank() || userHome.equals("?");
        return noHome ? Optional.empty() : Optional.of(Path.of(userHome, ".cache", "faltung"));
    }

    /** What the choices of a run with {@code threads} compute threads depend on, in words. */
    public static String machine(int threads) {
        return cpuModel() + "; " + Runtime.getRuntime().availableProcessors() + " logical CPUs; " + threads
                + " threads; " + System.getProperty("os.arch") + "; Java " + Runtime.version();
    }

    public Path file() {
        return file;
    }

    /**
     * The choices in the file, in the order written; empty when there is no file.
     *
     * @throws IOException naming the file when it cannot be read or is not a cache of this machine
     */
    public Map<ConvPlanner.Key, ConvAlgorithm> read() throws IOException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes((int) MAX_BYTES + 1);
        } catch (NoSuchFileException e) {
            return Map.of();
        }
        if (bytes.length > MAX_BYTES) {
            throw new MalformedFileException(file, "larger than the " + MAX_BYTES + " bytes a cache of convolution "
                    + "algorithms can be");
        }
        try {
            if (!(Json.parse(new String(bytes, StandardCharsets.UTF_8)) instanceof Map<?, ?> m)) {
                throw new IllegalArgumentException("not a JSON object");
            }
            if (!FORMAT.equals(m.get("format"))) {
                throw new IllegalArgumentException("format is " + m.get("format") + ", not " + FORMAT);
            }
            if (!machine.equals(m.get("machine"))) {
                throw new IllegalArgumentException("made for '" + m.get("machine") + "', not '" + machine + "'");
            }
            return ConvChoices.fromList(m.get("choices"));
        } catch (IllegalArgumentException e) {
            throw new MalformedFileException(file, e.getMessage(), e);
        }
    }

    /**
     * Adds the choices {@code planner} timed to the file, atomically: the file's entries stay
     * (a run meets only its own layers) unless the planner timed their key again. A file that
     * cannot be read is replaced.
     */
    public void save(ConvPlanner planner) throws IOException {
        Map<ConvPlanner.Key, ConvAlgorithm> merged;
        try {
            merged = new LinkedHashMap<>(read());
        } catch (IOException e) {
            merged = new LinkedHashMap<>();
        }
        boolean changed = false;
        for (ConvPlanner.Choice c : planner.choices().values()) {
            if (c.mode() == ConvPlanner.Mode.BENCHMARK) {
                merged.remove(c.key()); // timed again: moves to the end, the newest
                merged.put(c.key(), c.algorithm());
                changed = true;
            }
        }
        if (!changed) {
            return;
        }
        List<ConvPlanner.Choice> entries = new ArrayList<>();
        merged.forEach((key, algorithm) -> entries.add(
                new ConvPlanner.Choice(key, algorithm, ConvPlanner.Mode.PINNED, Map.of(), Map.of())));
        List<ConvPlanner.Choice> kept = entries.subList(Math.max(0, entries.size() - MAX_ENTRIES), entries.size());
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("format", FORMAT);
        content.put("machine", machine);
        content.put("choices", ConvChoices.toList(kept));
        Files.createDirectories(file.getParent());
        AtomicFile.write(file, (Json.write(content) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.toLowerCase(Locale.ROOT).startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or not readable: the OS's name and architecture below must do
        }
        String id = System.getenv("PROCESSOR_IDENTIFIER");
        return id != null ? id : System.getProperty("os.name");
    }

    private static String hash(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
