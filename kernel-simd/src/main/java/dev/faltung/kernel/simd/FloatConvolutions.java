package dev.faltung.kernel.simd;

import dev.faltung.kernel.conv.ConvAlgorithm;
import dev.faltung.kernel.conv.ConvGeometry;

/**
 * This backend's float32 convolution algorithms, by {@link ConvAlgorithm}: IM2COL lowers whole
 * chunks of images to one GEMM ({@link FloatLoweredConvolution}), DIRECT vectorises the loop
 * nest with output rows ({@link FloatDirectConvolution}, stride 1), output channels
 * ({@link FloatChannelLaneConvolution}) or images ({@link FloatBatchLaneConvolution}) in the
 * vector lanes, whichever wastes fewest multiply-adds for the geometry, FFT transforms tiles in
 * float lanes ({@link FloatFftConvolution}; backward passes at stride 1), WINOGRAD is F(4×4, 3×3)
 * or F(2×2, 5×5) with vectorised transforms ({@link FloatWinogradConvolution}; backward filter
 * included, where the shared implementation delegates that to IM2COL). Each method returns false when it has no
 * implementation for the algorithm and geometry, and the caller then runs the shared one.
 * Buffers are already checked. Thread-safe.
 */
final class FloatConvolutions {

    private final FloatLoweredConvolution lowered;
    private final FloatDirectConvolution direct;
    private final FloatChannelLaneConvolution channelLanes;
    private final FloatBatchLaneConvolution batchLanes;
    private final FloatFftConvolution fft;
    private final FloatWinogradConvolution winograd;

    FloatConvolutions(WorkerPool pool, FloatGemm gemm) {
        this(pool, gemm, FloatLoweredConvolution.COLS_BUDGET, FloatWinogradConvolution.SUMS_BUDGET);
    }

    /**
     * With IM2COL's patch matrix limited to {@code colsBudget} floats per chunk of images and
     * Winograd's backward-filter sums to {@code sumsBudget} (small ones force the chunked paths).
     */
    FloatConvolutions(WorkerPool pool, FloatGemm gemm, long colsBudget, long sumsBudget) {
        this.lowered = new FloatLoweredConvolution(pool, gemm, colsBudget);
        this.direct = new FloatDirectConvolution(pool, lowered);
        this.channelLanes = new FloatChannelLaneConvolution(pool, lowered);
        this.batchLanes = new FloatBatchLaneConvolution(pool, lowered);
        this.fft = new FloatFftConvolution(pool, lowered);
        this.winograd = new FloatWinogradConvolution(pool, sumsBudget);
    }

    boolean forward(ConvAlgorithm a, ConvGeometry g, float[] x, float[] w, float[] bias, float[] y) {
        switch (a) {
            case IM2COL -> lowered.forward(g, x, w, bias, y);
            case DIRECT -> {
                switch (forwardLayout(g)) {
                    case IMAGES -> batchLanes.forward(g, x, w, bias, y);
                    case CHANNELS -> channelLanes.forward(g, x, w, bias, y);
                    case ROWS -> direct.forward(g, x, w, bias, y);
                }
            }
            case FFT -> fft.forward(g, x, w, bias, y);
            case WINOGRAD -> {
                if (FloatWinogradConvolution.tile(g) == null) return false;
                winograd.forward(g, x, w, bias, y);
            }
            case AUTO -> throw new IllegalArgumentException("conv: AUTO must be resolved first");
        }
        return true;
    }

    /** What DIRECT puts in the vector lanes. */
    enum Layout { ROWS, CHANNELS, IMAGES }

    /**
     * Forces DIRECT's layout ({@code rows}, {@code channels} or {@code images}) for benchmarks
     * that compare them; a layout that does not apply to a geometry then fails.
     */
    static final String LAYOUT_PROPERTY = "faltung.simd.direct.layout";

    /**
     * DIRECT's layouts: the one whose register tiles waste fewest multiply-adds for the geometry;
     * rows only at stride 1, which their flattened planes need, and images only where the batch's
     * lane images fit an array.
     */
    static Layout forwardLayout(ConvGeometry g) {
        return choose(g, FloatDirectConvolution.applies(g) ? FloatDirectConvolution.forwardEfficiency(g) : -1,
                FloatChannelLaneConvolution.forwardEfficiency(g),
                FloatBatchLaneConvolution.applies(g) ? FloatBatchLaneConvolution.forwardEfficiency(g) : -1);
    }

    /**
     * The same choice for backward filter, by the layouts' backward-filter tiles; images in the
     * lanes only by a clear margin, since their tile loads an input vector per multiply-add pair
     * where the channel lanes broadcast one per vector (measured: ResNet-20's 32- and 64-channel
     * layers, Fashion-MNIST's second layer, 25-40 % slower at an equal share of useful lanes).
     */
    static Layout filterLayout(ConvGeometry g) {
        return choose(g, FloatDirectConvolution.applies(g) ? FloatDirectConvolution.filterEfficiency(g) : -1,
                FloatChannelLaneConvolution.filterEfficiency(g),
                FloatBatchLaneConvolution.applies(g) ? FloatBatchLaneConvolution.filterEfficiency(g) / 1.03 : -1);
    }

    /** The most efficient layout (negative: does not apply), or the one {@link #LAYOUT_PROPERTY} names. */
    private static Layout choose(ConvGeometry g, double rows, double channels, double images) {
        String forced = System.getProperty(LAYOUT_PROPERTY);
        if (forced != null) {
            Layout layout;
            try {
                layout = Layout.valueOf(forced.trim().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("system property " + LAYOUT_PROPERTY
                        + " must be rows, channels or images, got '" + forced + "'");
            }
            if ((layout == Layout.ROWS ? rows : layout == Layout.IMAGES ? images : channels) < 0) {
                throw new UnsupportedOperationException("conv: DIRECT's " + forced + " layout (forced by "
                        + LAYOUT_PROPERTY + ") does not apply to " + g);
            }
            return layout;
        }
        if (images > channels && images > rows) return Layout.IMAGES;
        return channels >= rows ? Layout.CHANNELS : Layout.ROWS;
    }

    boolean backwardData(ConvAlgorithm a, ConvGeometry g, float[] dy, float[] w, float[] dx) {
        switch (a) {
            case IM2COL -> lowered.backwardData(g, dy, w, dx);
            case DIRECT -> {
                if (!FloatDirectConvolution.appliesBackwardData(g)) return false;
                switch (forwardLayout(FloatDirectConvolution.backwardDataGeometry(g))) {
                    case IMAGES -> batchLanes.backwardData(g, dy, w, dx);
                    case CHANNELS -> channelLanes.backwardData(g, dy, w, dx);
                    case ROWS -> direct.backwardData(g, dy, w, dx);
                }
            }
            case FFT -> {
                if (!FloatFftConvolution.appliesBackward(g)) return false;
                fft.backwardData(g, dy, w, dx);
            }
            case WINOGRAD -> {
                if (FloatWinogradConvolution.backwardDataTile(g) == null) return false;
                winograd.backwardData(g, dy, w, dx);
            }
            case AUTO -> throw new IllegalArgumentException("conv: AUTO must be resolved first");
        }
        return true;
    }

    boolean backwardFilter(ConvAlgorithm a, ConvGeometry g, float[] x, float[] dy, float[] dw, float[] dbias) {
        switch (a) {
            case IM2COL -> lowered.backwardFilter(g, x, dy, dw, dbias);
            case DIRECT -> {
                switch (filterLayout(g)) {
                    case IMAGES -> batchLanes.backwardFilter(g, x, dy, dw, dbias);
                    case CHANNELS -> channelLanes.backwardFilter(g, x, dy, dw, dbias);
                    case ROWS -> direct.backwardFilter(g, x, dy, dw, dbias);
                }
            }
            case FFT -> {
                if (!FloatFftConvolution.appliesBackward(g)) return false;
                fft.backwardFilter(g, x, dy, dw, dbias);
            }
            case WINOGRAD -> {
                if (!FloatWinogradConvolution.appliesBackwardFilter(g)) return false;
                winograd.backwardFilter(g, x, dy, dw, dbias, lowered);
            }
            case AUTO -> throw new IllegalArgumentException("conv: AUTO must be resolved first");
        }
        return true;
    }
}
