package dev.faltung.kernel.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A value is computed once while it stays among the most recently used; the least recently used goes first. */
class BoundedCacheTest {

    @Test
    void computesAValueOnceAndServesTheSameInstance() {
        BoundedCache<String, int[]> cache = new BoundedCache<>(4);
        AtomicInteger computed = new AtomicInteger();
        int[] first = cache.get("conv2", k -> new int[] {computed.incrementAndGet()});
        int[] again = cache.get("conv2", k -> new int[] {computed.incrementAndGet()});
        assertSame(first, again);
        assertEquals(1, computed.get());
    }

    @Test
    void evictsTheLeastRecentlyUsedBeyondItsCapacity() {
        BoundedCache<Integer, Integer> cache = new BoundedCache<>(2);
        AtomicInteger computed = new AtomicInteger();
        cache.get(1, k -> computed.incrementAndGet());
        cache.get(2, k -> computed.incrementAndGet());
        cache.get(1, k -> computed.incrementAndGet()); // 1 is now the most recent
        cache.get(3, k -> computed.incrementAndGet()); // evicts 2
        assertEquals(3, computed.get());
        cache.get(1, k -> computed.incrementAndGet());
        assertEquals(3, computed.get(), "1 was kept");
        cache.get(2, k -> computed.incrementAndGet());
        assertEquals(4, computed.get(), "2 was evicted and is computed again");
    }
}
