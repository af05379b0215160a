package dev.faltung.kernel.simd;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ConvScratchTest {

    /** Each test on a fresh thread: scratch is per thread. */
    private static <T> T onNewThread(java.util.function.Supplier<T> body) {
        return CompletableFuture.supplyAsync(body, r -> new Thread(r).start()).join();
    }

    @Test
    void aLargeArrayNoLongerNeededIsDroppedAfterAWindowOfSmallRequests() {
        int small = onNewThread(() -> {
            ConvScratch s = ConvScratch.get();
            s.floats(ConvScratch.COLS, 4_000_000);            // e.g. a planner trial of IM2COL
            float[] a = null;
            for (int i = 0; i < 2 * ConvScratch.WINDOW; i++) {
                a = s.floats(ConvScratch.COLS, 10_000);        // what the chosen algorithm needs
            }
            return a.length;
        });
        assertTrue(small < 4_000_000, "kept " + small + " floats");
    }

    @Test
    void alternatingSizesWithinAWindowKeepOneArray() {
        boolean same = onNewThread(() -> {
            ConvScratch s = ConvScratch.get();
            float[] first = s.floats(ConvScratch.OUT, 3_000_000);
            boolean kept = true;
            for (int i = 0; i < 5 * ConvScratch.WINDOW; i++) {
                // Two layers of one network, one needing far more than the other: no thrashing.
                kept &= s.floats(ConvScratch.OUT, i % 2 == 0 ? 3_000_000 : 1000) == first;
            }
            return kept;
        });
        assertTrue(same);
    }

    @Test
    void arraysGrowToTheLargestRequest() {
        onNewThread(() -> {
            ConvScratch s = ConvScratch.get();
            float[] a = s.floats(ConvScratch.WEIGHTS, 100);
            assertSame(a, s.floats(ConvScratch.WEIGHTS, 50));
            assertTrue(s.floats(ConvScratch.WEIGHTS, 1000).length >= 1000);
            return null;
        });
    }
}
