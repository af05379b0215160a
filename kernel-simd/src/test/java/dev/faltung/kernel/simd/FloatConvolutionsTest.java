package dev.faltung.kernel.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.faltung.kernel.Buffer;
import dev.faltung.kernel.DType;
import dev.faltung.kernel.conv.ConvAlgorithm;
import dev.faltung.kernel.conv.ConvGeometry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * This backend's own float32 convolutions (forward, backward data, backward filter of DIRECT,
 * IM2COL, FFT and WINOGRAD) against the reference DIRECT in float64, element by element, within each
 * algorithm's documented bound: {@code |ŷ - y| ≤ γ·m} where {@code m} is the same computation
 * on absolute values ({@code Σ|w||x|}, computed by the reference) and {@code γ} the algorithm's
 * error constant times {@code u = 2⁻²⁴}. Results must also be bit-identical for 1 and 3 threads.
 */
class FloatConvolutionsTest {

    private static final double U = 0x1p-24;

    /** Groups, strides, dilations, asymmetric padding, 1x1, C = 1, odd sizes, padding past the kernel. */
    private static final ConvGeometry[] GEOMETRIES = {
        new ConvGeometry(2, 3, 9, 17, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1),
        new ConvGeometry(3, 4, 8, 15, 6, 3, 2, 2, 1, 0, 1, 1, 0, 1, 2, 2),
        new ConvGeometry(3, 2, 5, 7, 33, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1),
        new ConvGeometry(2, 4, 11, 10, 6, 3, 4, 1, 1, 2, 0, 1, 3, 2, 1, 2),
        new ConvGeometry(5, 1, 12, 13, 7, 5, 5, 1, 1, 0, 0, 0, 0, 1, 1, 1),
        new ConvGeometry(2, 2, 6, 6, 3, 2, 2, 1, 1, 2, 2, 2, 2, 1, 1, 1),
        new ConvGeometry(3, 6, 19, 21, 9, 7, 6, 1, 1, 3, 3, 2, 3, 1, 1, 3),
        new ConvGeometry(2, 3, 23, 20, 4, 11, 11, 4, 3, 0, 1, 2, 0, 1, 1, 1),
        new ConvGeometry(3, 4, 13, 9, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2),
        new ConvGeometry(2, 5, 19, 22, 3, 3, 3, 1, 1, 0, 2, 3, 1, 1, 1, 1),
        // Many output channels on narrow rows: DIRECT puts channels in the lanes, with each of
        // its register tiles (14x2, 16x1, 6x4 vectors), strided and grouped too.
        new ConvGeometry(2, 8, 5, 14, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1),
        new ConvGeometry(2, 8, 5, 16, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1),
        new ConvGeometry(2, 8, 6, 12, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1),
        new ConvGeometry(2, 8, 11, 13, 32, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 2),
        // WINOGRAD's fused forward: planes of several units of tiles, split into bands, blocks of
        // eight output channels with a partial last one, groups, and padding past the kernel
        // (backward data crops).
        new ConvGeometry(2, 5, 20, 24, 19, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1),
        new ConvGeometry(1, 6, 26, 17, 18, 3, 3, 1, 1, 0, 2, 1, 0, 1, 1, 2),
        new ConvGeometry(1, 3, 12, 10, 4, 3, 3, 1, 1, 3, 3, 3, 3, 1, 1, 1),
        // The same for F(2x2, 5x5): two phase planes a side, windows reaching two tiles on;
        // several bands, groups, asymmetric padding, padding past the kernel, odd sides.
        new ConvGeometry(2, 4, 40, 37, 10, 5, 5, 1, 1, 2, 1, 2, 3, 1, 1, 1),
        new ConvGeometry(2, 6, 17, 23, 12, 5, 5, 1, 1, 0, 3, 1, 2, 1, 1, 2),
        new ConvGeometry(1, 3, 7, 6, 9, 5, 5, 1, 1, 5, 4, 3, 5, 1, 1, 1),
    };

    /**
     * Batches of 16 images or more, where DIRECT may put the images in the lanes: partial last
     * groups of images, both channel blocks (4 and 2, K = 1 with an empty channel), strides,
     * dilations (the sliding tiles need neither horizontally), groups, asymmetric padding, rows
     * wider than a vector and narrower than a tile, and rows of 14 (tiles of 5, 5 and 4) under
     * 3- and 5-wide kernels, whose tiles have their tap loops unrolled.
     */
    private static final ConvGeometry[] BATCHES = {
        new ConvGeometry(17, 6, 14, 14, 16, 5, 5, 1, 1, 0, 0, 0, 0, 1, 1, 1),
        new ConvGeometry(33, 3, 9, 11, 6, 3, 3, 1, 1, 1, 0, 2, 1, 1, 1, 1),
        new ConvGeometry(16, 4, 12, 13, 6, 3, 2, 2, 1, 1, 2, 0, 1, 2, 1, 2),
        new ConvGeometry(20, 2, 11, 10, 4, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1),
        new ConvGeometry(16, 3, 10, 12, 8, 3, 3, 1, 1, 2, 2, 2, 2, 1, 2, 1),
        new ConvGeometry(18, 2, 8, 8, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1),
        new ConvGeometry(16, 1, 20, 37, 4, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1, 1),
        new ConvGeometry(31, 5, 5, 5, 12, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 1),
        new ConvGeometry(16, 3, 12, 14, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1),
        new ConvGeometry(17, 2, 14, 14, 8, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1, 1),
        // One output channel: tiles of fourteen positions, sliding and strided.
        new ConvGeometry(16, 3, 20, 30, 1, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1, 1),
        new ConvGeometry(17, 2, 9, 40, 1, 3, 3, 1, 2, 1, 1, 1, 1, 1, 1, 1),
    };

    private static final ConvAlgorithm[] SPECIALISED = {
        ConvAlgorithm.DIRECT, ConvAlgorithm.IM2COL, ConvAlgorithm.FFT, ConvAlgorithm.WINOGRAD};

    /**
     * One computation of one direction: expected values, their magnitudes (the computation on
     * absolute values), the elementwise constant {@code gamma}, an absolute {@code floor}, and
     * whether the bound is normwise (FFT: relative to the largest magnitude, see
     * {@link FloatFftConvolution}).
     */
    private record Case(String what, double[] want, double[] magnitude, float[] got, double gamma, double floor,
                        boolean normwise) {
    }

    /**
     * Winograd's bound is not elementwise in Σ|w||x| but in the largest input and weight:
     * {@code (n + 6)·u·n·max|x|·max|w|·a²} with {@code n} the channels summed (see {@link FloatWinogradConvolution}).
     */
    private static double winogradFloor(ConvAlgorithm a, ConvGeometry g, int n, float[] in, float[] w) {
        if (a != ConvAlgorithm.WINOGRAD) return 0;
        double mx = 0, mw = 0;
        for (float v : in) mx = Math.max(mx, Math.abs(v));
        for (float v : w) mw = Math.max(mw, Math.abs(v));
        FloatWinogradConvolution.Tile tile = g.r() == 5
                ? FloatWinogradConvolution.Tile.F2X2_5X5 : FloatWinogradConvolution.Tile.F4X4_3X3;
        return (n + 6) * U * n * mx * mw * tile.amplification();
    }

    @Test
    void everySpecialisedPathMatchesTheFloat64ReferenceWithinItsBound() {
        Random rnd = new Random(11);
        int specialised = 0;
        for (int gi = 0; gi < GEOMETRIES.length; gi++) {
            ConvGeometry g = GEOMETRIES[gi];
            float[] x = Check.randomFloats(rnd, g.inputSize(), -1, 1);
            float[] w = Check.randomFloats(rnd, g.weightSize(), -1, 1);
            float[] bias = gi % 2 == 0 ? null : Check.randomFloats(rnd, g.k(), -1, 1);
            float[] dy = Check.randomFloats(rnd, g.outputSize(), -1, 1);
            for (ConvAlgorithm a : SPECIALISED) {
                for (long budget : new long[] {FloatLoweredConvolution.COLS_BUDGET, 4000}) {
                    List<float[][]> perThreads = new ArrayList<>();
                    for (int threads : new int[] {1, 3}) {
                        WorkerPool pool = WorkerPool.of(threads);
                        // The small budget also leaves Winograd's backward filter one slice of the batch,
                        // split by input channels instead.
                        FloatConvolutions conv = new FloatConvolutions(pool, new FloatGemm(pool), budget,
                                budget == FloatLoweredConvolution.COLS_BUDGET ? FloatWinogradConvolution.SUMS_BUDGET : budget);
                        float[] y = new float[g.outputSize()], dx = new float[g.inputSize()];
                        float[] dw = new float[g.weightSize()], db = bias == null ? null : new float[g.k()];
                        java.util.Arrays.fill(y, Float.NaN);
                        java.util.Arrays.fill(dx, Float.NaN);
                        java.util.Arrays.fill(dw, Float.NaN);
                        String tag = a + " threads=" + threads + " budget=" + budget + " " + g;
                        if (conv.forward(a, g, x, w, bias, y)) {
                            specialised++;
                            check(forwardCase(tag, a, g, x, w, bias, y));
                        }
                        if (conv.backwardData(a, g, dy, w, dx)) {
                            specialised++;
                            check(backwardDataCase(tag, a, g, dy, w, dx));
                        }
                        if (conv.backwardFilter(a, g, x, dy, dw, db)) {
                            specialised++;
                            for (Case c : backwardFilterCases(tag, a, g, x, dy, dw, db)) check(c);
                        }
                        perThreads.add(new float[][] {y, dx, dw, db == null ? new float[0] : db});
                    }
                    for (int i = 0; i < 4; i++) {
                        Check.identical(a + " output " + i + " for 1 vs 3 threads, budget " + budget + ", " + g,
                                perThreads.get(0)[i], perThreads.get(1)[i]);
                    }
                }
            }
        }
        assertTrue(specialised > 100, "most paths are specialised, got " + specialised);
    }

    @Test
    void imagesInTheLanesMatchTheFloat64ReferenceWithinTheirBound() {
        Random rnd = new Random(12);
        for (int gi = 0; gi < BATCHES.length; gi++) {
            ConvGeometry g = BATCHES[gi];
            float[] x = Check.randomFloats(rnd, g.inputSize(), -1, 1);
            float[] w = Check.randomFloats(rnd, g.weightSize(), -1, 1);
            float[] bias = gi % 2 == 0 ? null : Check.randomFloats(rnd, g.k(), -1, 1);
            float[] dy = Check.randomFloats(rnd, g.outputSize(), -1, 1);
            List<float[][]> perThreads = new ArrayList<>();
            for (int threads : new int[] {1, 3}) {
                WorkerPool pool = WorkerPool.of(threads);
                FloatBatchLaneConvolution conv = new FloatBatchLaneConvolution(pool,
                        new FloatLoweredConvolution(pool, new FloatGemm(pool), FloatLoweredConvolution.COLS_BUDGET));
                float[] y = new float[g.outputSize()], dx = new float[g.inputSize()];
                float[] dw = new float[g.weightSize()], db = bias == null ? null : new float[g.k()];
                java.util.Arrays.fill(y, Float.NaN);
                java.util.Arrays.fill(dx, Float.NaN);
                java.util.Arrays.fill(dw, Float.NaN);
                String tag = "images in lanes, threads=" + threads + " " + g;
                assertTrue(FloatBatchLaneConvolution.applies(g), tag);
                conv.forward(g, x, w, bias, y);
                check(forwardCase(tag, ConvAlgorithm.DIRECT, g, x, w, bias, y));
                if (FloatBatchLaneConvolution.appliesBackwardData(g)) {
                    conv.backwardData(g, dy, w, dx);
                    check(backwardDataCase(tag, ConvAlgorithm.DIRECT, g, dy, w, dx));
                }
                conv.backwardFilter(g, x, dy, dw, db);
                for (Case c : backwardFilterCases(tag, ConvAlgorithm.DIRECT, g, x, dy, dw, db)) check(c);
                perThreads.add(new float[][] {y, dx, dw, db == null ? new float[0] : db});
            }
            for (int i = 0; i < 4; i++) {
                Check.identical("images in lanes, output " + i + " for 1 vs 3 threads, " + g,
                        perThreads.get(0)[i], perThreads.get(1)[i]);
            }
        }
    }

    @Test
    void directPutsInTheLanesWhatFillsThem() {
        assertEquals(FloatConvolutions.Layout.CHANNELS, FloatConvolutions.forwardLayout(GEOMETRIES[10]),
                "32 channels, 14-wide rows");
        assertEquals(FloatConvolutions.Layout.CHANNELS, FloatConvolutions.forwardLayout(GEOMETRIES[12]),
                "64 channels, 12-wide rows");
        assertEquals(FloatConvolutions.Layout.CHANNELS, FloatConvolutions.forwardLayout(GEOMETRIES[13]), "stride 2");
        assertEquals(FloatConvolutions.Layout.ROWS, FloatConvolutions.forwardLayout(GEOMETRIES[4]),
                "7 channels from 1: rows fill the lanes");
        ConvGeometry lenetConv2 = new ConvGeometry(64, 6, 14, 14, 16, 5, 5, 1, 1, 0, 0, 0, 0, 1, 1, 1);
        assertEquals(FloatConvolutions.Layout.IMAGES, FloatConvolutions.forwardLayout(lenetConv2),
                "6 to 16 channels on 10-wide rows, a batch of 64");
        assertEquals(FloatConvolutions.Layout.ROWS, FloatConvolutions.forwardLayout(
                new ConvGeometry(1, 6, 14, 14, 16, 5, 5, 1, 1, 0, 0, 0, 0, 1, 1, 1)), "the same layer for one image");
        ConvGeometry fmnistConv2 = new ConvGeometry(64, 32, 14, 14, 64, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1, 1);
        assertEquals(FloatConvolutions.Layout.IMAGES, FloatConvolutions.forwardLayout(
                FloatDirectConvolution.backwardDataGeometry(fmnistConv2)),
                "64 to 32 channels on 18-wide padded rows: the rows under an output row fit L2");
        assertEquals(FloatConvolutions.Layout.CHANNELS, FloatConvolutions.forwardLayout(
                new ConvGeometry(16, 64, 56, 56, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1)),
                "64 channels on 58-wide rows: the rows under an output row outgrow L2");
        ConvGeometry fmnistConv1 = new ConvGeometry(64, 1, 28, 28, 32, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1, 1);
        assertEquals(FloatConvolutions.Layout.IMAGES, FloatConvolutions.forwardLayout(fmnistConv1));
        assertEquals(FloatConvolutions.Layout.ROWS, FloatConvolutions.forwardLayout(
                FloatDirectConvolution.backwardDataGeometry(fmnistConv1)),
                "one output channel from 32: each input element feeds 25 multiply-adds, too few to pay for the lanes");
    }

    /**
     * F(4×4, 3×3) and F(2×2, 5×5) run here in every pass, not in the shared implementation, also
     * on planes whose 64 channels' phase planes outgrow the budget and so are split into bands
     * (backward filter: two per image), on batches split into their fixed slices, and with
     * groups; within the bound and identical for 1 and 3 threads.
     */
    @Test
    void winogradRunsHereInEveryPassAcrossBandsAndSlices() {
        Random rnd = new Random(13);
        FloatWinogradConvolution.Tile f4 = FloatWinogradConvolution.Tile.F4X4_3X3;
        FloatWinogradConvolution.Tile f2 = FloatWinogradConvolution.Tile.F2X2_5X5;
        Map<ConvGeometry, FloatWinogradConvolution.Tile> cases = new LinkedHashMap<>();
        cases.put(new ConvGeometry(1, 64, 60, 60, 8, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1, 1), f2);
        cases.put(new ConvGeometry(11, 5, 9, 12, 19, 5, 5, 1, 1, 1, 3, 2, 0, 1, 1, 1), f2);
        cases.put(new ConvGeometry(1, 64, 60, 60, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1), f4);
        cases.put(new ConvGeometry(11, 6, 13, 10, 34, 3, 3, 1, 1, 1, 0, 2, 1, 1, 1, 2), f4);
        cases.forEach((g, tile) -> {
            assertEquals(tile, FloatWinogradConvolution.tile(g), g.toString());
            float[] x = Check.randomFloats(rnd, g.inputSize(), -1, 1), w = Check.randomFloats(rnd, g.weightSize(), -1, 1);
            float[] bias = Check.randomFloats(rnd, g.k(), -1, 1), dy = Check.randomFloats(rnd, g.outputSize(), -1, 1);
            List<float[][]> perThreads = new ArrayList<>();
            for (int threads : new int[] {1, 3}) {
                WorkerPool pool = WorkerPool.of(threads);
                FloatConvolutions conv = new FloatConvolutions(pool, new FloatGemm(pool));
                float[] y = new float[g.outputSize()], dx = new float[g.inputSize()];
                float[] dw = new float[g.weightSize()], db = new float[g.k()];
                String tag = "winograd " + tile + " threads=" + threads + " " + g;
                assertTrue(conv.forward(ConvAlgorithm.WINOGRAD, g, x, w, bias, y), tag);
                assertTrue(conv.backwardData(ConvAlgorithm.WINOGRAD, g, dy, w, dx), tag);
                assertTrue(conv.backwardFilter(ConvAlgorithm.WINOGRAD, g, x, dy, dw, db), tag);
                check(forwardCase(tag, ConvAlgorithm.WINOGRAD, g, x, w, bias, y));
                check(backwardDataCase(tag, ConvAlgorithm.WINOGRAD, g, dy, w, dx));
                for (Case c : backwardFilterCases(tag, ConvAlgorithm.WINOGRAD, g, x, dy, dw, db)) check(c);
                perThreads.add(new float[][] {y, dx, dw, db});
            }
            for (int i = 0; i < 4; i++) {
                Check.identical("winograd " + tile + " output " + i + " for 1 vs 3 threads, " + g,
                        perThreads.get(0)[i], perThreads.get(1)[i]);
            }
        });
    }

    @Test
    void winogradsBackwardFilterDoesNotReadWhatEarlierCallsLeftInItsWorkArrays() {
        // Slack tiles of a 16x16 output read past the last tile row of the phase planes; every
        // tile sums into the weights, so a NaN left there by an earlier call must not get in.
        WorkerPool pool = WorkerPool.of(1);
        FloatConvolutions conv = new FloatConvolutions(pool, new FloatGemm(pool));
        ConvGeometry g = new ConvGeometry(1, 2, 16, 16, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1);
        ConvGeometry large = new ConvGeometry(2, 8, 40, 40, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1);
        Random rnd = new Random(5);
        float[] x = Check.randomFloats(rnd, g.inputSize(), -1, 1), dy = Check.randomFloats(rnd, g.outputSize(), -1, 1);
        float[] clean = new float[g.weightSize()], after = new float[g.weightSize()];
        assertTrue(conv.backwardFilter(ConvAlgorithm.WINOGRAD, g, x, dy, clean, null));
        float[] nan = new float[large.inputSize()];
        java.util.Arrays.fill(nan, Float.NaN);
        assertTrue(conv.forward(ConvAlgorithm.WINOGRAD, large, nan, Check.randomFloats(rnd, large.weightSize(), -1, 1),
                null, new float[large.outputSize()]));
        assertTrue(conv.backwardFilter(ConvAlgorithm.WINOGRAD, g, x, dy, after, null));
        Check.identical("winograd backward filter after a call on NaN inputs", clean, after);
    }

    @Test
    void directAndFftDeclineWhatTheyDoNotImplementAndIm2colTakesEverything() {
        WorkerPool pool = WorkerPool.of(1);
        FloatConvolutions conv = new FloatConvolutions(pool, new FloatGemm(pool));
        ConvGeometry strided = GEOMETRIES[1], overPadded = GEOMETRIES[5];
        float[] x = new float[strided.inputSize()], w = new float[strided.weightSize()], y = new float[strided.outputSize()];
        assertEquals(true, conv.forward(ConvAlgorithm.DIRECT, strided, x, w, null, y), "channels in the lanes");
        float[] sdw = new float[strided.weightSize()];
        assertEquals(true, conv.backwardFilter(ConvAlgorithm.DIRECT, strided, x, y, sdw, null));
        assertEquals(false, conv.backwardData(ConvAlgorithm.DIRECT, strided, y, w, new float[strided.inputSize()]),
                "backward data at stride 2 is not a forward convolution");
        assertEquals(true, conv.forward(ConvAlgorithm.IM2COL, strided, x, w, null, y));
        assertEquals(false, conv.forward(ConvAlgorithm.WINOGRAD, strided, x, w, null, y));
        assertEquals(true, conv.forward(ConvAlgorithm.FFT, strided, x, w, null, y), "FFT forward samples the stride-1 result");
        float[] sdx = new float[strided.inputSize()];
        assertEquals(false, conv.backwardData(ConvAlgorithm.FFT, strided, y, w, sdx));
        assertEquals(false, conv.backwardFilter(ConvAlgorithm.FFT, strided, x, y, w, null));
        float[] dy = new float[overPadded.outputSize()], wo = new float[overPadded.weightSize()];
        float[] dx = new float[overPadded.inputSize()];
        assertEquals(false, conv.backwardData(ConvAlgorithm.DIRECT, overPadded, dy, wo, dx),
                "padding 2 exceeds the 2x2 kernel's span 1: the flipped correlation would need negative padding");
    }

    private static Case forwardCase(String tag, ConvAlgorithm a, ConvGeometry g, float[] x, float[] w, float[] bias, float[] y) {
        Buffer want = Buffer.allocate(DType.FLOAT64, g.outputSize()), mag = Buffer.allocate(DType.FLOAT64, g.outputSize());
        Oracle.REFERENCE.convForward(ConvAlgorithm.DIRECT, g, Oracle.widen(x), Oracle.widen(w),
                bias == null ? null : Oracle.widen(bias), want);
        Oracle.REFERENCE.convForward(ConvAlgorithm.DIRECT, g, abs(x), abs(w), bias == null ? null : abs(bias), mag);
        int n = g.cPerGroup() * g.r() * g.s();
        return new Case("conv forward " + tag, Oracle.doubles(want), Oracle.doubles(mag), y, gamma(n + 1),
                winogradFloor(a, g, g.cPerGroup(), x, w), a == ConvAlgorithm.FFT);
    }

    private static Case backwardDataCase(String tag, ConvAlgorithm a, ConvGeometry g, float[] dy, float[] w, float[] dx) {
        Buffer want = Buffer.allocate(DType.FLOAT64, g.inputSize()), mag = Buffer.allocate(DType.FLOAT64, g.inputSize());
        Oracle.REFERENCE.convBackwardData(ConvAlgorithm.DIRECT, g, Oracle.widen(dy), Oracle.widen(w), want);
        Oracle.REFERENCE.convBackwardData(ConvAlgorithm.DIRECT, g, abs(dy), abs(w), mag);
        int n = g.kPerGroup() * g.r() * g.s() + g.r() * g.s() + 1;
        return new Case("conv backward data " + tag, Oracle.doubles(want), Oracle.doubles(mag), dx, gamma(n),
                winogradFloor(a, g, g.kPerGroup(), dy, w), a == ConvAlgorithm.FFT);
    }

    private static List<Case> backwardFilterCases(String tag, ConvAlgorithm a, ConvGeometry g, float[] x, float[] dy,
                                                  float[] dw, float[] db) {
        Buffer want = Buffer.allocate(DType.FLOAT64, g.weightSize()), mag = Buffer.allocate(DType.FLOAT64, g.weightSize());
        Buffer wantDb = Buffer.allocate(DType.FLOAT64, g.k()), magDb = Buffer.allocate(DType.FLOAT64, g.k());
        Oracle.REFERENCE.convBackwardFilter(ConvAlgorithm.DIRECT, g, Oracle.widen(x), Oracle.widen(dy), want, wantDb);
        Oracle.REFERENCE.convBackwardFilter(ConvAlgorithm.DIRECT, g, abs(x), abs(dy), mag, magDb);
        int p = g.outH() * (g.w() + g.padLeft() + g.padRight());
        int n = g.n() * p + 64;
        List<Case> cases = new ArrayList<>();
        if (a == ConvAlgorithm.WINOGRAD) {
            // Adjoint Winograd: each tile's term amplified by a², then N·T tiles summed.
            FloatWinogradConvolution.Tile tile = FloatWinogradConvolution.tile(g);
            int m = tile.m, tiles = g.n() * ((g.outH() + m - 1) / m) * ((g.outW() + m - 1) / m + tile.reach);
            n = (int) tile.amplification() + tiles + 64;
        }
        cases.add(new Case("conv backward filter dw " + tag, Oracle.doubles(want), Oracle.doubles(mag), dw, gamma(n), 0,
                a == ConvAlgorithm.FFT));
        if (db != null) {
            cases.add(new Case("conv backward filter dbias " + tag, Oracle.doubles(wantDb), Oracle.doubles(magDb), db,
                    (p + 64 + g.n()) * U, 0, false));
        }
        return cases;
    }

    /** The elementwise constant of the summing algorithms: {@code (terms + 2)·u}. */
    private static double gamma(int terms) {
        return (terms + 2) * U;
    }

    private static void check(Case c) {
        double floor = 0;
        for (double m : c.magnitude()) floor = Math.max(floor, m);
        double normFloor = c.normwise() ? FloatFftConvolution.ERROR_FACTOR * U * floor : 0;
        for (int i = 0; i < c.want().length; i++) {
            double bound = c.gamma() * c.magnitude()[i] + normFloor + c.floor() + 1e-30;
            double e = c.want()[i], a = c.got()[i];
            if (!(Math.abs(a - e) <= bound + U * Math.abs(e))) {
                fail(c.what() + ": first mismatch at index " + i + ": expected " + e + ", got " + a
                        + " (bound " + bound + ")");
            }
        }
    }

    private static Buffer abs(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = Math.abs((double) f[i]);
        return Buffer.of(d);
    }
}
