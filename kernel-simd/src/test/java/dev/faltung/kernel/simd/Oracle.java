package dev.faltung.kernel.simd;

import dev.faltung.kernel.Buffer;
import dev.faltung.kernel.reference.ReferenceKernels;

/**
 * The scalar float64 oracle: the reference backend run on the float32 inputs widened to
 * double, so expected values carry no float32 rounding of their own.
 */
final class Oracle {

    static final ReferenceKernels REFERENCE = new ReferenceKernels();

    private Oracle() {
    }

    static Buffer widen(float[] f) {
        return new Buffer.F32(f).copy() instanceof Buffer.F32 c ? Buffer.of(c.toDoubles()) : null;
    }

    static double[] doubles(Buffer b) {
        return ((Buffer.F64) b).data();
    }
}
