package dev.faltung.kernel.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Transposes blocks of up to {@code L × L} floats between two strided layouts in registers:
 * images in the vector lanes ({@link FloatBatchLaneConvolution}) and their usual layout. With
 * {@code L = 16} (AVX-512) a block is four butterfly stages: at distance {@code d}, rows
 * {@code i} and {@code i + d} swap the lanes whose bit {@code d} differs from the row's,
 * one lane shift and one blend each (a 16×16 block in about 130 vector operations, where element
 * by element it took 512 scalar loads and stores, and hardware scatters were slower still). Other
 * vector lengths, and blocks whose rows would be read past the end of the array or whose columns
 * are short, go through a zero-padded copy. Stateless, thread-safe.
 */
final class LaneTranspose {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    static final int L = SPECIES.length();

    private static final VectorShuffle<Float> UP8 = shift(-8), UP4 = shift(-4), UP2 = shift(-2), UP1 = shift(-1);
    private static final VectorShuffle<Float> DOWN8 = shift(8), DOWN4 = shift(4), DOWN2 = shift(2), DOWN1 = shift(1);
    private static final VectorMask<Float> HIGH8 = bit(8, true), HIGH4 = bit(4, true), HIGH2 = bit(2, true);
    private static final VectorMask<Float> HIGH1 = bit(1, true), LOW8 = bit(8, false), LOW4 = bit(4, false);
    private static final VectorMask<Float> LOW2 = bit(2, false), LOW1 = bit(1, false);
    private static final ThreadLocal<float[][]> BLOCKS = ThreadLocal.withInitial(() -> new float[2][L * L]);

    static {
        float[] a = new float[L * L], b = new float[L * L];
        JitWarmup.run(() -> transpose(a, 0, L, L, L, b, 0, L, 0f));
    }

    private LaneTranspose() {
    }

    /** Lane {@code l} takes lane {@code l + by} (wrapping around; the wrapped lanes are never used). */
    private static VectorShuffle<Float> shift(int by) {
        return VectorShuffle.fromOp(SPECIES, l -> Math.floorMod(l + by, L));
    }

    private static VectorMask<Float> bit(int d, boolean set) {
        boolean[] m = new boolean[L];
        for (int l = 0; l < L; l++) {
            m[l] = ((l & d) != 0) == set;
        }
        return VectorMask.fromArray(SPECIES, m, 0);
    }

    /**
     * {@code dst[dstAt + j·dstStride + i] = src[srcAt + i·srcStride + j] + add} for {@code i < rows},
     * {@code j < cols} (both at most {@link #L}): rows become columns. Writes only those
     * elements; reads at most {@code L} elements from each of the {@code rows} rows.
     */
    static void transpose(float[] src, int srcAt, int srcStride, int rows, int cols, float[] dst, int dstAt,
                          int dstStride, float add) {
        if (L == 16 && rows == L && srcAt + (L - 1) * srcStride + L <= src.length) {
            block(src, srcAt, srcStride, cols, dst, dstAt, dstStride, add);
            return;
        }
        if (L != 16) {
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    dst[dstAt + j * dstStride + i] = src[srcAt + i * srcStride + j] + add;
                }
            }
            return;
        }
        float[][] blocks = BLOCKS.get();
        float[] in = blocks[0], out = blocks[1];
        for (int i = 0; i < L; i++) {
            if (i < rows) {
                System.arraycopy(src, srcAt + i * srcStride, in, i * L, cols);
            }
        }
        block(in, 0, L, cols, out, 0, L, add);
        for (int j = 0; j < cols; j++) {
            System.arraycopy(out, j * L, dst, dstAt + j * dstStride, rows);
        }
    }

    /** A full block: {@code L} rows of {@code L} read, the first {@code cols} columns written. */
    private static void block(float[] src, int srcAt, int srcStride, int cols, float[] dst, int dstAt, int dstStride,
                              float add) {
        FloatVector r0 = FloatVector.fromArray(SPECIES, src, srcAt + 0 * srcStride);
        FloatVector r1 = FloatVector.fromArray(SPECIES, src, srcAt + 1 * srcStride);
        FloatVector r2 = FloatVector.fromArray(SPECIES, src, srcAt + 2 * srcStride);
        FloatVector r3 = FloatVector.fromArray(SPECIES, src, srcAt + 3 * srcStride);
        FloatVector r4 = FloatVector.fromArray(SPECIES, src, srcAt + 4 * srcStride);
        FloatVector r5 = FloatVector.fromArray(SPECIES, src, srcAt + 5 * srcStride);
        FloatVector r6 = FloatVector.fromArray(SPECIES, src, srcAt + 6 * srcStride);
        FloatVector r7 = FloatVector.fromArray(SPECIES, src, srcAt + 7 * srcStride);
        FloatVector r8 = FloatVector.fromArray(SPECIES, src, srcAt + 8 * srcStride);
        FloatVector r9 = FloatVector.fromArray(SPECIES, src, srcAt + 9 * srcStride);
        FloatVector r10 = FloatVector.fromArray(SPECIES, src, srcAt + 10 * srcStride);
        FloatVector r11 = FloatVector.fromArray(SPECIES, src, srcAt + 11 * srcStride);
        FloatVector r12 = FloatVector.fromArray(SPECIES, src, srcAt + 12 * srcStride);
        FloatVector r13 = FloatVector.fromArray(SPECIES, src, srcAt + 13 * srcStride);
        FloatVector r14 = FloatVector.fromArray(SPECIES, src, srcAt + 14 * srcStride);
        FloatVector r15 = FloatVector.fromArray(SPECIES, src, srcAt + 15 * srcStride);
        FloatVector t;
        t = r0;
        r0 = r0.blend(r8.rearrange(UP8), HIGH8);
        r8 = r8.blend(t.rearrange(DOWN8), LOW8);
        t = r1;
        r1 = r1.blend(r9.rearrange(UP8), HIGH8);
        r9 = r9.blend(t.rearrange(DOWN8), LOW8);
        t = r2;
        r2 = r2.blend(r10.rearrange(UP8), HIGH8);
        r10 = r10.blend(t.rearrange(DOWN8), LOW8);
        t = r3;
        r3 = r3.blend(r11.rearrange(UP8), HIGH8);
        r11 = r11.blend(t.rearrange(DOWN8), LOW8);
        t = r4;
        r4 = r4.blend(r12.rearrange(UP8), HIGH8);
        r12 = r12.blend(t.rearrange(DOWN8), LOW8);
        t = r5;
        r5 = r5.blend(r13.rearrange(UP8), HIGH8);
        r13 = r13.blend(t.rearrange(DOWN8), LOW8);
        t = r6;
        r6 = r6.blend(r14.rearrange(UP8), HIGH8);
        r14 = r14.blend(t.rearrange(DOWN8), LOW8);
        t = r7;
        r7 = r7.blend(r15.rearrange(UP8), HIGH8);
        r15 = r15.blend(t.rearrange(DOWN8), LOW8);
        t = r0;
        r0 = r0.blend(r4.rearrange(UP4), HIGH4);
        r4 = r4.blend(t.rearrange(DOWN4), LOW4);
        t = r1;
        r1 = r1.blend(r5.rearrange(UP4), HIGH4);
        r5 = r5.blend(t.rearrange(DOWN4), LOW4);
        t = r2;
        r2 = r2.blend(r6.rearrange(UP4), HIGH4);
        r6 = r6.blend(t.rearrange(DOWN4), LOW4);
        t = r3;
        r3 = r3.blend(r7.rearrange(UP4), HIGH4);
        r7 = r7.blend(t.rearrange(DOWN4), LOW4);
        t = r8;
        r8 = r8.blend(r12.rearrange(UP4), HIGH4);
        r12 = r12.blend(t.rearrange(DOWN4), LOW4);
        t = r9;
        r9 = r9.blend(r13.rearrange(UP4), HIGH4);
        r13 = r13.blend(t.rearrange(DOWN4), LOW4);
        t = r10;
        r10 = r10.blend(r14.rearrange(UP4), HIGH4);
        r14 = r14.blend(t.rearrange(DOWN4), LOW4);
        t = r11;
        r11 = r11.blend(r15.rearrange(UP4), HIGH4);
        r15 = r15.blend(t.rearrange(DOWN4), LOW4);
        t = r0;
        r0 = r0.blend(r2.rearrange(UP2), HIGH2);
        r2 = r2.blend(t.rearrange(DOWN2), LOW2);
        t = r1;
        r1 = r1.blend(r3.rearrange(UP2), HIGH2);
        r3 = r3.blend(t.rearrange(DOWN2), LOW2);
        t = r4;
        r4 = r4.blend(r6.rearrange(UP2), HIGH2);
        r6 = r6.blend(t.rearrange(DOWN2), LOW2);
        t = r5;
        r5 = r5.blend(r7.rearrange(UP2), HIGH2);
        r7 = r7.blend(t.rearrange(DOWN2), LOW2);
        t = r8;
        r8 = r8.blend(r10.rearrange(UP2), HIGH2);
        r10 = r10.blend(t.rearrange(DOWN2), LOW2);
        t = r9;
        r9 = r9.blend(r11.rearrange(UP2), HIGH2);
        r11 = r11.blend(t.rearrange(DOWN2), LOW2);
        t = r12;
        r12 = r12.blend(r14.rearrange(UP2), HIGH2);
        r14 = r14.blend(t.rearrange(DOWN2), LOW2);
        t = r13;
        r13 = r13.blend(r15.rearrange(UP2), HIGH2);
        r15 = r15.blend(t.rearrange(DOWN2), LOW2);
        t = r0;
        r0 = r0.blend(r1.rearrange(UP1), HIGH1);
        r1 = r1.blend(t.rearrange(DOWN1), LOW1);
        t = r2;
        r2 = r2.blend(r3.rearrange(UP1), HIGH1);
        r3 = r3.blend(t.rearrange(DOWN1), LOW1);
        t = r4;
        r4 = r4.blend(r5.rearrange(UP1), HIGH1);
        r5 = r5.blend(t.rearrange(DOWN1), LOW1);
        t = r6;
        r6 = r6.blend(r7.rearrange(UP1), HIGH1);
        r7 = r7.blend(t.rearrange(DOWN1), LOW1);
        t = r8;
        r8 = r8.blend(r9.rearrange(UP1), HIGH1);
        r9 = r9.blend(t.rearrange(DOWN1), LOW1);
        t = r10;
        r10 = r10.blend(r11.rearrange(UP1), HIGH1);
        r11 = r11.blend(t.rearrange(DOWN1), LOW1);
        t = r12;
        r12 = r12.blend(r13.rearrange(UP1), HIGH1);
        r13 = r13.blend(t.rearrange(DOWN1), LOW1);
        t = r14;
        r14 = r14.blend(r15.rearrange(UP1), HIGH1);
        r15 = r15.blend(t.rearrange(DOWN1), LOW1);
        r0.add(add).intoArray(dst, dstAt);
        if (cols == 1) return;
        r1.add(add).intoArray(dst, dstAt + 1 * dstStride);
        if (cols == 2) return;
        r2.add(add).intoArray(dst, dstAt + 2 * dstStride);
        if (cols == 3) return;
        r3.add(add).intoArray(dst, dstAt + 3 * dstStride);
        if (cols == 4) return;
        r4.add(add).intoArray(dst, dstAt + 4 * dstStride);
        if (cols == 5) return;
        r5.add(add).intoArray(dst, dstAt + 5 * dstStride);
        if (cols == 6) return;
        r6.add(add).intoArray(dst, dstAt + 6 * dstStride);
        if (cols == 7) return;
        r7.add(add).intoArray(dst, dstAt + 7 * dstStride);
        if (cols == 8) return;
        r8.add(add).intoArray(dst, dstAt + 8 * dstStride);
        if (cols == 9) return;
        r9.add(add).intoArray(dst, dstAt + 9 * dstStride);
        if (cols == 10) return;
        r10.add(add).intoArray(dst, dstAt + 10 * dstStride);
        if (cols == 11) return;
        r11.add(add).intoArray(dst, dstAt + 11 * dstStride);
        if (cols == 12) return;
        r12.add(add).intoArray(dst, dstAt + 12 * dstStride);
        if (cols == 13) return;
        r13.add(add).intoArray(dst, dstAt + 13 * dstStride);
        if (cols == 14) return;
        r14.add(add).intoArray(dst, dstAt + 14 * dstStride);
        if (cols == 15) return;
        r15.add(add).intoArray(dst, dstAt + 15 * dstStride);
    }
}
