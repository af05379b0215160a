package dev.faltung.nn.data;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataLoaderTest {

    private static final LabelledImages DATA = SyntheticShapes.images(103, 5, 0);
    private static final Augmentation AUGMENT = Augmentations.parse("flip,translate=2,rotate=10,erase", DATA);

    private static List<Batch> collect(DataLoader.Batches batches) {
        List<Batch> out = new ArrayList<>();
        try (batches) {
            batches.forEachRemaining(out::add);
        }
        return out;
    }

    @Test
    void everyEpochVisitsEveryImageOnceAndKeepsThePartialLastBatch() {
        DataLoader loader = new DataLoader(DATA, 10, true, 1, Augmentation.NONE, Normalisation.identity(1));
        List<Batch> batches = collect(loader.epoch(0));
        assertEquals(11, batches.size());
        assertEquals(11, loader.batchCount());
        assertEquals(3, batches.get(10).size());
        assertArrayEquals(new int[] {3, 1, 28, 28}, batches.get(10).shape());
        int[] seen = new int[DATA.size()];
        for (Batch b : batches) {
            for (int k = 0; k < b.size(); k++) {
                int i = b.indices()[k];
                seen[i]++;
                assertEquals(DATA.labels()[i], b.labels()[k]);
                assertArrayEquals(DATA.image(i), Arrays.copyOfRange(b.images(), k * 784, (k + 1) * 784));
            }
        }
        int[] once = new int[DATA.size()];
        Arrays.fill(once, 1);
        assertArrayEquals(once, seen);
    }

    @Test
    void aBatchLargerThanTheDatasetIsOneBatchOfEveryImage() {
        for (int batch : new int[] {DATA.size(), 1000, Integer.MAX_VALUE}) {
            DataLoader loader = DataLoader.forEvaluation(DATA, batch, Normalisation.identity(1));
            assertEquals(1, loader.batchCount(), "batch " + batch);
            List<Batch> batches = collect(loader.epoch(0));
            assertEquals(1, batches.size(), "batch " + batch);
            assertEquals(DATA.size(), batches.get(0).size(), "batch " + batch);
        }
    }

    @Test
    void shufflingDependsOnSeedAndEpochOnly() {
        DataLoader a = new DataLoader(DATA, 16, true, 5, AUGMENT, Normalisation.identity(1));
        DataLoader b = new DataLoader(DATA, 16, true, 5, AUGMENT, Normalisation.identity(1));
        assertArrayEquals(a.order(3), b.order(3));
        assertFalse(Arrays.equals(a.order(3), a.order(4)), "each epoch has its own order");
        assertFalse(Arrays.equals(a.order(3), new DataLoader(DATA, 16, true, 6, AUGMENT, Normalisation.identity(1)).order(3)));
        // Resuming at epoch 3 (a fresh loader, nothing else run) gives the same batches as a straight run.
        collect(a.epoch(0));
        collect(a.epoch(1));
        assertEquals(collect(a.epoch(3)), collect(b.epoch(3)));
        int[] sorted = a.order(2).clone();
        Arrays.sort(sorted);
        int[] identity = new DataLoader(DATA, 16, false, 5, AUGMENT, Normalisation.identity(1)).order(2);
        assertArrayEquals(identity, sorted);
    }

    @Test
    void prefetchingDeliversExactlyTheSynchronousBatches() {
        Normalisation norm = Normalisation.fit(DATA);
        DataLoader loader = new DataLoader(DATA, 8, true, 11, AUGMENT, norm);
        for (int epoch = 0; epoch < 3; epoch++) {
            List<Batch> sync = collect(loader.epoch(epoch));
            List<Batch> ahead = collect(loader.prefetch(epoch, 2));
            assertEquals(sync, ahead, "epoch " + epoch);
            assertEquals(sync.get(4), loader.batch(epoch, 4));
        }
    }

    @Test
    void prefetchRethrowsAFailureFromTheBackgroundThread() {
        IllegalStateException boom = new IllegalStateException("augmentation broke");
        int[] calls = {0};
        Augmentation failing = (img, c, h, w, rng) -> {
            synchronized (calls) {
                if (++calls[0] == 30) throw boom;
            }
        };
        DataLoader loader = new DataLoader(DATA, 10, false, 0, failing, Normalisation.identity(1));
        try (DataLoader.Batches it = loader.prefetch(0, 2)) {
            assertEquals(10, it.next().size());
            assertEquals(10, it.next().size());
            IllegalStateException e = assertThrows(IllegalStateException.class, it::next);
            assertSame(boom, e.getCause());
            assertTrue(e.getMessage().contains("batch 2 of epoch 0"), e.getMessage());
            assertFalse(it.hasNext());
        }
    }

    @Test
    void closingEarlyStopsTheWorkerThread() throws InterruptedException {
        DataLoader loader = new DataLoader(DATA, 1, true, 0, AUGMENT, Normalisation.identity(1));
        DataLoader.Batches it = loader.prefetch(0, 1);
        it.next();
        it.close();
        assertFalse(it.hasNext());
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("faltung-prefetch")) {
                t.join(2000);
                assertFalse(t.isAlive(), "prefetch thread still running after close");
            }
        }
    }

    @Test
    void normalisationFittedOnTheDataStandardisesIt() {
        Normalisation norm = Normalisation.fit(DATA);
        float[] px = DATA.images().clone();
        norm.apply(px, 1, 784);
        double sum = 0;
        double sq = 0;
        for (float v : px) {
            sum += v;
            sq += v * v;
        }
        double mean = sum / px.length;
        assertEquals(0, mean, 1e-4);
        assertEquals(1, Math.sqrt(sq / px.length - mean * mean), 1e-3);
        assertThrows(IllegalArgumentException.class, () -> new Normalisation(new float[] {0}, new float[] {0}));
    }

    @Test
    void validationSplitIsSeededDisjointAndComplete() {
        Split s = Split.of(DATA, 0.2, 9);
        assertEquals(20, s.validation().size());
        assertEquals(83, s.train().size());
        Split again = Split.of(DATA, 0.2, 9);
        assertArrayEquals(s.validation().images(), again.validation().images());
        assertNotEquals(Arrays.toString(s.validation().labels()), Arrays.toString(Split.of(DATA, 0.2, 10).validation().labels()));
        assertThrows(IllegalArgumentException.class, () -> Split.of(DATA, 1.0, 0));
        assertEquals(DATA.size(), s.train().size() + s.validation().size());
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> new DataLoader(DATA, 0, true, 0, Augmentation.NONE, Normalisation.identity(1)));
        assertThrows(IllegalArgumentException.class, () -> new DataLoader(DATA, 4, true, 0, Augmentation.NONE, Normalisation.identity(3)));
        DataLoader ok = new DataLoader(DATA, 4, true, 0, Augmentation.NONE, Normalisation.identity(1));
        assertThrows(IndexOutOfBoundsException.class, () -> ok.batch(0, 26));
        assertThrows(IllegalArgumentException.class, () -> ok.prefetch(0, 0));
    }
}
