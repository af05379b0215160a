package dev.faltung.kernel.simd;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * A fixed set of daemon worker threads shared by every kernel call with the same thread count.
 * {@link #run} splits work into numbered tasks, runs task 0 on the caller and waits for all;
 * a task that itself calls {@link #run} from a worker runs its sub-tasks serially, so nesting
 * cannot deadlock. Thread-safe.
 */
final class WorkerPool {

    /** System property that sets the thread count of the default backend. */
    static final String THREADS_PROPERTY = "faltung.threads";

    private static final ConcurrentHashMap<Integer, WorkerPool> POOLS = new ConcurrentHashMap<>();
    private static final ThreadLocal<Boolean> IN_WORKER = ThreadLocal.withInitial(() -> false);

    private final int threads;
    private final ExecutorService executor;

    private WorkerPool(int threads) {
        this.threads = threads;
        this.executor = threads <= 1 ? null : Executors.newFixedThreadPool(threads - 1, r -> {
            Thread t = new Thread(() -> {
                IN_WORKER.set(true);
                r.run();
            }, "faltung-simd-worker");
            t.setDaemon(true);
            return t;
        });
    }

    /** The pool with {@code threads} threads (the caller counts as one). */
    static WorkerPool of(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("simd: thread count must be positive, got " + threads);
        }
        return POOLS.computeIfAbsent(threads, WorkerPool::new);
    }

    /** {@code faltung.threads} if set, otherwise the number of available processors. */
    static int configuredThreads() {
        String text = System.getProperty(THREADS_PROPERTY);
        if (text == null || text.isBlank()) {
            return Runtime.getRuntime().availableProcessors();
        }
        try {
            int t = Integer.parseInt(text.trim());
            if (t >= 1) {
                return t;
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException("system property " + THREADS_PROPERTY
                + " must be a positive integer, got '" + text + "'");
    }

    int threads() {
        return threads;
    }

    /** Runs {@code body} for tasks {@code 0 .. tasks-1} and returns when all are done. */
    void run(int tasks, IntConsumer body) {
        if (tasks <= 1 || executor == null || IN_WORKER.get()) {
            for (int t = 0; t < tasks; t++) {
                body.accept(t);
            }
            return;
        }
        List<Future<?>> futures = new ArrayList<>(tasks - 1);
        for (int t = 1; t < tasks; t++) {
            int task = t;
            futures.add(executor.submit(() -> body.accept(task)));
        }
        Throwable failure = null;
        try {
            body.accept(0);
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (failure == null) {
                    failure = e;
                }
            }
        }
        if (failure instanceof RuntimeException re) {
            throw re;
        }
        if (failure instanceof Error err) {
            throw err;
        }
        if (failure != null) {
            throw new IllegalStateException("simd: worker interrupted", failure);
        }
    }
}
