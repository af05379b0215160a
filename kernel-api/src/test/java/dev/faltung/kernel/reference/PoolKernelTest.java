package dev.faltung.kernel.reference;

import static dev.faltung.kernel.reference.Expect.K;
import static dev.faltung.kernel.reference.Expect.buffer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faltung.kernel.Buffer;
import dev.faltung.kernel.DType;
import dev.faltung.kernel.pool.PoolGeometry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PoolKernelTest {

    /**
     * Every valid geometry over small images, with and without padding, ceil mode and
     * count_include_pad; the images of 1 and 2 rows give ceil-mode windows longer than the
     * padded input.
     */
    private static List<PoolGeometry> geometries() {
        List<PoolGeometry> list = new ArrayList<>();
        for (int h : new int[] {1, 2, 4, 5, 7}) {
            for (int k : new int[] {1, 2, 3}) {
                for (int s : new int[] {1, 2, 3}) {
                    for (int p = 0; 2 * p <= k; p++) {
                        for (boolean ceil : new boolean[] {false, true}) {
                            for (boolean include : new boolean[] {false, true}) {
                                // Non-square: width uses the next stride and h+1 columns.
                                int sw = s % 3 + 1;
                                if (torchOutSize(h, k, s, p, ceil) >= 1 && torchOutSize(h + 1, k, sw, p, ceil) >= 1) {
                                    list.add(new PoolGeometry(2, 2, h, h + 1, k, k, s, sw, p, p, ceil, include));
                                }
                            }
                        }
                    }
                }
            }
        }
        return list;
    }

    /**
     * PyTorch's pooling_output_shape: floor division (div_rtn), and in ceil mode no last window
     * that starts in the right padding. Below 1, torch refuses the geometry.
     */
    private static int torchOutSize(int in, int k, int stride, int pad, boolean ceil) {
        int out = Math.floorDiv(in + 2 * pad - k + (ceil ? stride - 1 : 0), stride) + 1;
        return ceil && (out - 1) * stride >= in + pad ? out - 1 : out;
    }

    /**
     * Pooling by definition: visit every tap of the window; a tap in the padding is -inf for max
     * and 0 for average, counted in the divisor only with count_include_pad; a tap past the padded
     * edge (a ceil-mode overhang) does not exist. Returns y, and argmax in {@code argmax}.
     */
    private static double[] naive(PoolGeometry g, double[] x, boolean max, int[] argmax) {
        int oh = g.outH(), ow = g.outW();
        double[] y = new double[g.outputSize()];
        for (int p = 0; p < g.n() * g.c(); p++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    double best = Double.NEGATIVE_INFINITY, sum = 0;
                    int at = -1, inImage = 0, inPadded = 0;
                    for (int r = 0; r < g.kernelH(); r++) {
                        for (int s = 0; s < g.kernelW(); s++) {
                            int iy = oy * g.strideH() - g.padH() + r, ix = ox * g.strideW() - g.padW() + s;
                            if (iy >= g.h() + g.padH() || ix >= g.w() + g.padW()) {
                                continue; // past the padded edge
                            }
                            inPadded++;
                            if (iy < 0 || iy >= g.h() || ix < 0 || ix >= g.w()) {
                                continue; // padding: -inf never wins, 0 adds nothing
                            }
                            inImage++;
                            int i = (p * g.h() + iy) * g.w() + ix;
                            sum += x[i];
                            if (at < 0 || x[i] > best) {
                                best = x[i];
                                at = i;
                            }
                        }
                    }
                    int o = (p * oh + oy) * ow + ox;
                    y[o] = max ? best : sum / (g.countIncludePad() ? inPadded : inImage);
                    if (argmax != null) {
                        argmax[o] = at;
                    }
                }
            }
        }
        return y;
    }

    @Test
    void maxPoolingMatchesTheDefinitionForEveryGeometry() {
        for (PoolGeometry g : geometries()) {
            double[] x = Expect.floats(g.hashCode(), g.inputSize(), -3, 3);
            int[] expectedArgmax = new int[g.outputSize()], argmax = new int[g.outputSize()];
            double[] expected = naive(g, x, true, expectedArgmax);
            Buffer y = Buffer.allocate(DType.FLOAT64, g.outputSize());
            K.maxPoolForward(g, buffer(DType.FLOAT64, x), y, argmax);
            Expect.exact("maxPoolForward " + g, g.outputShape(), expected, y);
            assertArrayEquals(expectedArgmax, argmax, "maxPoolForward argmax " + g);

            // Backward by definition: each dy goes to the input that won its window.
            double[] dy = Expect.floats(g.hashCode() + 1, g.outputSize(), -1, 1);
            double[] dxExpected = new double[g.inputSize()];
            for (int o = 0; o < dy.length; o++) {
                dxExpected[expectedArgmax[o]] += dy[o];
            }
            Buffer dx = buffer(DType.FLOAT64, Expect.floats(5, g.inputSize(), 7, 8)); // overwritten
            K.maxPoolBackward(g, buffer(DType.FLOAT64, dy), argmax, dx);
            Expect.near("maxPoolBackward " + g, new int[] {g.n(), g.c(), g.h(), g.w()}, dxExpected, dx, 1e-15);
        }
    }

    @Test
    void avgPoolingMatchesTheDefinitionAndItsBackwardIsTheAdjoint() {
        for (PoolGeometry g : geometries()) {
            double[] x = Expect.floats(g.hashCode(), g.inputSize(), -3, 3);
            Buffer y = Buffer.allocate(DType.FLOAT64, g.outputSize());
            K.avgPoolForward(g, buffer(DType.FLOAT64, x), y);
            Expect.near("avgPoolForward " + g, g.outputShape(), naive(g, x, false, null), y, 1e-14);

            // <avgPool(x), dy> = <x, avgPoolBackward(dy)> because avg pooling is linear.
            double[] dy = Expect.floats(g.hashCode() + 1, g.outputSize(), -1, 1);
            Buffer dx = buffer(DType.FLOAT64, Expect.floats(5, g.inputSize(), 7, 8)); // overwritten
            K.avgPoolBackward(g, buffer(DType.FLOAT64, dy), dx);
            double lhs = 0, rhs = 0;
            for (int o = 0; o < dy.length; o++) {
                lhs += y.get(o) * dy[o];
            }
            for (int i = 0; i < x.length; i++) {
                rhs += x[i] * dx.get(i);
            }
            assertEquals(lhs, rhs, 1e-12 * Math.max(1, Math.abs(lhs)), "avgPoolBackward is not the adjoint for " + g);
        }
    }

    @Test
    void avgPoolCeilModeDivisorCountsPaddingButNotTheOverhang() {
        // torch.nn.functional.avg_pool2d(torch.ones(1,1,4,4), 3, 2, 1, ceil_mode=True): the last
        // window of each axis covers padded rows 3..4 only (the rest hangs past the padding).
        PoolGeometry include = new PoolGeometry(1, 1, 4, 4, 3, 3, 2, 2, 1, 1, true, true);
        Buffer ones = buffer(DType.FLOAT64, new double[16]);
        K.fill(ones, 0, 16, 1.0);
        Buffer y = Buffer.allocate(DType.FLOAT64, 9);
        K.avgPoolForward(include, ones, y);
        Expect.near("avgPool ceil count_include_pad", include.outputShape(), new double[] {
                4.0 / 9, 6.0 / 9, 2.0 / 6,
                6.0 / 9, 9.0 / 9, 3.0 / 6,
                2.0 / 6, 3.0 / 6, 1.0 / 4}, y, 1e-15);

        PoolGeometry exclude = new PoolGeometry(1, 1, 4, 4, 3, 3, 2, 2, 1, 1, true, false);
        K.avgPoolForward(exclude, ones, y);
        Expect.near("avgPool ceil exclude pad", exclude.outputShape(), new double[] {1, 1, 1, 1, 1, 1, 1, 1, 1}, y, 1e-15);
    }

    @Test
    void ceilModeWindowsMayBeLongerThanThePaddedInputByLessThanTheStride() {
        // torch.nn.functional.max_pool2d / avg_pool2d(torch.tensor([[[[1., 2.]]]]), (3, 4), 3, (1, 0),
        // ceil_mode=True): one window, pooled over the part that lies inside the padded input.
        PoolGeometry include = new PoolGeometry(1, 1, 1, 2, 3, 4, 3, 3, 1, 0, true, true);
        assertArrayEquals(new int[] {1, 1, 1, 1}, include.outputShape());
        Buffer x = buffer(DType.FLOAT64, new double[] {1, 2});
        Buffer y = Buffer.allocate(DType.FLOAT64, 1);
        K.maxPoolForward(include, x, y, new int[1]);
        Expect.exact("maxPool", include.outputShape(), new double[] {2}, y);
        K.avgPoolForward(include, x, y);
        // rows -1..1 of the padded input times columns 0..1: 6 taps, 2 of them in the image
        Expect.near("avgPool count_include_pad", include.outputShape(), new double[] {3.0 / 6}, y, 1e-15);
        PoolGeometry exclude = new PoolGeometry(1, 1, 1, 2, 3, 4, 3, 3, 1, 0, true, false);
        K.avgPoolForward(exclude, x, y);
        Expect.near("avgPool exclude pad", exclude.outputShape(), new double[] {3.0 / 2}, y, 1e-15);

        // Longer by the stride or more, torch has no window ("Output size is too small"), and neither do we.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PoolGeometry(1, 1, 1, 1, 3, 3, 2, 2, 0, 0, true, true));
        assertTrue(e.getMessage().contains("larger than the padded input 1x1"), e.getMessage());
    }

    @Test
    void maxPoolPaddingNeverWinsAndTiesGoToTheFirst() {
        // All -1: padding (as -inf) must not produce 0; every window's first in-image tap wins.
        PoolGeometry g = new PoolGeometry(1, 1, 4, 4, 3, 3, 2, 2, 1, 1, false, false);
        Buffer x = buffer(DType.FLOAT64, new double[16]);
        K.fill(x, 0, 16, -1.0);
        Buffer y = Buffer.allocate(DType.FLOAT64, 4);
        int[] argmax = new int[4];
        K.maxPoolForward(g, x, y, argmax);
        Expect.exact("maxPool all -1", g.outputShape(), new double[] {-1, -1, -1, -1}, y);
        assertArrayEquals(new int[] {0, 1, 4, 5}, argmax, "maxPool ties -> first index of each window");
    }

    @Test
    void maxPoolFlatIndicesPointIntoTheWholeInput() {
        // Second image, second channel of [2,2,4,4] counting 0..63: windows 2x2 stride 2.
        PoolGeometry g = new PoolGeometry(2, 2, 4, 4, 2, 2, 2, 2, 0, 0, false, false);
        double[] x = new double[64];
        for (int i = 0; i < 64; i++) {
            x[i] = i;
        }
        Buffer y = Buffer.allocate(DType.FLOAT64, 16);
        int[] argmax = new int[16];
        K.maxPoolForward(g, buffer(DType.FLOAT64, x), y, argmax);
        assertArrayEquals(new int[] {53, 55, 61, 63}, java.util.Arrays.copyOfRange(argmax, 12, 16));
        Expect.exact("maxPool plane 3", new int[] {2, 2}, new double[] {53, 55, 61, 63},
                buffer(DType.FLOAT64, java.util.Arrays.copyOfRange(Expect.values(y), 12, 16)));
    }

    @Test
    void float32IsTheFloat64ResultRoundedOnce() {
        for (PoolGeometry g : geometries()) {
            double[] x = Expect.floats(g.hashCode(), g.inputSize(), -3, 3);
            Expect.roundedOnce("avgPoolForward " + g, g.outputShape(), dtype -> {
                Buffer y = Buffer.allocate(dtype, g.outputSize());
                K.avgPoolForward(g, buffer(dtype, x), y);
                return y;
            });
            double[] dy = Expect.floats(g.hashCode() + 1, g.outputSize(), -1, 1);
            Expect.roundedOnce("avgPoolBackward " + g, new int[] {g.inputSize()}, dtype -> {
                Buffer dx = Buffer.allocate(dtype, g.inputSize());
                K.avgPoolBackward(g, buffer(dtype, dy), dx);
                return dx;
            });
        }
    }
}
