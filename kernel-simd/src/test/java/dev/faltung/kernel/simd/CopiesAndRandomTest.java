package dev.faltung.kernel.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.faltung.kernel.Buffer;
import dev.faltung.kernel.DType;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Strided copies (with dtype conversion), fills and the seeded random kernels equal the reference bit for bit. */
class CopiesAndRandomTest {

    private static final SimdKernels KERNELS = new SimdKernels(2);

    private static void assertSame(String what, Buffer want, Buffer got) {
        for (int i = 0; i < want.size(); i++) {
            if (Double.doubleToRawLongBits(want.get(i)) != Double.doubleToRawLongBits(got.get(i))) {
                assertEquals(want.get(i), got.get(i), what + ": first difference at index " + i);
            }
        }
    }

    @Test
    void stridedCopiesMatchTheReferenceForEveryDtypePair() {
        Random rnd = new Random(1);
        int[][][] cases = { // shape, source strides, destination strides
            {{0}, {1}, {1}}, {{17}, {1}, {1}}, {{3, 17}, {17, 1}, {1, 3}}, {{4, 5, 6}, {1, 4, 20}, {30, 6, 1}},
            {{2, 33}, {66, 2}, {33, 1}}, {{2, 1, 16}, {16, 16, 1}, {16, 16, 1}}, {{}, {}, {}}, {{5, 3}, {0, 1}, {3, 1}},
        };
        for (DType from : DType.values()) {
            for (DType to : DType.values()) {
                for (int[][] c : cases) {
                    Buffer src = Buffer.allocate(from, 300);
                    for (int i = 0; i < 300; i++) {
                        src.set(i, rnd.nextGaussian());
                    }
                    Buffer got = Buffer.allocate(to, 300);
                    Buffer want = Buffer.allocate(to, 300);
                    KERNELS.copy(src, 2, c[1], got, 3, c[2], c[0]);
                    Oracle.REFERENCE.copy(src, 2, c[1], want, 3, c[2], c[0]);
                    assertSame("copy " + from + "->" + to + " shape " + java.util.Arrays.toString(c[0]), want, got);
                }
            }
            Buffer got = Buffer.allocate(from, 40);
            Buffer want = Buffer.allocate(from, 40);
            KERNELS.fill(got, 3, 33, 0.1);
            Oracle.REFERENCE.fill(want, 3, 33, 0.1);
            assertSame("fill " + from, want, got);
        }
    }

    @Test
    void randomKernelsDrawTheReferenceNumbers() {
        for (DType dtype : DType.values()) {
            for (int n : new int[] {0, 1, 17, 100, 200_003}) { // the last spans several parallel chunks
                Buffer got = Buffer.allocate(dtype, n);
                Buffer want = Buffer.allocate(dtype, n);
                KERNELS.uniform(42, 7, -0.5, 2.0, got);
                Oracle.REFERENCE.uniform(42, 7, -0.5, 2.0, want);
                assertSame("uniform " + dtype + " [" + n + "]", want, got);
                KERNELS.normal(42, 7, 1.0, 0.3, got);
                Oracle.REFERENCE.normal(42, 7, 1.0, 0.3, want);
                assertSame("normal " + dtype + " [" + n + "]", want, got);
                KERNELS.bernoulli(42, 7, 0.3, got);
                Oracle.REFERENCE.bernoulli(42, 7, 0.3, want);
                assertSame("bernoulli " + dtype + " [" + n + "]", want, got);
            }
        }
    }
}
