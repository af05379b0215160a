package dev.faltung.kernel.simd;

import dev.faltung.kernel.Buffer;
import java.util.Arrays;

/**
 * Strided copies with dtype conversion, and fills, for both dtypes. Dimensions that are
 * contiguous in both source and destination are merged first, so a copy of dense data is one
 * {@code arraycopy} and a transpose is a loop nest with a long innermost run.
 */
final class Copies {

    private Copies() {
    }

    static void copy(Buffer src, int srcOffset, int[] srcStrides, Buffer dst, int dstOffset, int[] dstStrides, int[] shape) {
        int rank = shape.length;
        if (srcStrides.length != rank || dstStrides.length != rank) {
            throw new IllegalArgumentException("copy: shape " + Arrays.toString(shape) + " needs " + rank
                    + " strides, got source " + Arrays.toString(srcStrides) + " and destination "
                    + Arrays.toString(dstStrides));
        }
        int[] ext = new int[Math.max(rank, 1)];
        int[] ss = new int[ext.length];
        int[] ds = new int[ext.length];
        int dims = 0;
        for (int d = 0; d < rank; d++) {
            if (shape[d] == 0) {
                return;
            }
            if (shape[d] == 1) {
                continue;
            }
            if (dims > 0 && ss[dims - 1] == srcStrides[d] * shape[d] && ds[dims - 1] == dstStrides[d] * shape[d]) {
                ext[dims - 1] *= shape[d];
                ss[dims - 1] = srcStrides[d];
                ds[dims - 1] = dstStrides[d];
            } else {
                ext[dims] = shape[d];
                ss[dims] = srcStrides[d];
                ds[dims] = dstStrides[d];
                dims++;
            }
        }
        if (dims == 0) {
            ext[0] = 1;
            ss[0] = 1;
            ds[0] = 1;
            dims = 1;
        }
        int n = ext[dims - 1];
        int si = ss[dims - 1];
        int di = ds[dims - 1];
        int rows = 1;
        for (int d = 0; d < dims - 1; d++) {
            rows *= ext[d];
        }
        int[] idx = new int[Math.max(dims - 1, 1)];
        int so = srcOffset;
        int dOff = dstOffset;
        for (int row = 0; row < rows; row++) {
            run(src, so, si, dst, dOff, di, n);
            for (int d = dims - 2; d >= 0; d--) {
                so += ss[d];
                dOff += ds[d];
                if (++idx[d] < ext[d]) {
                    break;
                }
                idx[d] = 0;
                so -= ss[d] * ext[d];
                dOff -= ds[d] * ext[d];
            }
        }
    }

    private static void run(Buffer src, int so, int si, Buffer dst, int d, int di, int n) {
        if (src instanceof Buffer.F32(float[] s) && dst instanceof Buffer.F32(float[] t)) {
            if (si == 1 && di == 1) {
                System.arraycopy(s, so, t, d, n);
            } else {
                for (int i = 0; i < n; i++) {
                    t[d + i * di] = s[so + i * si];
                }
            }
        } else if (src instanceof Buffer.F64(double[] s) && dst instanceof Buffer.F64(double[] t)) {
            if (si == 1 && di == 1) {
                System.arraycopy(s, so, t, d, n);
            } else {
                for (int i = 0; i < n; i++) {
                    t[d + i * di] = s[so + i * si];
                }
            }
        } else if (src instanceof Buffer.F32(float[] s) && dst instanceof Buffer.F64(double[] t)) {
            for (int i = 0; i < n; i++) {
                t[d + i * di] = s[so + i * si];
            }
        } else if (src instanceof Buffer.F64(double[] s) && dst instanceof Buffer.F32(float[] t)) {
            for (int i = 0; i < n; i++) {
                t[d + i * di] = (float) s[so + i * si];
            }
        }
    }

    static void fill(Buffer dst, int offset, int length, double value) {
        switch (dst) {
            case Buffer.F32(float[] t) -> Arrays.fill(t, offset, offset + length, (float) value);
            case Buffer.F64(double[] t) -> Arrays.fill(t, offset, offset + length, value);
        }
    }
}
