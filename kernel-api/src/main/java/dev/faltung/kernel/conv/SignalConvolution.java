package dev.faltung.kernel.conv;

import dev.faltung.kernel.Buffer;
import dev.faltung.kernel.Kernels;
import dev.faltung.kernel.reference.ReferenceKernels;

import java.util.Locale;

/**
 * Single-channel 2-D correlation and convolution with the semantics of
 * {@code scipy.signal.correlate2d} / {@code convolve2d} (real data, zero fill), computed by the
 * convolution algorithms as a 1-image, 1-channel {@link ConvGeometry}.
 * <ul>
 *   <li>{@code full}: output {@code (M+P-1)×(N+Q-1)} for input {@code M×N}, kernel {@code P×Q}.</li>
 *   <li>{@code same}: output {@code M×N}, the centre of {@code full}. NOTE: scipy centres the two
 *       differently for even kernels: correlate2d starts at {@code P/2} in {@code full}, convolve2d
 *       at {@code (P-1)/2}, so {@code convolve2d(a,k) == correlate2d(a, flip(k))} in {@code same}
 *       mode only for odd kernel sides.</li>
 *   <li>{@code valid}: output {@code (M-P+1)×(N-Q+1)}; as in scipy, when the kernel is at least
 *       as large as the input in both dimensions the roles swap (convolution commutes; the
 *       swapped correlation is reversed in both axes), and when it is larger in only one
 *       dimension the call fails.</li>
 * </ul>
 * Stateless and thread-safe.
 */
public final class SignalConvolution {

    private SignalConvolution() {
    }

    /** Output size rule. */
    public enum Mode {
        VALID, SAME, FULL;

        public static Mode parse(String text) {
            try {
                return valueOf(text.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("signal mode '" + text + "': expected valid, same or full");
            }
        }
    }

    /** A dense row-major {@code rows×cols} array of doubles; the array is shared, not copied. */
    public record Array2D(int rows, int cols, double[] data) {
        public Array2D {
            if (rows <= 0 || cols <= 0) {
                throw new IllegalArgumentException("Array2D: shape must be positive, got " + rows + "x" + cols);
            }
            if (data.length != rows * cols) {
                throw new IllegalArgumentException("Array2D: " + data.length + " elements for shape "
                        + rows + "x" + cols);
            }
        }

        /** Copies a rectangular {@code double[][]}. */
        public static Array2D of(double[][] values) {
            int rows = values.length, cols = rows == 0 ? 0 : values[0].length;
            double[] d = new double[rows * cols];
            for (int r = 0; r < rows; r++) {
                if (values[r].length != cols) {
                    throw new IllegalArgumentException("Array2D.of: ragged row " + r);
                }
                System.arraycopy(values[r], 0, d, r * cols, cols);
            }
            return new Array2D(rows, cols, d);
        }

        public double get(int r, int c) {
            return data[r * cols + c];
        }

        /** This array reversed along both axes. */
        public Array2D flipped() {
            double[] d = new double[data.length];
            for (int i = 0; i < d.length; i++) d[i] = data[data.length - 1 - i];
            return new Array2D(rows, cols, d);
        }
    }

    /** {@code scipy.signal.correlate2d(in, kernel, mode)}, by the direct algorithm. */
    public static Array2D correlate2d(Array2D in, Array2D kernel, Mode mode) {
        return correlate2d(new ReferenceKernels(), ConvAlgorithm.DIRECT, in, kernel, mode);
    }

    /** {@code scipy.signal.convolve2d(in, kernel, mode)}, by the direct algorithm. */
    public static Array2D convolve2d(Array2D in, Array2D kernel, Mode mode) {
        return convolve2d(new ReferenceKernels(), ConvAlgorithm.DIRECT, in, kernel, mode);
    }

    /** {@code scipy.signal.correlate2d(in, kernel, mode)} computed by {@code algorithm} on {@code kernels}. */
    public static Array2D correlate2d(Kernels kernels, ConvAlgorithm algorithm, Array2D in, Array2D kernel, Mode mode) {
        if (mode == Mode.VALID && swapForValid("correlate2d", in, kernel)) {
            return correlate2d(kernels, algorithm, kernel, in, mode).flipped();
        }
        // The kernel's top-left tap sits before output (0,0) by the "before" padding.
        int before = switch (mode) {
            case FULL -> kernel.rows() - 1;
            case SAME -> (kernel.rows() - 1) / 2;
            case VALID -> 0;
        };
        int left = switch (mode) {
            case FULL -> kernel.cols() - 1;
            case SAME -> (kernel.cols() - 1) / 2;
            case VALID -> 0;
        };
        return run(kernels, algorithm, in, kernel, mode, before, left);
    }

    /** {@code scipy.signal.convolve2d(in, kernel, mode)} computed by {@code algorithm} on {@code kernels}. */
    public static Array2D convolve2d(Kernels kernels, ConvAlgorithm algorithm, Array2D in, Array2D kernel, Mode mode) {
        if (mode == Mode.VALID && swapForValid("convolve2d", in, kernel)) {
            return convolve2d(kernels, algorithm, kernel, in, mode);
        }
        int before = switch (mode) {
            case FULL -> kernel.rows() - 1;
            case SAME -> kernel.rows() / 2;
            case VALID -> 0;
        };
        int left = switch (mode) {
            case FULL -> kernel.cols() - 1;
            case SAME -> kernel.cols() / 2;
            case VALID -> 0;
        };
        return run(kernels, algorithm, in, kernel.flipped(), mode, before, left);
    }

    /**
     * Buffer form of {@link #correlate2d(Kernels, ConvAlgorithm, Array2D, Array2D, Mode)}:
     * {@code in} is {@code inRows×inCols}, {@code kernel} is {@code kRows×kCols}, any dtype;
     * returns a new float64 array.
     */
    public static Array2D correlate2d(Kernels kernels, ConvAlgorithm algorithm, Buffer in, int inRows, int inCols,
                                      Buffer kernel, int kRows, int kCols, Mode mode) {
        return correlate2d(kernels, algorithm, new Array2D(inRows, inCols, in.toDoubles().clone()),
                new Array2D(kRows, kCols, kernel.toDoubles().clone()), mode);
    }

    /** Output shape {@code {rows, cols}} of either op for the given shapes and mode. */
    public static int[] outputShape(int inRows, int inCols, int kRows, int kCols, Mode mode) {
        return switch (mode) {
            case FULL -> new int[] {inRows + kRows - 1, inCols + kCols - 1};
            case SAME -> new int[] {inRows, inCols};
            case VALID -> new int[] {Math.abs(inRows - kRows) + 1, Math.abs(inCols - kCols) + 1};
        };
    }

    private static boolean swapForValid(String op, Array2D in, Array2D kernel) {
        boolean inCovers = in.rows() >= kernel.rows() && in.cols() >= kernel.cols();
        boolean kernelCovers = kernel.rows() >= in.rows() && kernel.cols() >= in.cols();
        if (!inCovers && !kernelCovers) {
            throw new IllegalArgumentException(op + " valid: one input must be at least as large as the other"
                    + " in every dimension, got " + in.rows() + "x" + in.cols() + " and kernel "
                    + kernel.rows() + "x" + kernel.cols());
        }
        return !inCovers;
    }

    private static Array2D run(Kernels kernels, ConvAlgorithm algorithm, Array2D in, Array2D kernel,
                               Mode mode, int top, int left) {
        int[] out = outputShape(in.rows(), in.cols(), kernel.rows(), kernel.cols(), mode);
        // Padding after = whatever makes the output the requested size at stride 1.
        int bottom = out[0] + kernel.rows() - 1 - in.rows() - top;
        int right = out[1] + kernel.cols() - 1 - in.cols() - left;
        ConvGeometry g = new ConvGeometry(1, 1, in.rows(), in.cols(), 1, kernel.rows(), kernel.cols(),
                1, 1, top, bottom, left, right, 1, 1, 1);
        Buffer y = Buffer.allocate(dev.faltung.kernel.DType.FLOAT64, out[0] * out[1]);
        Convolutions.forward(kernels, algorithm, g, Buffer.of(in.data().clone()), Buffer.of(kernel.data().clone()),
                null, y);
        return new Array2D(out[0], out[1], y.toDoubles());
    }
}
