package dev.faltung.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Counts the 10⁹ FLOP a benchmark performs; JMH reports an operations counter as a rate, so in
 * the {@code Throughput} mode with seconds as the unit the secondary result {@code gflop} reads
 * directly in GFLOP/s.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class GflopCounter {

    /** GFLOP done in this iteration; public because JMH reads it reflectively. */
    public double gflop;

    @Setup(Level.Iteration)
    public void reset() {
        gflop = 0;
    }
}
