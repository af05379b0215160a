package dev.faltung.kernel.simd;

import dev.faltung.kernel.conv.ConvGeometry;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * float32 DIRECT convolution at stride 1, vectorised along flattened rows: each input plane is
 * copied once into a zero-padded plane of width {@code Wp = W + padLeft + padRight}; then output
 * {@code (oy, ox)} sits at flat index {@code i = oy·Wp + ox} and reads input
 * {@code i + r·dh·Wp + s·dw} for tap {@code (r, s)}, so the whole output plane is ONE contiguous
 * 1-D correlation per tap (the {@code Wp - outW} columns past each row are computed and thrown
 * away). That suits few channels and large planes (LeNet's first layer: C = 1), where a
 * patch matrix would be all copying and no arithmetic.
 * <ul>
 *   <li>forward: 4 output channels × 3 vectors of accumulators per step, weights broadcast
 *       (1 channel × 12 vectors where a group has one output channel);</li>
 *   <li>backward data: a forward convolution of {@code dy} with the flipped kernel, channel axes
 *       swapped and padding {@code ·dh - pad} (needs {@code pad ≤ ·dh} on every side);</li>
 *   <li>backward filter: per weight, the dot product of a flattened {@code dy} plane (zeroed past
 *       {@code outW} in each row) with the shifted padded input, in float lanes carried across
 *       images in order, the lanes added at the end; four output channels' planes per pass over
 *       the input.</li>
 * </ul>
 * Tasks split images and output channels, never a sum, so results do not depend on the thread
 * count. Float32 error ({@code u = 2⁻²⁴}, {@code n = C/G·R·S}): forward {@code ≤ (n + 1)·u·(Σ|w||x| + |b|)};
 * backward data {@code ≤ (K/G·R·S + 1)·u·Σ|w||dy|}; backward filter
 * {@code ≤ (N·P/L + L)·u·Σ|dy||x|} ({@code P = outH·Wp}, {@code L} lanes). Thread-safe.
 */
final class FloatDirectConvolution {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();
    /** Output channels computed together, sharing each input load. */
    private static final int KB = 4;
    /** Flat outputs per step of the forward kernel: three vectors. */
    private static final int STEP = 3 * L;
    /**
     * Flat outputs per step with one output channel per group (a first layer's backward data to a
     * grayscale image, where the four-channel kernel wasted three quarters): twelve vectors.
     */
    private static final int ONE_CHANNEL_STEP = 4 * STEP;

    private final WorkerPool pool;
    private final FloatLoweredConvolution lowered;

    FloatDirectConvolution(WorkerPool pool, FloatLoweredConvolution lowered) {
        this.pool = pool;
        this.lowered = lowered;
    }

    /** Forward and backward filter: stride 1. */
    static boolean applies(ConvGeometry g) {
        return g.strideH() == 1 && g.strideW() == 1;
    }

    /** Backward data: stride 1 and no side padded by more than the dilated kernel span minus one. */
    static boolean appliesBackwardData(ConvGeometry g) {
        int spanH = (g.r() - 1) * g.dilationH(), spanW = (g.s() - 1) * g.dilationW();
        return applies(g) && g.padTop() <= spanH && g.padBottom() <= spanH
                && g.padLeft() <= spanW && g.padRight() <= spanW;
    }

    /** Share of the forward kernel's multiply-adds that produce outputs (stride 1). */
    static double forwardEfficiency(ConvGeometry g) {
        Layout lay = Layout.of(g);
        int kpg = g.kPerGroup(), step = kpg == 1 ? ONE_CHANNEL_STEP : STEP, kb = kpg == 1 ? 1 : KB;
        int span = (lay.flat + step - 1) / step * step;
        return (double) g.outH() * g.outW() / span * kpg / ((kpg + kb - 1) / kb * kb);
    }

    /** Share of the backward-filter dot products' lanes that hold outputs (stride 1). */
    static double filterEfficiency(ConvGeometry g) {
        Layout lay = Layout.of(g);
        int span = (lay.flat + L - 1) / L * L;
        return (double) g.outH() * g.outW() / span;
    }

    /** Padded plane geometry shared by the three directions. */
    private record Layout(int hp, int wp, int flat, int plane) {
        static Layout of(ConvGeometry g) {
            int hp = g.h() + g.padTop() + g.padBottom(), wp = g.w() + g.padLeft() + g.padRight();
            int flat = g.outH() * wp;
            // Slack past the plane: vector blocks past the last output read up to a step beyond it.
            int plane = hp * wp + (g.s() - 1) * g.dilationW() + ONE_CHANNEL_STEP;
            return new Layout(hp, wp, flat, plane);
        }
    }

    /** Copies channels {@code c0 .. c0+count} of image {@code n} into zero-padded planes. */
    private static void pad(ConvGeometry g, Layout lay, float[] x, int n, int c0, int count, float[] dst) {
        Arrays.fill(dst, 0, count * lay.plane, 0f);
        for (int c = 0; c < count; c++) {
            int src = ((n * g.c() + c0 + c) * g.h()) * g.w();
            int base = c * lay.plane + g.padTop() * lay.wp + g.padLeft();
            for (int iy = 0; iy < g.h(); iy++) {
                System.arraycopy(x, src + iy * g.w(), dst, base + iy * lay.wp, g.w());
            }
        }
    }

    void forward(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y) {
        Layout lay = Layout.of(g);
        int cpg = g.cPerGroup(), kpg = g.kPerGroup(), taps = g.r() * g.s();
        int blocksPerGroup = (kpg + KB - 1) / KB, blocks = g.groups() * blocksPerGroup;
        // Weights as [block][c][tap][KB], zero past the group's last channel.
        float[] wr = new float[blocks * cpg * taps * KB];
        for (int b = 0; b < blocks; b++) {
            int grp = b / blocksPerGroup, k0 = (b % blocksPerGroup) * KB;
            for (int j = 0; j < KB && k0 + j < kpg; j++) {
                int k = grp * kpg + k0 + j;
                for (int c = 0; c < cpg; c++) {
                    for (int t = 0; t < taps; t++) {
                        wr[((b * cpg + c) * taps + t) * KB + j] = w[(k * cpg + c) * taps + t];
                    }
                }
            }
        }
        int[] offsets = tapOffsets(g, lay.wp);
        int items = g.n() * blocks;
        int tasks = Math.min(pool.threads(), items);
        int step = kpg == 1 ? ONE_CHANNEL_STEP : STEP, span = (lay.flat + step - 1) / step * step;
        pool.run(tasks, t -> {
            int from = (int) ((long) items * t / tasks), to = (int) ((long) items * (t + 1) / tasks);
            ConvScratch scratch = ConvScratch.get();
            float[] planes = scratch.floats(ConvScratch.COLS, (long) cpg * lay.plane);
            float[] out = scratch.floats(ConvScratch.OUT, (long) KB * span);
            int paddedImage = -1, paddedGroup = -1;
            for (int i = from; i < to; i++) {
                int n = i / blocks, b = i % blocks, grp = b / blocksPerGroup, k0 = (b % blocksPerGroup) * KB;
                if (n != paddedImage || grp != paddedGroup) {
                    pad(g, lay, x, n, grp * cpg, cpg, planes);
                    paddedImage = n;
                    paddedGroup = grp;
                }
                if (kpg == 1) {
                    oneChannel(planes, lay.plane, cpg, wr, b * cpg * taps * KB, offsets, span, out);
                } else {
                    block(planes, lay.plane, cpg, wr, b * cpg * taps * KB, offsets, span, out);
                }
                for (int j = 0; j < KB && k0 + j < kpg; j++) {
                    int k = grp * kpg + k0 + j;
                    float bk = bias == null ? 0f : bias[k];
                    int dst = (n * g.k() + k) * g.outH() * g.outW();
                    for (int oy = 0; oy < g.outH(); oy++) {
                        System.arraycopy(out, j * span + oy * lay.wp, y, dst + oy * g.outW(), g.outW());
                    }
                    if (bias != null) {
                        FloatLoweredConvolution.addBias(y, dst, g.outH() * g.outW(), bk);
                    }
                }
            }
        });
    }

    /** Flat offset of each tap {@code (r, s)} in a padded plane of width {@code wp}. */
    private static int[] tapOffsets(ConvGeometry g, int wp) {
        int[] off = new int[g.r() * g.s()];
        for (int r = 0; r < g.r(); r++) {
            for (int s = 0; s < g.s(); s++) {
                off[r * g.s() + s] = r * g.dilationH() * wp + s * g.dilationW();
            }
        }
        return off;
    }

    /** {@link #block} for one output channel ({@code wr}'s first of each {@link #KB}), twelve vectors per step. */
    private static void oneChannel(float[] planes, int plane, int channels, float[] wr, int wOff, int[] offsets,
                                   int span, float[] out) {
        int taps = offsets.length;
        for (int i = 0; i < span; i += ONE_CHANNEL_STEP) {
            FloatVector z = FloatVector.zero(SPECIES);
            FloatVector a0 = z, a1 = z, a2 = z, a3 = z, a4 = z, a5 = z, a6 = z, a7 = z, a8 = z, a9 = z, a10 = z, a11 = z;
            int wi = wOff;
            for (int c = 0; c < channels; c++) {
                int base = c * plane + i;
                for (int t = 0; t < taps; t++, wi += KB) {
                    int at = base + offsets[t];
                    FloatVector wv = FloatVector.broadcast(SPECIES, wr[wi]);
                    a0 = FloatVector.fromArray(SPECIES, planes, at + 0 * L).fma(wv, a0);
                    a1 = FloatVector.fromArray(SPECIES, planes, at + 1 * L).fma(wv, a1);
                    a2 = FloatVector.fromArray(SPECIES, planes, at + 2 * L).fma(wv, a2);
                    a3 = FloatVector.fromArray(SPECIES, planes, at + 3 * L).fma(wv, a3);
                    a4 = FloatVector.fromArray(SPECIES, planes, at + 4 * L).fma(wv, a4);
                    a5 = FloatVector.fromArray(SPECIES, planes, at + 5 * L).fma(wv, a5);
                    a6 = FloatVector.fromArray(SPECIES, planes, at + 6 * L).fma(wv, a6);
                    a7 = FloatVector.fromArray(SPECIES, planes, at + 7 * L).fma(wv, a7);
                    a8 = FloatVector.fromArray(SPECIES, planes, at + 8 * L).fma(wv, a8);
                    a9 = FloatVector.fromArray(SPECIES, planes, at + 9 * L).fma(wv, a9);
                    a10 = FloatVector.fromArray(SPECIES, planes, at + 10 * L).fma(wv, a10);
                    a11 = FloatVector.fromArray(SPECIES, planes, at + 11 * L).fma(wv, a11);
                }
            }
            a0.intoArray(out, i + 0 * L);
            a1.intoArray(out, i + 1 * L);
            a2.intoArray(out, i + 2 * L);
            a3.intoArray(out, i + 3 * L);
            a4.intoArray(out, i + 4 * L);
            a5.intoArray(out, i + 5 * L);
            a6.intoArray(out, i + 6 * L);
            a7.intoArray(out, i + 7 * L);
            a8.intoArray(out, i + 8 * L);
            a9.intoArray(out, i + 9 * L);
            a10.intoArray(out, i + 10 * L);
            a11.intoArray(out, i + 11 * L);
        }
    }

    /**
     * {@code out[j][i] = Σ_c Σ_tap wr[c][tap][j]·planes[c][i + offset[tap]]} for {@code j < KB},
     * {@code i < span} (a multiple of {@link #STEP}): 4 channels × 3 vectors of accumulators, so
     * each tap costs 3 loads and 4 broadcasts for 12 multiply-adds.
     */
    private static void block(float[] planes, int plane, int channels, float[] wr, int wOff, int[] offsets,
                              int span, float[] out) {
        int taps = offsets.length;
        for (int i = 0; i < span; i += STEP) {
            FloatVector a0 = FloatVector.zero(SPECIES), a1 = a0, a2 = a0, b0 = a0, b1 = a0, b2 = a0;
            FloatVector c0 = a0, c1 = a0, c2 = a0, d0 = a0, d1 = a0, d2 = a0;
            int wi = wOff;
            for (int c = 0; c < channels; c++) {
                int base = c * plane + i;
                for (int t = 0; t < taps; t++, wi += KB) {
                    int at = base + offsets[t];
                    FloatVector x0 = FloatVector.fromArray(SPECIES, planes, at);
                    FloatVector x1 = FloatVector.fromArray(SPECIES, planes, at + L);
                    FloatVector x2 = FloatVector.fromArray(SPECIES, planes, at + 2 * L);
                    FloatVector wv = FloatVector.broadcast(SPECIES, wr[wi]);
                    a0 = x0.fma(wv, a0);
                    a1 = x1.fma(wv, a1);
                    a2 = x2.fma(wv, a2);
                    wv = FloatVector.broadcast(SPECIES, wr[wi + 1]);
                    b0 = x0.fma(wv, b0);
                    b1 = x1.fma(wv, b1);
                    b2 = x2.fma(wv, b2);
                    wv = FloatVector.broadcast(SPECIES, wr[wi + 2]);
                    c0 = x0.fma(wv, c0);
                    c1 = x1.fma(wv, c1);
                    c2 = x2.fma(wv, c2);
                    wv = FloatVector.broadcast(SPECIES, wr[wi + 3]);
                    d0 = x0.fma(wv, d0);
                    d1 = x1.fma(wv, d1);
                    d2 = x2.fma(wv, d2);
                }
            }
            a0.intoArray(out, i);
            a1.intoArray(out, i + L);
            a2.intoArray(out, i + 2 * L);
            b0.intoArray(out, span + i);
            b1.intoArray(out, span + i + L);
            b2.intoArray(out, span + i + 2 * L);
            c0.intoArray(out, 2 * span + i);
            c1.intoArray(out, 2 * span + i + L);
            c2.intoArray(out, 2 * span + i + 2 * L);
            d0.intoArray(out, 3 * span + i);
            d1.intoArray(out, 3 * span + i + L);
            d2.intoArray(out, 3 * span + i + 2 * L);
        }
    }

    void backwardData(ConvGeometry g, float[] dy, float[] w, float[] dx) {
        forward(backwardDataGeometry(g), dy, flipTransposed(g, w), null, dx);
    }

    /**
     * Backward data at stride 1 as a forward convolution: {@code dy} is the input (K channels),
     * the output has C channels, and each side is padded by the dilated kernel span minus the
     * original padding.
     */
    static ConvGeometry backwardDataGeometry(ConvGeometry g) {
        int spanH = (g.r() - 1) * g.dilationH(), spanW = (g.s() - 1) * g.dilationW();
        return new ConvGeometry(g.n(), g.k(), g.outH(), g.outW(), g.c(), g.r(), g.s(), 1, 1,
                spanH - g.padTop(), spanH - g.padBottom(), spanW - g.padLeft(), spanW - g.padRight(),
                g.dilationH(), g.dilationW(), g.groups());
    }

    /**
     * The kernel of {@link #backwardDataGeometry}: {@code w'[c, k_in_group, R-1-r, S-1-s] =
     * w[k, c_in_group, r, s]}, in the calling thread's {@link ConvScratch#SPECTRA} (valid until
     * its next convolution; the forward passes that take it leave that slot alone).
     */
    static float[] flipTransposed(ConvGeometry g, float[] w) {
        int cpg = g.cPerGroup(), kpg = g.kPerGroup(), taps = g.r() * g.s();
        float[] flipped = ConvScratch.get().floats(ConvScratch.SPECTRA, g.weightSize());
        for (int k = 0; k < g.k(); k++) {
            int grp = k / kpg, ki = k % kpg;
            for (int ci = 0; ci < cpg; ci++) {
                int c = grp * cpg + ci;
                for (int tap = 0; tap < taps; tap++) {
                    flipped[(c * kpg + ki) * taps + taps - 1 - tap] = w[(k * cpg + ci) * taps + tap];
                }
            }
        }
        return flipped;
    }

    /**
     * Output channels that one backward-filter pass over an input plane serves: each input
     * vector loaded feeds four multiply-adds (one channel at a time, fashion-MNIST's first layer
     * loaded five vectors per four).
     */
    private static final int FILTER_KB = 4;

    void backwardFilter(ConvGeometry g, float[] x, float[] dy, float[] dw, float[] dbias) {
        Layout lay = Layout.of(g);
        int cpg = g.cPerGroup(), kpg = g.kPerGroup(), taps = g.r() * g.s();
        int oh = g.outH(), ow = g.outW();
        int span = (lay.flat + L - 1) / L * L;
        int[] offsets = tapOffsets(g, lay.wp);
        // Tasks take blocks of a group's output channels in contiguous ranges; each pads an image
        // once for all of its blocks in that group.
        int blocksPerGroup = (kpg + FILTER_KB - 1) / FILTER_KB, items = g.groups() * blocksPerGroup;
        int tasks = Math.min(pool.threads(), items);
        pool.run(tasks, t -> {
            int from = (int) ((long) items * t / tasks), to = (int) ((long) items * (t + 1) / tasks);
            ConvScratch scratch = ConvScratch.get();
            float[] planes = scratch.floats(ConvScratch.COLS, (long) cpg * lay.plane);
            // The block's gradient planes at the padded row stride; the gaps between rows, and the
            // planes of channels past a group's last, stay zero.
            float[] flatDy = scratch.floats(ConvScratch.OUT, (long) FILTER_KB * span);
            Arrays.fill(flatDy, 0, FILTER_KB * span, 0f);
            // Per weight, L lane partial sums, carried across images.
            int perK = cpg * taps * L;
            float[] acc = scratch.floats(ConvScratch.SPECTRA, (long) (to - from) * FILTER_KB * perK);
            Arrays.fill(acc, 0, (to - from) * FILTER_KB * perK, 0f);
            for (int n = 0; n < g.n(); n++) {
                int paddedGroup = -1;
                for (int item = from; item < to; item++) {
                    int grp = item / blocksPerGroup, k0 = grp * kpg + item % blocksPerGroup * FILTER_KB;
                    int count = Math.min(FILTER_KB, (grp + 1) * kpg - k0);
                    if (grp != paddedGroup) {
                        pad(g, lay, x, n, grp * cpg, cpg, planes);
                        paddedGroup = grp;
                    }
                    for (int kk = 0; kk < FILTER_KB; kk++) {
                        if (kk < count) {
                            int src = (n * g.k() + k0 + kk) * oh * ow;
                            for (int oy = 0; oy < oh; oy++) {
                                System.arraycopy(dy, src + oy * ow, flatDy, kk * span + oy * lay.wp, ow);
                            }
                        } else {
                            Arrays.fill(flatDy, kk * span, (kk + 1) * span, 0f);
                        }
                    }
                    for (int c = 0; c < cpg; c++) {
                        dots(flatDy, span, planes, c * lay.plane, offsets, acc, (item - from) * FILTER_KB * perK + c * taps * L,
                                perK);
                    }
                }
            }
            for (int item = from; item < to; item++) {
                int grp = item / blocksPerGroup, k0 = grp * kpg + item % blocksPerGroup * FILTER_KB;
                int count = Math.min(FILTER_KB, (grp + 1) * kpg - k0);
                for (int kk = 0; kk < count; kk++) {
                    for (int i = 0; i < cpg * taps; i++) {
                        dw[(k0 + kk) * cpg * taps + i] = FloatLoweredConvolution.laneSum(acc,
                                ((item - from) * FILTER_KB + kk) * perK + i * L);
                    }
                }
            }
        });
        lowered.biasGradient(g, dy, dbias);
    }

    /**
     * {@code acc[at + kk·perK + tap·L ..] += lanes of Σ_{i<span} dy[kk·span + i]·planes[base + offset[tap] + i]}
     * for the {@link #FILTER_KB} gradient planes {@code kk}, four taps per pass.
     */
    private static void dots(float[] dy, int span, float[] planes, int base, int[] offsets, float[] acc, int at,
                             int perK) {
        int taps = offsets.length, t = 0;
        int d1 = span, d2 = 2 * span, d3 = 3 * span;
        for (; t + 4 <= taps; t += 4) {
            int o0 = base + offsets[t], o1 = base + offsets[t + 1], o2 = base + offsets[t + 2], o3 = base + offsets[t + 3];
            int a = at + t * L, b = a + perK, c = b + perK, e = c + perK;
            FloatVector s00 = FloatVector.fromArray(SPECIES, acc, a), s01 = FloatVector.fromArray(SPECIES, acc, a + L);
            FloatVector s02 = FloatVector.fromArray(SPECIES, acc, a + 2 * L), s03 = FloatVector.fromArray(SPECIES, acc, a + 3 * L);
            FloatVector s10 = FloatVector.fromArray(SPECIES, acc, b), s11 = FloatVector.fromArray(SPECIES, acc, b + L);
            FloatVector s12 = FloatVector.fromArray(SPECIES, acc, b + 2 * L), s13 = FloatVector.fromArray(SPECIES, acc, b + 3 * L);
            FloatVector s20 = FloatVector.fromArray(SPECIES, acc, c), s21 = FloatVector.fromArray(SPECIES, acc, c + L);
            FloatVector s22 = FloatVector.fromArray(SPECIES, acc, c + 2 * L), s23 = FloatVector.fromArray(SPECIES, acc, c + 3 * L);
            FloatVector s30 = FloatVector.fromArray(SPECIES, acc, e), s31 = FloatVector.fromArray(SPECIES, acc, e + L);
            FloatVector s32 = FloatVector.fromArray(SPECIES, acc, e + 2 * L), s33 = FloatVector.fromArray(SPECIES, acc, e + 3 * L);
            for (int i = 0; i < span; i += L) {
                FloatVector x0 = FloatVector.fromArray(SPECIES, planes, o0 + i), x1 = FloatVector.fromArray(SPECIES, planes, o1 + i);
                FloatVector x2 = FloatVector.fromArray(SPECIES, planes, o2 + i), x3 = FloatVector.fromArray(SPECIES, planes, o3 + i);
                FloatVector d = FloatVector.fromArray(SPECIES, dy, i);
                s00 = d.fma(x0, s00);
                s01 = d.fma(x1, s01);
                s02 = d.fma(x2, s02);
                s03 = d.fma(x3, s03);
                d = FloatVector.fromArray(SPECIES, dy, d1 + i);
                s10 = d.fma(x0, s10);
                s11 = d.fma(x1, s11);
                s12 = d.fma(x2, s12);
                s13 = d.fma(x3, s13);
                d = FloatVector.fromArray(SPECIES, dy, d2 + i);
                s20 = d.fma(x0, s20);
                s21 = d.fma(x1, s21);
                s22 = d.fma(x2, s22);
                s23 = d.fma(x3, s23);
                d = FloatVector.fromArray(SPECIES, dy, d3 + i);
                s30 = d.fma(x0, s30);
                s31 = d.fma(x1, s31);
                s32 = d.fma(x2, s32);
                s33 = d.fma(x3, s33);
            }
            s00.intoArray(acc, a);
            s01.intoArray(acc, a + L);
            s02.intoArray(acc, a + 2 * L);
            s03.intoArray(acc, a + 3 * L);
            s10.intoArray(acc, b);
            s11.intoArray(acc, b + L);
            s12.intoArray(acc, b + 2 * L);
            s13.intoArray(acc, b + 3 * L);
            s20.intoArray(acc, c);
            s21.intoArray(acc, c + L);
            s22.intoArray(acc, c + 2 * L);
            s23.intoArray(acc, c + 3 * L);
            s30.intoArray(acc, e);
            s31.intoArray(acc, e + L);
            s32.intoArray(acc, e + 2 * L);
            s33.intoArray(acc, e + 3 * L);
        }
        for (; t < taps; t++) {
            int o = base + offsets[t], a = at + t * L;
            FloatVector s0 = FloatVector.fromArray(SPECIES, acc, a), s1 = FloatVector.fromArray(SPECIES, acc, a + perK);
            FloatVector s2 = FloatVector.fromArray(SPECIES, acc, a + 2 * perK);
            FloatVector s3 = FloatVector.fromArray(SPECIES, acc, a + 3 * perK);
            for (int i = 0; i < span; i += L) {
                FloatVector xv = FloatVector.fromArray(SPECIES, planes, o + i);
                s0 = FloatVector.fromArray(SPECIES, dy, i).fma(xv, s0);
                s1 = FloatVector.fromArray(SPECIES, dy, d1 + i).fma(xv, s1);
                s2 = FloatVector.fromArray(SPECIES, dy, d2 + i).fma(xv, s2);
                s3 = FloatVector.fromArray(SPECIES, dy, d3 + i).fma(xv, s3);
            }
            s0.intoArray(acc, a);
            s1.intoArray(acc, a + perK);
            s2.intoArray(acc, a + 2 * perK);
            s3.intoArray(acc, a + 3 * perK);
        }
    }
}
