package dev.faltung.kernel.simd;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Tables that depend only on a convolution's geometry (tap offsets by output row, position
 * bases), kept across calls: computed on every call they were a large share of a training
 * step's garbage. Holds the {@code capacity} most recently used; values are shared between
 * threads and must not be modified. Thread-safe.
 */
final class BoundedCache<K, V> {

    private final Map<K, V> entries;

    BoundedCache(int capacity) {
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The value for {@code key}, computed (outside the lock) when absent. */
    V get(K key, Function<? super K, ? extends V> compute) {
        synchronized (entries) {
            V v = entries.get(key);
            if (v != null) {
                return v;
            }
        }
        V v = compute.apply(key);
        synchronized (entries) {
            V raced = entries.putIfAbsent(key, v);
            return raced != null ? raced : v;
        }
    }
}
