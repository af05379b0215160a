package dev.faltung.proofs.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.faltung.autodiff.ConvSpec;
import dev.faltung.autodiff.Convolution;
import dev.faltung.autodiff.GradCheck;
import dev.faltung.autodiff.Pooling;
import dev.faltung.autodiff.Tensor;
import dev.faltung.kernel.DType;
import dev.faltung.kernel.conv.ConvAlgorithm;
import dev.faltung.kernel.conv.Padding;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The differentiable convolution and pooling ops (the autodiff wiring of the kernels) pass
 * GradCheck in float64 on random geometries, for every algorithm that applies.
 */
class ConvolutionGradientProofs {

    private static Tensor random(SplittableRandom rnd, Inputs domain, int... shape) {
        return domain.make(rnd, DType.FLOAT64, shape).requiresGrad(true);
    }

    @Test
    void conv2dGradientsForEveryAlgorithm() {
        qt().withExamples(25).withShrinkCycles(10)
                .forAll(integers().between(1, 2), integers().between(1, 4), integers().between(1, 3), longs().all())
                .checkAssert((stride, groups, kernel, seed) -> {
                    SplittableRandom rnd = new SplittableRandom(seed);
                    int padMode = rnd.nextInt(4);
                    int g = groups == 3 ? 1 : groups;
                    int c = g * (1 + rnd.nextInt(2)), k = g * (1 + rnd.nextInt(2));
                    int h = kernel + 2 + rnd.nextInt(3), w = kernel + 1 + rnd.nextInt(4);
                    Padding padding = switch (padMode) {
                        case 0 -> Padding.VALID;
                        case 1 -> Padding.SAME;
                        case 2 -> Padding.FULL;
                        default -> Padding.of(1, 0, 2, 1);
                    };
                    Tensor x = random(rnd, Inputs.ANY, 2, c, h, w);
                    Tensor wt = random(rnd, Inputs.ANY, k, c / g, kernel, kernel);
                    Tensor b = random(rnd, Inputs.ANY, k);
                    for (ConvAlgorithm algo : ConvAlgorithm.values()) {
                        ConvSpec spec = ConvSpec.DEFAULT.withStride(stride).withPadding(padding).withGroups(g)
                                .withDilation(1 + (int) (seed & 1)).withAlgorithm(algo);
                        try {
                            Convolution.conv2d(x.detach(), wt.detach(), null, spec);
                        } catch (UnsupportedOperationException | IllegalArgumentException notApplicable) {
                            continue; // winograd outside 3x3 or 5x5/stride 1, or a dilated kernel too large
                        }
                        GradCheck.check(in -> Convolution.conv2d(in[0], in[1], in[2], spec), x, wt, b);
                    }
                });
    }

    @Test
    void conv1dGradients() {
        qt().withExamples(15).forAll(integers().between(1, 3), integers().between(1, 5), longs().all())
                .checkAssert((stride, kernel, seed) -> {
                    SplittableRandom rnd = new SplittableRandom(seed);
                    Tensor x = random(rnd, Inputs.ANY, 2, 3, kernel + 4);
                    Tensor w = random(rnd, Inputs.ANY, 4, 3, kernel);
                    ConvSpec spec = ConvSpec.DEFAULT.withStride(stride).withPadding(Padding.of(0, 1));
                    GradCheck.check(in -> Convolution.conv1d(in[0], in[1], null, spec), x, w);
                });
    }

    @Test
    void convTranspose2dGradients() {
        qt().withExamples(20).forAll(integers().between(1, 3), integers().between(0, 1), integers().between(1, 2),
                        longs().all())
                .checkAssert((stride, pad, groups, seed) -> {
                    SplittableRandom rnd = new SplittableRandom(seed);
                    // Output padding may reach up to max(stride, dilation) - 1, as in PyTorch.
                    int outPadH = rnd.nextInt(stride), outPadW = rnd.nextInt(Math.max(stride, 1 + pad));
                    Tensor x = random(rnd, Inputs.ANY, 2, 2 * groups, 3, 4);
                    Tensor w = random(rnd, Inputs.ANY, 2 * groups, 3, 3, 2);
                    Tensor b = random(rnd, Inputs.ANY, 3 * groups);
                    GradCheck.check(in -> Convolution.convTranspose2d(in[0], in[1], in[2], new int[] {stride, stride},
                            new int[] {pad, pad}, new int[] {outPadH, outPadW}, new int[] {1, 1 + pad}, groups,
                            ConvAlgorithm.AUTO), x, w, b);
                });
    }

    @Test
    void convTranspose2dWhoseOutputIsAllOutputPaddingIsTheBias() {
        // torch.nn.functional.conv_transpose2d(x[1,2,1,2], w[2,1,1,1], b, stride=(3,2), padding=1,
        // output_padding=(2,1)): one output row, which the only input row (at -1) cannot reach.
        SplittableRandom rnd = new SplittableRandom(7);
        Tensor x = random(rnd, Inputs.ANY, 1, 2, 1, 2);
        Tensor w = random(rnd, Inputs.ANY, 2, 1, 1, 1);
        Tensor b = random(rnd, Inputs.ANY, 1);
        Tensor y = Convolution.convTranspose2d(x, w, b, new int[] {3, 2}, new int[] {1, 1}, new int[] {2, 1},
                new int[] {1, 1}, 1, ConvAlgorithm.AUTO);
        assertArrayEquals(new int[] {1, 1, 1, 2}, y.shape());
        for (double v : y.toDoubleArray()) {
            assertEquals(b.item(), v);
        }
        GradCheck.check(in -> Convolution.convTranspose2d(in[0], in[1], in[2], new int[] {3, 2}, new int[] {1, 1},
                new int[] {2, 1}, new int[] {1, 1}, 1, ConvAlgorithm.AUTO), x, w, b);
    }

    @Test
    void poolingGradients() {
        qt().withExamples(20).forAll(integers().between(1, 3), integers().between(1, 3), integers().between(0, 1),
                        longs().all())
                .checkAssert((kernel, stride, ceil, seed) -> {
                    SplittableRandom rnd = new SplittableRandom(seed);
                    int pad = kernel / 2;
                    Tensor x = random(rnd, Inputs.ANY, 2, 2, 5 + rnd.nextInt(3), 4 + rnd.nextInt(3));
                    int[] k = {kernel, kernel}, s = {stride, stride}, p = {pad, pad};
                    // Distinct values keep max pooling away from ties, where it is not differentiable.
                    GradCheck.check(in -> Pooling.maxPool2d(in[0], k, s, p, ceil == 1), x);
                    GradCheck.check(in -> Pooling.avgPool2d(in[0], k, s, p, ceil == 1, true), x);
                    GradCheck.check(in -> Pooling.avgPool2d(in[0], k, s, p, ceil == 1, false), x);
                });
    }
}
