package dev.faltung.nn.data;

import java.io.IOException;

/** The CLI's choice of data: the embedded synthetic shapes by default, else what {@code --data} names. */
public final class Datasets {

    private Datasets() {
    }

    /**
     * Loads the training and test data for {@code --data}: null or empty gives the embedded
     * {@link SyntheticShapes#standard} set generated from {@code seed}; {@code mnist},
     * {@code fashion-mnist} or a directory are resolved by {@link IdxDatasets#resolve}, whose
     * error says how to obtain missing data.
     */
    public static TrainTest load(String data, long seed) throws IOException {
        if (data == null || data.isBlank()) {
            return SyntheticShapes.standard(seed);
        }
        return IdxDatasets.load(data.strip());
    }

    /**
     * Loads only the test set of {@code data}, as {@link #load} names it: evaluating needs no
     * training images, so a directory needs only the two {@code t10k} files.
     */
    public static LabelledImages loadTest(String data, long seed) throws IOException {
        if (data == null || data.isBlank()) {
            return SyntheticShapes.standardTest(seed);
        }
        return IdxDatasets.loadTest(data.strip());
    }

    /** A one-line description of what {@link #load} will use, for logs and {@code ./faltung info}. */
    public static String describe(String data) {
        return data == null || data.isBlank()
                ? "embedded synthetic shapes (10 classes, 28x28 grayscale, 6000 train / 1000 test)"
                : "IDX dataset '" + data.strip() + "'";
    }
}
