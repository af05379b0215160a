package dev.faltung.proofs.oracle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.faltung.nn.io.ElementType;
import dev.faltung.nn.io.NdArray;
import dev.faltung.nn.io.Npy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Compares a written {@code .npy} file with an expected one: same element type, same shape, and
 * every element within {@code tolerance × scale}, where the scale is the largest finite
 * magnitude in the expected array (1 when that is 0); a NaN or an infinity must be matched
 * exactly. Failures name the case, the file, the shape, the first
 * bad index and both values.
 */
final class NpyComparison {

    private NpyComparison() {
    }

    /** 1e-9 for float64, 1e-4 for float32, relative to the scale of the expected array. */
    static double tolerance(ElementType type) {
        return type == ElementType.FLOAT64 ? 1e-9 : 1e-4;
    }

    static void assertClose(String what, Path expectedFile, Path actualFile) throws IOException {
        NdArray expected = Npy.read(expectedFile);
        NdArray actual = Npy.read(actualFile);
        assertEquals(expected.type(), actual.type(), what + ": element type");
        assertArrayEquals(expected.shape(), actual.shape(), () -> what + ": shape " + Arrays.toString(actual.shape())
                + ", expected " + Arrays.toString(expected.shape()));
        double[] e = expected.toDoubles(), a = actual.toDoubles();
        double scale = 0;
        for (double v : e) {
            if (Double.isFinite(v)) {
                scale = Math.max(scale, Math.abs(v));
            }
        }
        double tol = tolerance(expected.type()) * (scale == 0 ? 1 : scale);
        for (int i = 0; i < e.length; i++) {
            boolean ok = Double.isNaN(e[i]) ? Double.isNaN(a[i])
                    : Double.isInfinite(e[i]) ? a[i] == e[i] // ∞ - ∞ is NaN, never within a tolerance
                    : Math.abs(a[i] - e[i]) <= tol;
            if (!ok) {
                fail(what + " " + expected.type() + " " + Arrays.toString(expected.shape()) + ": first mismatch at "
                        + Arrays.toString(unflatten(i, expected.shape())) + ": got " + a[i] + ", expected " + e[i]
                        + " (|diff| " + Math.abs(a[i] - e[i]) + " > " + tol + " = tolerance × scale " + scale + ")");
            }
        }
    }

    private static int[] unflatten(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = flat % shape[d];
            flat /= shape[d];
        }
        return idx;
    }
}
