package dev.faltung.cli.bench;

import dev.faltung.kernel.Buffer;
import dev.faltung.kernel.DType;
import java.util.SplittableRandom;

/** Seeded uniform [-1, 1) buffers, so every run of a benchmark computes on the same numbers. */
final class RandomData {

    private RandomData() {
    }

    static Buffer uniform(DType dtype, int size, long seed) {
        Buffer b = Buffer.allocate(dtype, size);
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < size; i++) {
            b.set(i, r.nextDouble(-1, 1));
        }
        return b;
    }
}
