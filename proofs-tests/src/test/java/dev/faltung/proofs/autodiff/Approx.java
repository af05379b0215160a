package dev.faltung.proofs.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.faltung.autodiff.Tensor;
import java.util.Arrays;

/** Element-wise comparison relative to the scale of the expected values, with a message naming the first bad index. */
final class Approx {

    private Approx() {
    }

    static void assertClose(String what, Tensor expected, Tensor actual, double tolerance) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shapes differ");
        double scale = 1e-30;
        for (int i = 0; i < expected.numel(); i++) {
            scale = Math.max(scale, Math.abs(expected.buffer().get(i)));
        }
        scale = Math.max(scale, 1.0);
        for (int i = 0; i < expected.numel(); i++) {
            double e = expected.buffer().get(i), a = actual.buffer().get(i);
            if (!(Math.abs(e - a) <= tolerance * scale)) {
                throw new AssertionError(what + " " + Arrays.toString(expected.shape()) + ": first difference at flat index "
                        + i + ": expected " + e + ", got " + a + " (tolerance " + tolerance + " × scale " + scale + ")");
            }
        }
    }
}
