package dev.faltung.kernel.conv;

import dev.faltung.kernel.Buffer;
import dev.faltung.kernel.Kernels;

import java.util.Arrays;

/**
 * Dispatches a convolution to its algorithm. Backends call this from their conv kernels,
 * passing themselves, so the algorithms run on the backend's own GEMM and im2col.
 * {@link ConvAlgorithm#AUTO} is resolved by {@link ConvPlanner#shared()}; an algorithm that does
 * not apply to the geometry throws {@link UnsupportedOperationException} saying why. Buffer
 * sizes and dtypes are checked here, so a wrong buffer fails with the op, the argument and the
 * shapes involved instead of an index error deep in a loop.
 */
public final class Convolutions {

    private Convolutions() {
    }

    /** The implementation of a concrete {@code algorithm} for {@code g} (never AUTO). */
    public static ConvImplementation implementation(ConvAlgorithm algorithm, ConvGeometry g) {
        return switch (algorithm) {
            case DIRECT -> DirectConvolution.INSTANCE;
            case IM2COL -> Im2colConvolution.INSTANCE;
            case FFT -> FftConvolution.INSTANCE;
            case WINOGRAD -> WinogradConvolution.forGeometry(g);
            case AUTO -> throw new IllegalArgumentException("conv: AUTO must be resolved by ConvPlanner first");
        };
    }

    /** {@code y = x ⋆ w + bias}; see {@link Kernels#convForward}. */
    public static void forward(Kernels kernels, ConvAlgorithm algorithm, ConvGeometry g,
                               Buffer x, Buffer w, Buffer bias, Buffer y) {
        checkForward(g, x, w, bias, y);
        ConvImplementation impl = resolve(kernels, algorithm, g, x, ConvDirection.FORWARD);
        impl.forward(kernels, g, x, w, bias, y);
    }

    /** {@code dx} from {@code dy} and {@code w}; see {@link Kernels#convBackwardData}. */
    public static void backwardData(Kernels kernels, ConvAlgorithm algorithm, ConvGeometry g,
                                    Buffer dy, Buffer w, Buffer dx) {
        checkBackwardData(g, dy, w, dx);
        ConvImplementation impl = resolve(kernels, algorithm, g, dy, ConvDirection.BACKWARD_DATA);
        impl.backwardData(kernels, g, dy, w, dx);
    }

    /** {@code dw} and {@code dbias} (may be null) from {@code x} and {@code dy}; see {@link Kernels#convBackwardFilter}. */
    public static void backwardFilter(Kernels kernels, ConvAlgorithm algorithm, ConvGeometry g,
                                      Buffer x, Buffer dy, Buffer dw, Buffer dbias) {
        checkBackwardFilter(g, x, dy, dw, dbias);
        ConvImplementation impl = resolve(kernels, algorithm, g, x, ConvDirection.BACKWARD_FILTER);
        impl.backwardFilter(kernels, g, x, dy, dw, dbias);
    }

    /**
     * Throws {@link IllegalArgumentException} naming the argument and shapes unless the buffers
     * fit {@code g} and share a dtype; for backends with their own implementations.
     */
    public static void checkForward(ConvGeometry g, Buffer x, Buffer w, Buffer bias, Buffer y) {
        String op = "conv forward";
        requireBuffer(op, "input x", x, g.inputShape());
        requireBuffer(op, "weight w", w, g.weightShape());
        if (bias != null) requireBuffer(op, "bias", bias, new int[] {g.k()});
        requireBuffer(op, "output y", y, g.outputShape());
        requireSameDtype(op, x, w, bias, y);
    }

    /** The checks of {@link #backwardData}; see {@link #checkForward}. */
    public static void checkBackwardData(ConvGeometry g, Buffer dy, Buffer w, Buffer dx) {
        String op = "conv backward data";
        requireBuffer(op, "output gradient dy", dy, g.outputShape());
        requireBuffer(op, "weight w", w, g.weightShape());
        requireBuffer(op, "input gradient dx", dx, g.inputShape());
        requireSameDtype(op, dy, w, null, dx);
    }

    /** The checks of {@link #backwardFilter}; see {@link #checkForward}. */
    public static void checkBackwardFilter(ConvGeometry g, Buffer x, Buffer dy, Buffer dw, Buffer dbias) {
        String op = "conv backward filter";
        requireBuffer(op, "input x", x, g.inputShape());
        requireBuffer(op, "output gradient dy", dy, g.outputShape());
        requireBuffer(op, "weight gradient dw", dw, g.weightShape());
        if (dbias != null) requireBuffer(op, "bias gradient dbias", dbias, new int[] {g.k()});
        requireSameDtype(op, x, dy, dbias, dw);
    }

    private static ConvImplementation resolve(Kernels kernels, ConvAlgorithm algorithm, ConvGeometry g,
                                              Buffer sample, ConvDirection direction) {
        ConvAlgorithm concrete = algorithm == ConvAlgorithm.AUTO
                ? ConvPlanner.shared().resolve(kernels, g, sample.dtype(), direction)
                : algorithm;
        ConvImplementation impl = implementation(concrete, g);
        impl.whyNotApplicable(g, direction).ifPresent(why -> {
            throw new UnsupportedOperationException("conv " + direction.label() + " with "
                    + concrete.label() + " for " + describe(g) + ": " + why);
        });
        return impl;
    }

    /** A one-line description of {@code g} for messages and logs. */
    static String describe(ConvGeometry g) {
        return "x" + Arrays.toString(g.inputShape()) + " w" + Arrays.toString(g.weightShape())
                + " stride " + g.strideH() + "x" + g.strideW()
                + " pad " + g.padTop() + "," + g.padBottom() + "," + g.padLeft() + "," + g.padRight()
                + " dilation " + g.dilationH() + "x" + g.dilationW() + " groups " + g.groups();
    }

    private static void requireBuffer(String op, String name, Buffer b, int[] shape) {
        if (b == null) {
            throw new IllegalArgumentException(op + ": " + name + " is null, expected shape " + Arrays.toString(shape));
        }
        long expected = 1;
        for (int d : shape) expected *= d;
        if (b.size() != expected) {
            throw new IllegalArgumentException(op + ": " + name + " has " + b.size() + " elements, expected "
                    + expected + " for shape " + Arrays.toString(shape));
        }
    }

    private static void requireSameDtype(String op, Buffer a, Buffer b, Buffer c, Buffer out) {
        for (Buffer other : new Buffer[] {b, c, out}) {
            if (other != null && other.dtype() != a.dtype()) {
                throw new IllegalArgumentException(op + ": buffers must share a dtype, got " + a.dtype()
                        + " and " + other.dtype());
            }
        }
    }
}
