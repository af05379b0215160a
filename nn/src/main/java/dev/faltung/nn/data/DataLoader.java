package dev.faltung.nn.data;

import dev.faltung.nn.Seeds;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Cuts a dataset into mini-batches, epoch by epoch: seeded shuffling, augmentation, then
 * normalisation. Batch {@code b} of epoch {@code e} is a pure function of (seed, e, b) — the
 * order comes from a seed derived from the epoch and each image's augmentation from a seed
 * derived from (epoch, dataset index) — so a run resumed at epoch e, and the prefetching
 * iterator, deliver exactly the batches of a straight synchronous run. The last, partial batch
 * is kept. A loader is immutable and may be shared between threads.
 */
public final class DataLoader {

    /** Separates the augmentation seeds from the shuffling seeds of the same base seed. */
    private static final long AUGMENT_STREAM = 0x41_55_47L;

    private final LabelledImages data;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private final Augmentation augmentation;
    private final Normalisation normalisation;

    /**
     * @param augmentation applied to each image before normalisation; {@link Augmentation#NONE} for none
     * @param normalisation applied last; {@link Normalisation#identity} for none
     */
    public DataLoader(LabelledImages data, int batchSize, boolean shuffle, long seed,
                      Augmentation augmentation, Normalisation normalisation) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("DataLoader: batch size " + batchSize + " must be at least 1");
        }
        if (normalisation.mean().length != data.channels()) {
            throw new IllegalArgumentException("DataLoader: normalisation has " + normalisation.mean().length
                    + " channels but the images have " + data.channels());
        }
        this.data = data;
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.seed = seed;
        this.augmentation = augmentation;
        this.normalisation = normalisation;
    }

    /** An unshuffled, unaugmented loader for evaluation. */
    public static DataLoader forEvaluation(LabelledImages data, int batchSize, Normalisation normalisation) {
        return new DataLoader(data, batchSize, false, 0, Augmentation.NONE, normalisation);
    }

    /** The dataset this loader reads. */
    public LabelledImages data() {
        return data;
    }

    /** Batches per epoch, the last one possibly partial. */
    public int batchCount() {
        return Math.ceilDiv(data.size(), batchSize); // (size + batch - 1) / batch overflows for a batch near 2^31
    }

    /** The order in which epoch {@code epoch} visits the dataset. */
    public int[] order(int epoch) {
        int n = data.size();
        if (!shuffle) {
            int[] id = new int[n];
            for (int i = 0; i < n; i++) id[i] = i;
            return id;
        }
        return permutation(n, new SplittableRandom(Seeds.derive(seed, epoch)));
    }

    /** Batch {@code b} of epoch {@code epoch}, computed from scratch. */
    public Batch batch(int epoch, int b) {
        return batch(epoch, b, order(epoch));
    }

    private Batch batch(int epoch, int b, int[] order) {
        if (b < 0 || b >= batchCount()) {
            throw new IndexOutOfBoundsException("DataLoader.batch: batch " + b + " of " + batchCount());
        }
        int from = b * batchSize;
        int size = Math.min(batchSize, data.size() - from);
        int per = data.imageSize();
        float[] images = new float[size * per];
        int[] labels = new int[size];
        int[] indices = new int[size];
        long augmentSeed = Seeds.derive(seed, AUGMENT_STREAM);
        for (int k = 0; k < size; k++) {
            int index = order[from + k];
            indices[k] = index;
            labels[k] = data.labels()[index];
            if (augmentation != Augmentation.NONE) {
                float[] img = data.image(index);
                augmentation.apply(img, data.channels(), data.height(), data.width(),
                        new SplittableRandom(Seeds.derive(augmentSeed, epoch, index)));
                System.arraycopy(img, 0, images, k * per, per);
            } else {
                data.copyImage(index, images, k * per);
            }
        }
        normalisation.apply(images, data.channels(), data.height() * data.width());
        return new Batch(images, labels, indices, data.channels(), data.height(), data.width());
    }

    /** The batches of one epoch, prepared on the calling thread as they are asked for. */
    public Batches epoch(int epoch) {
        int[] order = order(epoch);
        return new Batches() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < batchCount();
            }

            @Override
            public Batch next() {
                if (!hasNext()) throw new NoSuchElementException("DataLoader: epoch " + epoch + " has no more batches");
                return batch(epoch, next++, order);
            }

            @Override
            public void close() {
                next = batchCount();
            }
        };
    }

    /**
     * The batches of one epoch, prepared by a background thread up to {@code depth} batches ahead
     * while the caller trains on the current one. A failure while preparing a batch is rethrown
     * from {@link Iterator#next}. Close it (try-with-resources) to stop the thread early.
     */
    public Batches prefetch(int epoch, int depth) {
        if (depth < 1) {
            throw new IllegalArgumentException("DataLoader.prefetch: depth " + depth + " must be at least 1");
        }
        return new Prefetcher(epoch, depth);
    }

    /** An epoch's batches that may hold a thread: close when done. */
    public interface Batches extends Iterator<Batch>, AutoCloseable {
        @Override
        void close();
    }

    private final class Prefetcher implements Batches {
        private static final Object END = new Object();

        private record Failure(int batch, Throwable error) {
        }

        private final BlockingQueue<Object> queue;
        private final Thread worker;
        private final int epoch;
        private Object head;
        private boolean done;

        Prefetcher(int epoch, int depth) {
            this.epoch = epoch;
            this.queue = new ArrayBlockingQueue<>(depth);
            this.worker = Thread.ofPlatform().daemon().name("faltung-prefetch-epoch-" + epoch).unstarted(this::produce);
            worker.start();
        }

        private void produce() {
            int b = 0;
            try {
                int[] order = order(epoch);
                for (; b < batchCount(); b++) {
                    queue.put(batch(epoch, b, order));
                }
                queue.put(END);
            } catch (InterruptedException e) {
                // close() asked us to stop; the consumer is gone.
            } catch (Throwable t) {
                try {
                    queue.put(new Failure(b, t));
                } catch (InterruptedException ignored) {
                    // closed while reporting: nobody is left to tell.
                }
            }
        }

        @Override
        public boolean hasNext() {
            if (done) return false;
            if (head == null) {
                try {
                    head = queue.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("DataLoader: interrupted while waiting for a prefetched batch", e);
                }
            }
            if (head == END) {
                done = true;
                join();
                return false;
            }
            return true;
        }

        @Override
        public Batch next() {
            if (!hasNext()) throw new NoSuchElementException("DataLoader: epoch " + epoch + " has no more batches");
            Object item = head;
            head = null;
            if (item instanceof Failure f) {
                done = true;
                join();
                throw new IllegalStateException("DataLoader: preparing batch " + f.batch + " of epoch " + epoch
                        + " failed: " + f.error, f.error);
            }
            return (Batch) item;
        }

        @Override
        public void close() {
            done = true;
            worker.interrupt();
            join();
            queue.clear();
        }

        private void join() {
            boolean interrupted = false;
            while (true) {
                try {
                    worker.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    /** A uniformly random permutation of 0..n-1 (Fisher–Yates). */
    static int[] permutation(int n, SplittableRandom rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
