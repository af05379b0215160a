package dev.faltung.nn.train;

import dev.faltung.nn.data.Augmentations;
import dev.faltung.nn.data.DataLoader;
import dev.faltung.nn.data.LabelledImages;
import dev.faltung.nn.data.Normalisation;
import dev.faltung.nn.data.SyntheticShapes;
import dev.faltung.nn.layers.Conv2d;
import dev.faltung.nn.layers.Dense;
import dev.faltung.nn.layers.Dropout;
import dev.faltung.nn.layers.Flatten;
import dev.faltung.nn.layers.MaxPool2d;
import dev.faltung.nn.layers.ReLU;
import dev.faltung.nn.layers.Sequential;
import java.util.List;
import java.util.Map;

/** A tiny CNN with dropout and a small slice of the embedded shapes, shared by the training tests. */
final class TrainingFixtures {

    static final long SEED = 7;

    private TrainingFixtures() {
    }

    /** conv(1→4, 3x3) → relu → maxpool 2 → flatten → dropout 0.25 → dense(4·13·13 → 10). */
    static Sequential model(long seed) {
        return new Sequential(new Conv2d(1, 4, 3, seed), new ReLU(), new MaxPool2d(2), new Flatten(),
                new Dropout(0.25, seed + 1), new Dense(4 * 13 * 13, 10, seed + 2));
    }

    static LabelledImages images(int n, int split) {
        return SyntheticShapes.images(n, 11L, split);
    }

    /** A shuffled, augmented loader, so resuming has to reproduce both. */
    static DataLoader trainLoader(LabelledImages data) {
        return new DataLoader(data, 16, true, SEED, Augmentations.translate(2), Normalisation.fit(data));
    }

    static DataLoader evalLoader(LabelledImages data, LabelledImages fittedOn) {
        return DataLoader.forEvaluation(data, 32, Normalisation.fit(fittedOn));
    }

    static ModelInfo info(LabelledImages train) {
        return new ModelInfo("test-cnn", new int[] {1, 28, 28}, SyntheticShapes.CLASSES, model(1).toString(),
                "float32", "sgd", Map.of("lr", 0.05, "momentum", 0.9), SEED, Normalisation.fit(train),
                Map.of("batch", 16, "augment", List.of("translate=2")));
    }
}
