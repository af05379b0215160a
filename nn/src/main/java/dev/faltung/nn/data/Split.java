package dev.faltung.nn.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/** A seeded partition of a dataset into training and validation parts. */
public record Split(LabelledImages train, LabelledImages validation) {

    /**
     * Holds out {@code fraction} of {@code data} (rounded down) as validation, chosen by a
     * Fisher–Yates shuffle seeded with {@code seed}; both parts keep the dataset's original order.
     */
    public static Split of(LabelledImages data, double fraction, long seed) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException("Split.of: validation fraction " + fraction + " is not in [0, 1)");
        }
        int n = data.size();
        int v = (int) Math.floor(n * fraction);
        int[] perm = DataLoader.permutation(n, new SplittableRandom(seed));
        int[] val = Arrays.copyOf(perm, v);
        int[] train = Arrays.copyOfRange(perm, v, n);
        Arrays.sort(val);
        Arrays.sort(train);
        return new Split(data.subset(train), data.subset(val));
    }
}
