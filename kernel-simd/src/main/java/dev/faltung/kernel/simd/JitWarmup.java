package dev.faltung.kernel.simd;

/**
 * Profiles a vector kernel on a tiny problem before its first real call. Compiled by C2
 * straight from one long first call (on-stack replacement, skipping the profiling tier), a
 * register-blocked loop can lose the exact vector type of its accumulators and then box every
 * vector in the loop: measured 60× slower, for the rest of the run. A few hundred short calls
 * first let the profiling tier see the loop, and C2 then compiles it from that profile.
 */
final class JitWarmup {

    /** Calls that take the profiling tier past its compile threshold (200 by default). */
    private static final int CALLS = 300;

    private JitWarmup() {
    }

    static void run(Runnable tinyCall) {
        for (int i = 0; i < CALLS; i++) {
            tinyCall.run();
        }
    }
}
