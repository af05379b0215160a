package dev.faltung.kernel.simd;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A fixed set of daemon worker threads shared by every kernel call with the same thread count.
 * {@link #run} splits work into numbered tasks, runs them on the caller and the workers and waits
 * for all. Idle workers spin for {@value #SPIN_NANOS} ns before they park, the way OpenMP runtimes
 * wait: a training step is a chain of kernels of a few hundred microseconds each, and waking a
 * parked thread for every one cost about 25 us (a thread pool's queue and futures), a third of
 * LeNet's conv2 forward on 2 threads. A call from inside a task, or while another thread's call
 * holds the workers, runs its tasks serially on the caller, so nesting cannot deadlock and
 * concurrent callers never wait on each other. Thread-safe.
 */
final class WorkerPool {

    /** System property that sets the thread count of the default backend. */
    static final String THREADS_PROPERTY = "faltung.threads";

    /** How long an idle worker, or a caller waiting for the last task, spins before it parks. */
    static final long SPIN_NANOS = 100_000L;

    private static final ConcurrentHashMap<Integer, WorkerPool> POOLS = new ConcurrentHashMap<>();

    private final int threads;
    private final Thread[] workers;
    /** Set while one call owns the workers. */
    private final AtomicBoolean busy = new AtomicBoolean();
    /** The latest job; workers run each new one they see. */
    private volatile Job current;
    /** Per worker: true while it is parked (or about to park) waiting for a job. */
    private final AtomicBoolean[] parked;

    /** One {@link #run} call: tasks are claimed from {@code next} by whoever is free. */
    private static final class Job {
        final int tasks;
        final IntConsumer body;
        final Thread caller;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        volatile Throwable failure;

        Job(int tasks, IntConsumer body, Thread caller) {
            this.tasks = tasks;
            this.body = body;
            this.caller = caller;
        }

        /** Runs unclaimed tasks until none is left. */
        void work() {
            for (int t; (t = next.getAndIncrement()) < tasks; ) {
                try {
                    body.accept(t);
                } catch (Throwable e) {
                    if (failure == null) {
                        failure = e;
                    }
                }
                if (done.incrementAndGet() == tasks) {
                    LockSupport.unpark(caller);
                }
            }
        }
    }

    private WorkerPool(int threads) {
        this.threads = threads;
        this.workers = new Thread[Math.max(0, threads - 1)];
        this.parked = new AtomicBoolean[workers.length];
        for (int i = 0; i < workers.length; i++) {
            int index = i;
            parked[i] = new AtomicBoolean();
            workers[i] = new Thread(() -> serve(index), "faltung-simd-worker-" + (i + 1));
            workers[i].setDaemon(true);
            workers[i].start();
        }
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
        if (tasks <= 1 || workers.length == 0 || !busy.compareAndSet(false, true)) {
            for (int t = 0; t < tasks; t++) {
                body.accept(t);
            }
            return;
        }
        Job job = new Job(tasks, body, Thread.currentThread());
        try {
            current = job;
            for (int i = 0; i < workers.length; i++) {
                if (parked[i].get()) {
                    LockSupport.unpark(workers[i]);
                }
            }
            job.work();
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while (job.done.get() < tasks) {
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
        } finally {
            busy.set(false);
        }
        Throwable failure = job.failure;
        if (failure instanceof RuntimeException re) {
            throw re;
        }
        if (failure instanceof Error err) {
            throw err;
        }
        if (failure != null) {
            throw new IllegalStateException("simd: worker failed", failure);
        }
    }

    /** A worker's life: wait for a job it has not seen, help run it, repeat. */
    private void serve(int index) {
        Job seen = null;
        while (true) {
            Job job;
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while ((job = current) == seen) {
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                } else {
                    // Announce the park before the last look at the job, so that a caller who
                    // publishes one after that look sees the flag and unparks this thread.
                    parked[index].set(true);
                    if (current == seen) {
                        LockSupport.park(this);
                    }
                    parked[index].set(false);
                }
            }
            seen = job;
            job.work();
        }
    }
}
