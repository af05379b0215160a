package dev.faltung.kernel.simd;

import dev.faltung.kernel.conv.ConvAlgorithm;
import dev.faltung.kernel.conv.ConvGeometry;

/**
 * This backend's float32 convolution algorithms, by {@link ConvAlgorithm}: IM2COL lowers whole
 * chunks of images to one GEMM ({@link FloatLoweredConvolution}), DIRECT vectorises the loop
 * nest along output rows ({@link FloatDirectConvolution}, stride 1), FFT transforms tiles in
 * float lanes ({@link FloatFftConvolution}; backward passes at stride 1), WINOGRAD is F(4×4, 3×3)
 * with vectorised transforms ({@link FloatWinogradConvolution}, backward filter included, where
 * the shared implementation delegates that to IM2COL). Each method returns false when it has no
 * implementation for the algorithm and geometry, and the caller then runs the shared one.
 * Buffers are already checked. Thread-safe.
 */
final class FloatConvolutions {

    private final FloatLoweredConvolution lowered;
    private final FloatDirectConvolution direct;
    private final FloatChannelLaneConvolution channelLanes;
    private final FloatFftConvolution fft;
    private final FloatWinogradConvolution winograd;

    FloatConvolutions(WorkerPool pool, FloatGemm gemm) {
        this(pool, gemm, FloatLoweredConvolution.COLS_BUDGET);
    }

    /** With IM2COL's patch matrix limited to {@code colsBudget} floats per chunk of images. */
    FloatConvolutions(WorkerPool pool, FloatGemm gemm, long colsBudget) {
        this.lowered = new FloatLoweredConvolution(pool, gemm, colsBudget);
        this.direct = new FloatDirectConvolution(pool, lowered);
        this.channelLanes = new FloatChannelLaneConvolution(pool, lowered);
        this.fft = new FloatFftConvolution(pool, lowered);
        this.winograd = new FloatWinogradConvolution(pool, gemm);
    }

    boolean forward(ConvAlgorithm a, ConvGeometry g, float[] x, float[] w, float[] bias, float[] y) {
        switch (a) {
            case IM2COL -> lowered.forward(g, x, w, bias, y);
            case DIRECT -> {
                if (channelLanesForward(g)) {
                    channelLanes.forward(g, x, w, bias, y);
                } else {
                    direct.forward(g, x, w, bias, y);
                }
            }
            case FFT -> fft.forward(g, x, w, bias, y);
            case WINOGRAD -> {
                if (!FloatWinogradConvolution.applies(g)) return false;
                winograd.forward(g, x, w, bias, y);
            }
            case AUTO -> throw new IllegalArgumentException("conv: AUTO must be resolved first");
        }
        return true;
    }

    /**
     * DIRECT's two layouts: channels in the lanes where that wastes fewer multiply-adds than
     * output rows in the lanes (and always at strides above 1, which the row layout lacks).
     */
    static boolean channelLanesForward(ConvGeometry g) {
        return !FloatDirectConvolution.applies(g)
                || FloatChannelLaneConvolution.forwardEfficiency(g) >= FloatDirectConvolution.forwardEfficiency(g);
    }

    boolean backwardData(ConvAlgorithm a, ConvGeometry g, float[] dy, float[] w, float[] dx) {
        switch (a) {
            case IM2COL -> lowered.backwardData(g, dy, w, dx);
            case DIRECT -> {
                if (!FloatDirectConvolution.appliesBackwardData(g)) return false;
                if (channelLanesForward(FloatDirectConvolution.backwardDataGeometry(g))) {
                    channelLanes.backwardData(g, dy, w, dx);
                } else {
                    direct.backwardData(g, dy, w, dx);
                }
            }
            case FFT -> {
                if (!FloatFftConvolution.appliesBackward(g)) return false;
                fft.backwardData(g, dy, w, dx);
            }
            case WINOGRAD -> {
                if (!FloatWinogradConvolution.appliesBackwardData(g)) return false;
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
                boolean lanes = !FloatDirectConvolution.applies(g)
                        || FloatChannelLaneConvolution.filterEfficiency(g) >= FloatDirectConvolution.filterEfficiency(g);
                if (lanes) {
                    channelLanes.backwardFilter(g, x, dy, dw, dbias);
                } else {
                    direct.backwardFilter(g, x, dy, dw, dbias);
                }
            }
            case FFT -> {
                if (!FloatFftConvolution.appliesBackward(g)) return false;
                fft.backwardFilter(g, x, dy, dw, dbias);
            }
            case WINOGRAD -> {
                if (!FloatWinogradConvolution.applies(g)) return false;
                winograd.backwardFilter(g, x, dy, dw, dbias, lowered);
            }
            case AUTO -> throw new IllegalArgumentException("conv: AUTO must be resolved first");
        }
        return true;
    }
}
