package dev.faltung.kernel.reference;

import static dev.faltung.kernel.reference.Expect.K;
import static dev.faltung.kernel.reference.Expect.buffer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.faltung.kernel.Buffer;
import dev.faltung.kernel.DType;
import dev.faltung.kernel.Kernels;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import org.junit.jupiter.api.Test;

/**
 * Batch norm's per-channel kernels: {@code channelAffine} computes {@code x·a[c] + z·p[c] + b[c]}
 * and {@code channelSums} {@code Σx} and {@code Σx·y} per channel of {@code [outer, C, inner]};
 * the reference's one-pass loops and the SPI's default composition of binary and reduce (which
 * backends without their own version inherit) agree.
 */
class ChannelKernelTest {

    /** The reference backend, except that the two channel kernels run the interface's defaults. */
    private static final Kernels DEFAULTS = (Kernels) Proxy.newProxyInstance(Kernels.class.getClassLoader(),
            new Class<?>[] {Kernels.class}, defaultsFor("channelAffine", "channelSums"));

    private static InvocationHandler defaultsFor(String... names) {
        return (proxy, method, args) -> java.util.List.of(names).contains(method.getName())
                ? InvocationHandler.invokeDefault(proxy, method, args)
                : method.invoke(K, args);
    }

    @Test
    void affineScalesAndShiftsEachChannel() {
        // [outer 2, channels 2, inner 2]
        Buffer x = buffer(DType.FLOAT64, 1, 2, 3, 4, 5, 6, 7, 8), a = buffer(DType.FLOAT64, 10, -1);
        Buffer b = buffer(DType.FLOAT64, 0.5, 100), out = Buffer.allocate(DType.FLOAT64, 8);
        double[] want = {10.5, 20.5, 97, 96, 50.5, 60.5, 93, 92};
        for (Kernels k : new Kernels[] {K, DEFAULTS}) {
            k.channelAffine(x, a, null, null, b, 2, 2, 2, out);
            Expect.exact("channelAffine x·a + b", new int[] {2, 2, 2}, want, out);
        }
    }

    @Test
    void affineAddsTheSecondTermPerChannel() {
        Buffer x = buffer(DType.FLOAT64, 1, 2, 3, 4, 5, 6, 7, 8), a = buffer(DType.FLOAT64, 1, 2);
        Buffer z = buffer(DType.FLOAT64, 8, 7, 6, 5, 4, 3, 2, 1), p = buffer(DType.FLOAT64, -1, 3);
        Buffer out = Buffer.allocate(DType.FLOAT64, 8);
        double[] noShift = {1 - 8, 2 - 7, 6 + 18, 8 + 15, 5 - 4, 6 - 3, 14 + 6, 16 + 3};
        double[] shifted = noShift.clone();
        for (int i = 0; i < 8; i++) {
            shifted[i] += (i / 2) % 2 == 0 ? 0.25 : -2;
        }
        for (Kernels k : new Kernels[] {K, DEFAULTS}) {
            k.channelAffine(x, a, z, p, null, 2, 2, 2, out);
            Expect.exact("channelAffine x·a + z·p", new int[] {2, 2, 2}, noShift, out);
            k.channelAffine(x, a, z, p, buffer(DType.FLOAT64, 0.25, -2), 2, 2, 2, out);
            Expect.exact("channelAffine x·a + z·p + b", new int[] {2, 2, 2}, shifted, out);
        }
    }

    @Test
    void sumsAndDotsPerChannel() {
        Buffer x = buffer(DType.FLOAT64, 1, 2, 3, 4, 5, 6, 7, 8), y = buffer(DType.FLOAT64, 1, 0, 1, 0, 2, 2, -1, 1);
        for (Kernels k : new Kernels[] {K, DEFAULTS}) {
            Buffer sums = Buffer.allocate(DType.FLOAT64, 2), dots = Buffer.allocate(DType.FLOAT64, 2);
            k.channelSums(x, y, 2, 2, 2, sums, dots);
            Expect.exact("channelSums Σx", new int[] {2}, new double[] {1 + 2 + 5 + 6, 3 + 4 + 7 + 8}, sums);
            Expect.exact("channelSums Σx·y", new int[] {2}, new double[] {1 + 10 + 12, 3 - 7 + 8}, dots);
            Buffer only = Buffer.allocate(DType.FLOAT64, 2);
            k.channelSums(x, null, 2, 2, 2, only, null);
            Expect.exact("channelSums Σx alone", new int[] {2}, new double[] {14, 22}, only);
        }
    }

    @Test
    void float32ResultsAreRoundedOnceFromDouble() {
        double[] xs = Expect.floats(3, 3 * 4 * 5, -2, 2), zs = Expect.floats(4, 3 * 4 * 5, -2, 2);
        double[] as = Expect.floats(5, 4, -2, 2), ps = Expect.floats(6, 4, -2, 2), bs = Expect.floats(7, 4, -1, 1);
        Expect.roundedOnce("channelAffine", new int[] {3, 4, 5}, dtype -> {
            Buffer out = Buffer.allocate(dtype, 60);
            K.channelAffine(buffer(dtype, xs), buffer(dtype, as), buffer(dtype, zs), buffer(dtype, ps),
                    buffer(dtype, bs), 3, 4, 5, out);
            return out;
        });
        Expect.roundedOnce("channelSums", new int[] {4}, dtype -> {
            Buffer sums = Buffer.allocate(dtype, 4), dots = Buffer.allocate(dtype, 4);
            K.channelSums(buffer(dtype, xs), buffer(dtype, zs), 3, 4, 5, sums, dots);
            return dots;
        });
    }

    @Test
    void badArgumentsNameTheOpAndTheBuffer() {
        Buffer x = Buffer.allocate(DType.FLOAT64, 6), a = Buffer.allocate(DType.FLOAT64, 2);
        IllegalArgumentException half = assertThrows(IllegalArgumentException.class,
                () -> K.channelAffine(x, a, null, a, null, 1, 2, 3, x));
        assertEquals("channelAffine: z and p must be both given or both null", half.getMessage());
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                () -> K.channelSums(x, null, 2, 2, 3, a, null));
        assertEquals("channelSums: x holds 6 elements but shape [2, 2, 3] needs 12", small.getMessage());
    }
}
