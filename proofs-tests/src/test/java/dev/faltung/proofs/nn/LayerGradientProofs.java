package dev.faltung.proofs.nn;

import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.faltung.autodiff.ConvSpec;
import dev.faltung.autodiff.GradCheck;
import dev.faltung.autodiff.Tensor;
import dev.faltung.kernel.DType;
import dev.faltung.kernel.conv.Padding;
import dev.faltung.nn.layers.AdaptiveAvgPool2d;
import dev.faltung.nn.layers.AvgPool2d;
import dev.faltung.nn.layers.BatchNorm1d;
import dev.faltung.nn.layers.BatchNorm2d;
import dev.faltung.nn.layers.Concat;
import dev.faltung.nn.layers.Conv1d;
import dev.faltung.nn.layers.Conv2d;
import dev.faltung.nn.layers.ConvTranspose2d;
import dev.faltung.nn.layers.Dense;
import dev.faltung.nn.layers.Dropout;
import dev.faltung.nn.layers.ELU;
import dev.faltung.nn.layers.Embedding;
import dev.faltung.nn.layers.FlatOutputProbabilities;
import dev.faltung.nn.layers.Flatten;
import dev.faltung.nn.layers.GlobalAvgPool;
import dev.faltung.nn.layers.InceptionBlock;
import dev.faltung.nn.layers.Layer;
import dev.faltung.nn.layers.LeakyReLU;
import dev.faltung.nn.layers.LocalResponseNorm;
import dev.faltung.nn.layers.LogSoftmax;
import dev.faltung.nn.layers.LpPool2d;
import dev.faltung.nn.layers.MaxPool2d;
import dev.faltung.nn.layers.Maxout;
import dev.faltung.nn.layers.ReLU;
import dev.faltung.nn.layers.ResidualBlock;
import dev.faltung.nn.layers.Sequential;
import dev.faltung.nn.layers.Sigmoid;
import dev.faltung.nn.layers.Softmax;
import dev.faltung.nn.layers.StochasticPool2d;
import dev.faltung.nn.layers.Tanh;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Every layer's gradients (with respect to its input and to each parameter) agree with central
 * differences in float64 on small random shapes, in training and in evaluation mode where the two
 * differ. The layer is converted to float64 and GradCheck's copies of the parameters are swapped
 * in with {@link Layer#setParameter} before each evaluation; random layers replay the same draw
 * each time ({@code setStep(0)}), so the function checked is deterministic.
 */
class LayerGradientProofs {

    private static Tensor random(SplittableRandom rnd, double lo, double hi, int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = lo + (hi - lo) * rnd.nextDouble();
        }
        return Tensor.of(v, shape);
    }

    /** Checks input and parameter gradients of {@code layer} at {@code x} in the given mode. */
    private static void check(Layer layer, Tensor x, boolean training, Runnable beforeForward) {
        layer.to(DType.FLOAT64);
        layer.train(training);
        List<String> names = new ArrayList<>(layer.namedParameters().keySet());
        Tensor[] inputs = new Tensor[names.size() + 1];
        inputs[0] = x == null ? null : x.requiresGrad(true);
        for (int i = 0; i < names.size(); i++) {
            inputs[i + 1] = layer.namedParameters().get(names.get(i));
        }
        GradCheck.check(in -> {
            for (int i = 0; i < names.size(); i++) {
                layer.setParameter(names.get(i), in[i + 1]);
            }
            beforeForward.run();
            return layer.forward(in[0]);
        }, inputs);
    }

    private static void bothModes(java.util.function.Supplier<Layer> make, Tensor x) {
        check(make.get(), x.copy(), true, () -> { });
        check(make.get(), x.copy(), false, () -> { });
    }

    @Test
    void denseAndMaxout() {
        qt().withExamples(8).forAll(integers().between(1, 4), integers().between(1, 3), longs().all())
                .checkAssert((in, out, seed) -> {
                    SplittableRandom rnd = new SplittableRandom(seed);
                    check(new Dense(in, out, seed), random(rnd, -1, 1, 3, in), true, () -> { });
                    check(new Maxout(in, out, 3, seed), random(rnd, -1, 1, 2, in), true, () -> { });
                });
    }

    @Test
    void convolutionLayers() {
        qt().withExamples(6).forAll(integers().between(1, 2), integers().between(1, 3), longs().all())
                .checkAssert((stride, kernel, seed) -> {
                    SplittableRandom rnd = new SplittableRandom(seed);
                    ConvSpec spec = ConvSpec.DEFAULT.withStride(stride).withPadding(Padding.SAME);
                    check(new Conv2d(2, 3, kernel, spec, true, seed), random(rnd, -1, 1, 2, 2, 5, 4), true, () -> { });
                    check(new Conv1d(2, 3, kernel, ConvSpec.DEFAULT.withStride(stride), true, seed),
                            random(rnd, -1, 1, 2, 2, 6), true, () -> { });
                    check(new ConvTranspose2d(2, 3, kernel, stride, kernel / 2, stride - 1, true, seed),
                            random(rnd, -1, 1, 1, 2, 3, 3), true, () -> { });
                });
    }

    @Test
    void poolingLayers() {
        qt().withExamples(8).forAll(integers().between(2, 3), integers().between(1, 3), integers().between(0, 1),
                        longs().all())
                .checkAssert((kernel, stride, pad, seed) -> {
                    SplittableRandom rnd = new SplittableRandom(seed);
                    boolean ceil = (seed & 1) == 0;
                    Tensor x = random(rnd, -1, 1, 2, 2, 5, 6);
                    check(new MaxPool2d(kernel, stride, pad, ceil), x.copy(), true, () -> { });
                    check(new AvgPool2d(kernel, stride, pad, ceil, (seed & 2) == 0), x.copy(), true, () -> { });
                    check(new GlobalAvgPool(), x.copy(), true, () -> { });
                    check(new AdaptiveAvgPool2d(3, 4), x.copy(), true, () -> { });
                    Tensor positive = random(rnd, 0.5, 2, 1, 2, 5, 6);
                    check(new LpPool2d(1 + stride, kernel, stride, ceil), positive.copy(), true, () -> { });
                });
    }

    @Test
    void stochasticPoolingInTrainingAndEvaluation() {
        qt().withExamples(8).forAll(integers().between(2, 3), integers().between(1, 3), longs().all())
                .checkAssert((kernel, stride, seed) -> {
                    SplittableRandom rnd = new SplittableRandom(seed);
                    Tensor x = random(rnd, 0.1, 2, 2, 2, 5, 5);
                    StochasticPool2d train = new StochasticPool2d(kernel, stride, seed);
                    check(train, x.copy(), true, () -> train.setStep(0));
                    check(new StochasticPool2d(kernel, stride, seed), x.copy(), false, () -> { });
                });
    }

    @Test
    void dropoutInBothRulesAndModes() {
        qt().withExamples(6).forAll(longs().all()).checkAssert(seed -> {
            Tensor x = random(new SplittableRandom(seed), -1, 1, 3, 5);
            for (Dropout.Rule rule : Dropout.Rule.values()) {
                Dropout d = new Dropout(0.4, rule, seed);
                check(d, x.copy(), true, () -> d.setStep(0));
                check(new Dropout(0.4, rule, seed), x.copy(), false, () -> { });
            }
        });
    }

    @Test
    void batchNormUsesBatchStatisticsInTrainingAndRunningOnesInEvaluation() {
        qt().withExamples(6).forAll(integers().between(1, 3), longs().all()).checkAssert((c, seed) -> {
            SplittableRandom rnd = new SplittableRandom(seed);
            bothModes(() -> new BatchNorm2d(c), random(rnd, -2, 2, 3, c, 2, 2));
            bothModes(() -> new BatchNorm1d(c), random(rnd, -2, 2, 4, c));
            bothModes(() -> new BatchNorm1d(c), random(rnd, -2, 2, 2, c, 3));
        });
    }

    @Test
    void normalisationAndOutputLayers() {
        qt().withExamples(8).forAll(integers().between(1, 5), longs().all()).checkAssert((size, seed) -> {
            SplittableRandom rnd = new SplittableRandom(seed);
            check(new LocalResponseNorm(size, 0.3, 0.75, 1.5), random(rnd, -2, 2, 2, 4, 2, 3), true, () -> { });
            check(new FlatOutputProbabilities(new int[] {2, 3}, 1e-3), random(rnd, 0.2, 2, 3, 5), true, () -> { });
            check(new Softmax(1), random(rnd, -2, 2, 3, 4), true, () -> { });
            check(new LogSoftmax(1), random(rnd, -2, 2, 3, 4), true, () -> { });
        });
    }

    @Test
    void activations() {
        qt().withExamples(5).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom rnd = new SplittableRandom(seed);
            for (Layer a : new Layer[] {new ReLU(), new LeakyReLU(0.1), new ELU(0.7), new Tanh(), new Sigmoid(),
                new Flatten()}) {
                check(a, random(rnd, -2, 2, 2, 3, 2), true, () -> { });
            }
        });
    }

    @Test
    void embeddingTableGradient() {
        qt().withExamples(6).forAll(integers().between(2, 6), longs().all()).checkAssert((vocab, seed) -> {
            SplittableRandom rnd = new SplittableRandom(seed);
            double[] ids = new double[6];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = rnd.nextInt(vocab);
            }
            Embedding e = new Embedding(vocab, 3, seed);
            e.to(DType.FLOAT64);
            Tensor table = e.weight();
            GradCheck.check(in -> {
                e.setParameter("weight", in[0]);
                return e.forward(Tensor.of(ids, 2, 3));
            }, table);
        });
    }

    @Test
    void compositeBlocks() {
        qt().withExamples(3).forAll(integers().between(1, 2), longs().all()).checkAssert((stride, seed) -> {
            SplittableRandom rnd = new SplittableRandom(seed);
            Tensor x = random(rnd, -1, 1, 2, 2, 4, 4);
            bothModes(() -> new ResidualBlock(2, 2 * stride, stride, seed), x);
            check(new InceptionBlock(2, 1, 1, 2, 1, 1, 1, seed), x.copy(), true, () -> { });
            check(new Concat(new Conv2d(2, 1, 1, seed), new Sequential(new Conv2d(2, 2, 3,
                    ConvSpec.DEFAULT.withPadding(1), true, seed + 1), new Tanh())), x.copy(), true, () -> { });
        });
    }
}
