package dev.faltung.proofs.conv;

import dev.faltung.kernel.conv.ConvAlgorithm;
import dev.faltung.kernel.conv.SignalConvolution;
import dev.faltung.kernel.conv.SignalConvolution.Array2D;
import dev.faltung.kernel.conv.SignalConvolution.Mode;
import dev.faltung.kernel.reference.ReferenceKernels;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * correlate2d and convolve2d reproduce scipy.signal exactly in every mode, with odd, even and
 * larger-than-input kernels, through every algorithm that applies. The numbers below are printed
 * by {@code proofs-tests/src/test/python/signal_fixtures.py} (scipy 1.10.1).
 */
class SignalFixturesTest {

    private static final Object[] FIXTURES = {
        "a4x5", new double[][] {{-2.0, -1.0, 0.0, 1.0, 2.0}, {3.0, -3.0, -2.0, -1.0, 0.0}, {1.0, 2.0, 3.0, -3.0, -2.0}, {-1.0, 0.0, 1.0, 2.0, 3.0}},
        "k2x2", new double[][] {{1.0, -2.0}, {3.0, 4.0}},
        "k3x3", new double[][] {{0.0, 1.0, 2.0}, {-1.0, 5.0, 1.0}, {2.0, 0.0, -3.0}},
        "k2x3", new double[][] {{1.0, 2.0, -1.0}, {0.0, 3.0, 1.0}},
        "k5x6", new double[][] {{-2.0, -1.0, 0.0, 1.0, 2.0, -2.0}, {-1.0, 0.0, 1.0, 2.0, -2.0, -1.0}, {0.0, 1.0, 2.0, -2.0, -1.0, 0.0}, {1.0, 2.0, -2.0, -1.0, 0.0, 1.0}, {2.0, -2.0, -1.0, 0.0, 1.0, 2.0}},
        "correlate2d a4x5 k2x2 full", new double[][] {{-8.0, -10.0, -3.0, 4.0, 11.0, 6.0}, {16.0, -3.0, -18.0, -12.0, -6.0, 2.0}, {-2.0, 20.0, 19.0, -3.0, -18.0, -6.0}, {-6.0, -6.0, 0.0, 20.0, 19.0, 7.0}, {2.0, -1.0, -2.0, -3.0, -4.0, 3.0}},
        "correlate2d a4x5 k2x2 same", new double[][] {{-3.0, -18.0, -12.0, -6.0, 2.0}, {20.0, 19.0, -3.0, -18.0, -6.0}, {-6.0, 0.0, 20.0, 19.0, 7.0}, {-1.0, -2.0, -3.0, -4.0, 3.0}},
        "correlate2d a4x5 k2x2 valid", new double[][] {{-3.0, -18.0, -12.0, -6.0}, {20.0, 19.0, -3.0, -18.0}, {-6.0, 0.0, 20.0, 19.0}},
        "convolve2d a4x5 k2x2 full", new double[][] {{-2.0, 3.0, 2.0, 1.0, 0.0, -4.0}, {-3.0, -20.0, 0.0, 6.0, 12.0, 8.0}, {10.0, 3.0, -19.0, -20.0, 0.0, 4.0}, {2.0, 12.0, 18.0, 3.0, -19.0, -14.0}, {-3.0, -4.0, 3.0, 10.0, 17.0, 12.0}},
        "convolve2d a4x5 k2x2 same", new double[][] {{-2.0, 3.0, 2.0, 1.0, 0.0}, {-3.0, -20.0, 0.0, 6.0, 12.0}, {10.0, 3.0, -19.0, -20.0, 0.0}, {2.0, 12.0, 18.0, 3.0, -19.0}},
        "convolve2d a4x5 k2x2 valid", new double[][] {{-20.0, 0.0, 6.0, 12.0}, {3.0, -19.0, -20.0, 0.0}, {12.0, 18.0, 3.0, -19.0}},
        "correlate2d a4x5 k3x3 full", new double[][] {{6.0, 3.0, -4.0, -5.0, -6.0, 2.0, 4.0}, {-11.0, -2.0, 9.0, -1.0, 3.0, 7.0, -2.0}, {-4.0, 2.0, -28.0, 7.0, 14.0, -3.0, -4.0}, {10.0, 4.0, 0.0, 0.0, -28.0, -3.0, 8.0}, {1.0, 0.0, 10.0, 4.0, 5.0, 11.0, -3.0}, {-2.0, -1.0, 2.0, 5.0, 8.0, 3.0, 0.0}},
        "correlate2d a4x5 k3x3 same", new double[][] {{-2.0, 9.0, -1.0, 3.0, 7.0}, {2.0, -28.0, 7.0, 14.0, -3.0}, {4.0, 0.0, 0.0, -28.0, -3.0}, {0.0, 10.0, 4.0, 5.0, 11.0}},
        "correlate2d a4x5 k3x3 valid", new double[][] {{-28.0, 7.0, 14.0}, {0.0, 0.0, -28.0}},
        "convolve2d a4x5 k3x3 full", new double[][] {{0.0, -2.0, -5.0, -2.0, 1.0, 4.0, 4.0}, {2.0, -6.0, -4.0, -10.0, -2.0, 9.0, 2.0}, {-7.0, 17.0, 0.0, 0.0, 0.0, -12.0, -10.0}, {5.0, -4.0, -7.0, 28.0, 0.0, -3.0, 4.0}, {3.0, -1.0, 1.0, -9.0, -5.0, 26.0, 9.0}, {-2.0, 0.0, 5.0, 4.0, 3.0, -6.0, -9.0}},
        "convolve2d a4x5 k3x3 same", new double[][] {{-6.0, -4.0, -10.0, -2.0, 9.0}, {17.0, 0.0, 0.0, 0.0, -12.0}, {-4.0, -7.0, 28.0, 0.0, -3.0}, {-1.0, 1.0, -9.0, -5.0, 26.0}},
        "convolve2d a4x5 k3x3 valid", new double[][] {{0.0, 0.0, 0.0}, {-7.0, 28.0, 0.0}},
        "correlate2d a4x5 k2x3 full", new double[][] {{-2.0, -7.0, -3.0, 1.0, 5.0, 6.0, 0.0}, {5.0, 3.0, -15.0, -9.0, -3.0, 5.0, 2.0}, {-2.0, 14.0, 8.0, 0.0, -15.0, -7.0, 0.0}, {-2.0, -3.0, 3.0, 16.0, 8.0, 2.0, -2.0}, {1.0, -2.0, -2.0, 0.0, 2.0, 8.0, 3.0}},
        "correlate2d a4x5 k2x3 same", new double[][] {{3.0, -15.0, -9.0, -3.0, 5.0}, {14.0, 8.0, 0.0, -15.0, -7.0}, {-3.0, 3.0, 16.0, 8.0, 2.0}, {-2.0, -2.0, 0.0, 2.0, 8.0}},
        "correlate2d a4x5 k2x3 valid", new double[][] {{-15.0, -9.0, -3.0}, {8.0, 0.0, -15.0}, {3.0, 16.0, 8.0}},
        "convolve2d a4x5 k2x3 full", new double[][] {{-2.0, -5.0, 0.0, 2.0, 4.0, 3.0, -2.0}, {3.0, -3.0, -16.0, -3.0, 3.0, 8.0, 2.0}, {1.0, 13.0, 0.0, -8.0, -16.0, -2.0, 2.0}, {-1.0, 1.0, 9.0, 15.0, 0.0, -5.0, -5.0}, {0.0, -3.0, -1.0, 3.0, 7.0, 11.0, 3.0}},
        "convolve2d a4x5 k2x3 same", new double[][] {{-5.0, 0.0, 2.0, 4.0, 3.0}, {-3.0, -16.0, -3.0, 3.0, 8.0}, {13.0, 0.0, -8.0, -16.0, -2.0}, {1.0, 9.0, 15.0, 0.0, -5.0}},
        "convolve2d a4x5 k2x3 valid", new double[][] {{-16.0, -3.0, 3.0}, {0.0, -8.0, -16.0}, {9.0, 15.0, 0.0}},
        "correlate2d a4x5 k5x6 full", new double[][] {{-4.0, -4.0, -1.0, 4.0, 10.0, 0.0, -3.0, -4.0, -2.0, 4.0}, {4.0, -4.0, -5.0, -1.0, -4.0, 9.0, -6.0, -4.0, 3.0, 2.0}, {5.0, 4.0, 8.0, -10.0, -2.0, -10.0, -6.0, 15.0, -1.0, -4.0}, {1.0, 3.0, -1.0, 8.0, 0.0, -3.0, 14.0, -3.0, -10.0, 2.0}, {0.0, -6.0, 8.0, -2.0, -3.0, 14.0, 2.0, -7.0, 3.0, -1.0}, {-7.0, 9.0, -2.0, -6.0, 4.0, -9.0, -2.0, 8.0, 8.0, 2.0}, {-1.0, 0.0, -4.0, 9.0, -5.0, -11.0, -1.0, -1.0, 6.0, 1.0}, {2.0, -2.0, -3.0, -2.0, 0.0, 10.0, 2.0, -4.0, -7.0, -6.0}},
        "correlate2d a4x5 k5x6 same", new double[][] {{-10.0, -2.0, -10.0, -6.0, 15.0}, {8.0, 0.0, -3.0, 14.0, -3.0}, {-2.0, -3.0, 14.0, 2.0, -7.0}, {-6.0, 4.0, -9.0, -2.0, 8.0}},
        "correlate2d a4x5 k5x6 valid", new double[][] {{0.0, -3.0}, {-3.0, 14.0}},
        "convolve2d a4x5 k5x6 full", new double[][] {{4.0, 4.0, 1.0, -4.0, -10.0, 0.0, 3.0, 4.0, 2.0, -4.0}, {-4.0, 4.0, 5.0, 1.0, 4.0, -9.0, 6.0, 4.0, -3.0, -2.0}, {-5.0, -4.0, -8.0, 10.0, 2.0, 10.0, 6.0, -15.0, 1.0, 4.0}, {-1.0, -3.0, 1.0, -8.0, 0.0, 3.0, -14.0, 3.0, 10.0, -2.0}, {0.0, 6.0, -8.0, 2.0, 3.0, -14.0, -2.0, 7.0, -3.0, 1.0}, {7.0, -9.0, 2.0, 6.0, -4.0, 9.0, 2.0, -8.0, -8.0, -2.0}, {1.0, 0.0, 4.0, -9.0, 5.0, 11.0, 1.0, 1.0, -6.0, -1.0}, {-2.0, 2.0, 3.0, 2.0, 0.0, -10.0, -2.0, 4.0, 7.0, 6.0}},
        "convolve2d a4x5 k5x6 same", new double[][] {{-8.0, 10.0, 2.0, 10.0, 6.0}, {1.0, -8.0, 0.0, 3.0, -14.0}, {-8.0, 2.0, 3.0, -14.0, -2.0}, {2.0, 6.0, -4.0, 9.0, 2.0}},
        "convolve2d a4x5 k5x6 valid", new double[][] {{0.0, 3.0}, {3.0, -14.0}},
    };

    private static Map<String, Array2D> fixtures() {
        Map<String, Array2D> m = new HashMap<>();
        for (int i = 0; i < FIXTURES.length; i += 2) {
            m.put((String) FIXTURES[i], Array2D.of((double[][]) FIXTURES[i + 1]));
        }
        return m;
    }

    @Test
    void everyModeAndKernelMatchesScipyThroughEveryAlgorithm() {
        Map<String, Array2D> f = fixtures();
        Array2D a = f.get("a4x5");
        int checked = 0;
        for (String k : List.of("k2x2", "k3x3", "k2x3", "k5x6")) {
            for (String op : List.of("correlate2d", "convolve2d")) {
                for (Mode mode : Mode.values()) {
                    String name = op + " a4x5 " + k + " " + mode.name().toLowerCase();
                    Array2D expected = f.get(name);
                    for (ConvAlgorithm alg : List.of(ConvAlgorithm.DIRECT, ConvAlgorithm.IM2COL, ConvAlgorithm.FFT,
                            ConvAlgorithm.WINOGRAD)) {
                        if (alg == ConvAlgorithm.WINOGRAD && !k.equals("k3x3")) continue;
                        var kernels = new ReferenceKernels();
                        Array2D got = op.equals("correlate2d")
                                ? SignalConvolution.correlate2d(kernels, alg, a, f.get(k), mode)
                                : SignalConvolution.convolve2d(kernels, alg, a, f.get(k), mode);
                        assertEquals(expected.rows(), got.rows(), name + " rows");
                        assertEquals(expected.cols(), got.cols(), name + " cols");
                        for (int i = 0; i < expected.data().length; i++) {
                            if (Math.abs(expected.data()[i] - got.data()[i]) > 1e-9) {
                                fail(name + " by " + alg.label() + " shape " + got.rows() + "x" + got.cols()
                                        + ": first bad index " + i + ": scipy " + expected.data()[i]
                                        + ", got " + got.data()[i]);
                            }
                        }
                        checked++;
                    }
                }
            }
        }
        assertEquals(4 * 2 * 3 * 3 + 2 * 3, checked);
    }

    @Test
    void validWithAKernelLargerInOnlyOneDimensionIsRefusedLikeScipy() {
        Array2D a = Array2D.of(new double[3][6]);
        Array2D k = Array2D.of(new double[5][4]);
        var e = assertThrows(IllegalArgumentException.class, () -> SignalConvolution.correlate2d(a, k, Mode.VALID));
        assertEquals("correlate2d valid: one input must be at least as large as the other in every dimension,"
                + " got 3x6 and kernel 5x4", e.getMessage());
        assertArrayEquals(new int[] {2, 3}, SignalConvolution.outputShape(3, 6, 2, 4, Mode.VALID));
    }
}
