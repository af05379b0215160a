package dev.faltung.kernel.opencl;

import dev.faltung.kernel.Buffer;
import dev.faltung.kernel.DType;
import dev.faltung.kernel.Kernels;
import dev.faltung.kernel.conv.ConvAlgorithm;
import dev.faltung.kernel.conv.ConvDirection;
import dev.faltung.kernel.conv.ConvGeometry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * How this backend resolves {@link ConvAlgorithm#AUTO}: among the algorithms that run wholly on
 * the device ({@code DIRECT} and {@code IM2COL}), by timing each once per geometry and
 * direction through the backend's own entry points and keeping the faster. The shared
 * {@link dev.faltung.kernel.conv.ConvPlanner} would also time {@code FFT} and {@code WINOGRAD},
 * whose transforms run in Java on the host; on a CPU OpenCL device such as PoCL they can win,
 * and an "opencl" convolution would then quietly be a host one. Asked for by name, those two
 * still run (see {@link OpenClBackend#details()}). Thread-safe; a racing thread at worst times
 * a key twice.
 */
final class DeviceConvChoice {

    static final List<ConvAlgorithm> CANDIDATES = List.of(ConvAlgorithm.DIRECT, ConvAlgorithm.IM2COL);
    private static final int TIMED_RUNS = 2;
    private static final System.Logger LOG = System.getLogger(DeviceConvChoice.class.getName());

    record Key(ConvGeometry geometry, ConvDirection direction) {
    }

    private final Map<Key, ConvAlgorithm> choices = new ConcurrentHashMap<>();

    /** The device algorithm for {@code g} in {@code direction}, timing the applicable ones on first use. */
    ConvAlgorithm resolve(Kernels device, ConvGeometry g, ConvDirection direction, Predicate<ConvAlgorithm> applicable) {
        Key key = new Key(g, direction);
        ConvAlgorithm chosen = choices.get(key);
        if (chosen == null) {
            chosen = choose(device, g, direction, applicable);
            ConvAlgorithm raced = choices.putIfAbsent(key, chosen);
            chosen = raced == null ? chosen : raced;
        }
        return chosen;
    }

    /** The choices made so far. */
    Map<Key, ConvAlgorithm> choices() {
        return Map.copyOf(choices);
    }

    private static ConvAlgorithm choose(Kernels device, ConvGeometry g, ConvDirection direction,
                                        Predicate<ConvAlgorithm> applicable) {
        List<ConvAlgorithm> candidates = CANDIDATES.stream().filter(applicable).toList();
        if (candidates.size() == 1) {
            return candidates.get(0);
        }
        Buffer x = Buffer.allocate(DType.FLOAT32, g.inputSize());
        Buffer w = Buffer.allocate(DType.FLOAT32, g.weightSize());
        Buffer bias = Buffer.allocate(DType.FLOAT32, g.k());
        Buffer y = Buffer.allocate(DType.FLOAT32, g.outputSize());
        ConvAlgorithm best = null;
        long bestNanos = Long.MAX_VALUE;
        for (ConvAlgorithm a : candidates) {
            long fastest = Long.MAX_VALUE;
            // The first run builds the kernel's program (compiled once per kernel class); it is not timed.
            for (int run = 0; run <= TIMED_RUNS; run++) {
                long t0 = System.nanoTime();
                switch (direction) {
                    case FORWARD -> device.convForward(a, g, x, w, bias, y);
                    case BACKWARD_DATA -> device.convBackwardData(a, g, y, w, x);
                    case BACKWARD_FILTER -> device.convBackwardFilter(a, g, x, y, w, bias);
                }
                long dt = System.nanoTime() - t0;
                if (run > 0) {
                    fastest = Math.min(fastest, dt);
                }
            }
            long elapsed = fastest;
            LOG.log(System.Logger.Level.DEBUG, () -> "opencl conv " + direction.label() + " " + a.label() + ": "
                    + elapsed / 1000 + " us");
            if (elapsed < bestNanos) {
                bestNanos = elapsed;
                best = a;
            }
        }
        return best;
    }
}
