package dev.faltung.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The statistics a bench line reports, and the JSON it is written in. */
class TimingsTest {

    @Test
    void medianIsTheMiddleSampleOrTheMeanOfTheTwoMiddleOnes() {
        assertEquals(3.0, new Timings(new double[] {9, 1, 3}).median());
        assertEquals(2.5, new Timings(new double[] {4, 1, 2, 3}).median());
        assertEquals(1.0, new Timings(new double[] {4, 1, 2, 3}).min());
        assertEquals(2.5, new Timings(new double[] {4, 1, 2, 3}).mean());
    }

    @Test
    void gflopsIsFlopsPerNanosecondAtTheMedian() {
        // 2e9 FLOP in 1000 ms is 2 GFLOP/s.
        assertEquals(2.0, new Timings(new double[] {1000}).gflops(2e9), 1e-12);
    }

    @Test
    void measureRunsWarmupsUntimedAndKeepsOnlyTheRepeats() {
        int[] calls = {0};
        Timings t = Timings.measure(2, 5, () -> calls[0]++);
        assertEquals(7, calls[0]);
        assertEquals(5, t.repeats());
        assertEquals(2, t.warmupRuns());
        assertThrows(IllegalArgumentException.class, () -> Timings.measure(0, 0, () -> { }));
        assertThrows(IllegalArgumentException.class, () -> Timings.measure(-1, 1, () -> { }));
    }

    @Test
    void aWarmupTimeFloorKeepsWarmingUpUntilItHasPassed() {
        long start = System.nanoTime();
        Timings t = Timings.measure(1, 30, 1, () -> sleep(3));
        long warmupMillis = (System.nanoTime() - start) / 1_000_000 - (long) t.median();
        assertTrue(warmupMillis >= 30, "warm-up lasted " + warmupMillis + " ms");
        assertTrue(t.warmupRuns() >= 2, "3 ms runs need several warm-ups to fill 30 ms, ran " + t.warmupRuns());
        assertEquals(1, t.repeats());
    }

    @Test
    void theWarmupTimeFloorCountsFromTheEndOfTheFirstRunWhereAutoIsResolved() {
        List<long[]> runs = new ArrayList<>();
        // A first run of 60 ms (AUTO timing its candidates), then 2 ms runs: a 30 ms floor that
        // counted the first run would stop after it and the minimum count. Judged by the clock,
        // not by a count of runs: on a loaded machine a 2 ms sleep may take far longer.
        Timings t = Timings.measure(2, 30, 1, () -> {
            long begin = System.nanoTime();
            sleep(runs.isEmpty() ? 60 : 2);
            runs.add(new long[] {begin, System.nanoTime()});
        });
        long firstEnd = runs.get(0)[1], timedBegin = runs.get(runs.size() - 1)[0];
        assertEquals(t.warmupRuns() + 1, runs.size());
        assertTrue((timedBegin - firstEnd) / 1_000_000 >= 30,
                "warm-up after the slow first run lasted " + (timedBegin - firstEnd) / 1_000_000 + " ms");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void jsonLineEscapesStringsNestsObjectsAndWritesNonFiniteAsNull() {
        String line = new JsonLine()
                .put("s", "a\"b\\c\nd\u0001")
                .put("whole", 33554432.0)
                .put("ms", 1.23456789)
                .put("tiny", 1.5e-9)
                .put("nan", Double.NaN)
                .put("flag", true)
                .put("none", null)
                .put("inner", new JsonLine().put("k", 1))
                .toString();
        Map<String, Object> m = Json.object(line);
        assertEquals("a\"b\\c\nd\u0001", m.get("s"));
        assertEquals(33554432.0, m.get("whole"), "whole numbers are exact");
        assertEquals(1.23457, m.get("ms"), "six significant digits");
        assertEquals(1.5e-9, m.get("tiny"));
        assertEquals(null, m.get("nan"));
        assertEquals(true, m.get("flag"));
        assertEquals(Map.of("k", 1.0), m.get("inner"));
        assertThrows(IllegalArgumentException.class, () -> new JsonLine().put("bad", new Object()));
    }
}
