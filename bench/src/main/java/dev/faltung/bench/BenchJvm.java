package dev.faltung.bench;

import dev.faltung.kernel.Backend;
import dev.faltung.kernel.Backends;
import dev.faltung.kernel.Buffer;
import dev.faltung.kernel.DType;
import dev.faltung.kernel.Kernels;
import java.util.SplittableRandom;

/** What every benchmark fork needs: its JVM flags, its backend with a thread count, seeded data. */
final class BenchJvm {

    /** The SIMD backend needs the incubating Vector API module; Aparapi loads a JNI library. */
    static final String VECTOR_MODULE = "--add-modules=jdk.incubator.vector";
    static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";
    static final String PARALLEL_GC = "-XX:+UseParallelGC";

    private BenchJvm() {
    }

    /**
     * The kernels of {@code backend} computing on {@code threads} threads (0: the backend's
     * default). Every JMH trial runs in a fresh fork, so the property is read by a backend that
     * has not built its thread pool yet.
     */
    static Kernels kernels(String backend, int threads) {
        if (threads < 0) {
            throw new IllegalArgumentException("benchmark parameter threads must be >= 0, got " + threads);
        }
        if (threads > 0) {
            System.setProperty("faltung.threads", Integer.toString(threads));
        }
        Backend b = Backends.get(backend);
        return b.kernels();
    }

    static Buffer uniform(DType dtype, int size, long seed) {
        Buffer b = Buffer.allocate(dtype, size);
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < size; i++) {
            b.set(i, r.nextDouble(-1, 1));
        }
        return b;
    }
}
