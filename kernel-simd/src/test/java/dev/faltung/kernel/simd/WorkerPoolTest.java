package dev.faltung.kernel.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** Every task runs exactly once, whoever runs it; failures reach the caller; nesting and concurrent callers finish. */
class WorkerPoolTest {

    @Test
    void runsEveryTaskExactlyOnceEvenWithMoreTasksThanThreads() {
        WorkerPool pool = WorkerPool.of(3);
        for (int tasks : new int[] {0, 1, 2, 3, 7, 100}) {
            AtomicIntegerArray runs = new AtomicIntegerArray(tasks);
            for (int round = 0; round < 200; round++) {
                pool.run(tasks, runs::incrementAndGet);
            }
            int[] expected = new int[tasks];
            java.util.Arrays.fill(expected, 200);
            int[] actual = new int[tasks];
            for (int t = 0; t < tasks; t++) actual[t] = runs.get(t);
            assertArrayEquals(expected, actual, tasks + " tasks");
        }
    }

    @Test
    void aWorkersFailureIsThrownToTheCallerAndThePoolStaysUsable() {
        WorkerPool pool = WorkerPool.of(2);
        IllegalStateException boom = new IllegalStateException("boom");
        for (int failing = 0; failing < 4; failing++) {
            int f = failing;
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.run(4, t -> {
                if (t == f) throw boom;
            }));
            assertSame(boom, e);
        }
        AtomicIntegerArray runs = new AtomicIntegerArray(4);
        pool.run(4, runs::incrementAndGet);
        for (int t = 0; t < 4; t++) assertEquals(1, runs.get(t));
    }

    @Test
    void aNestedCallRunsItsTasksOnTheCallingTask() {
        WorkerPool pool = WorkerPool.of(2);
        AtomicIntegerArray inner = new AtomicIntegerArray(2 * 5);
        ConcurrentHashMap<Integer, Thread> runner = new ConcurrentHashMap<>();
        pool.run(2, outer -> pool.run(5, t -> {
            inner.incrementAndGet(outer * 5 + t);
            runner.merge(outer, Thread.currentThread(), (a, b) -> {
                assertSame(a, b, "a nested call's tasks all run on the thread of the task that made it");
                return a;
            });
        }));
        for (int i = 0; i < 10; i++) assertEquals(1, inner.get(i));
    }

    @Test
    void concurrentCallersAllFinishWithEveryTaskRun() throws InterruptedException {
        WorkerPool pool = WorkerPool.of(2);
        int callers = 4, rounds = 500;
        AtomicIntegerArray runs = new AtomicIntegerArray(callers * 3);
        CountDownLatch start = new CountDownLatch(1);
        Thread[] threads = new Thread[callers];
        for (int c = 0; c < callers; c++) {
            int caller = c;
            threads[c] = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int r = 0; r < rounds; r++) pool.run(3, t -> runs.incrementAndGet(caller * 3 + t));
            });
            threads[c].start();
        }
        start.countDown();
        for (Thread t : threads) t.join(60_000);
        for (int i = 0; i < callers * 3; i++) assertEquals(rounds, runs.get(i), "task " + i);
    }
}
