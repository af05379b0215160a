package dev.faltung.nn.train;

import dev.faltung.nn.optim.Sgd;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faltung.autodiff.Tensor;
import dev.faltung.nn.Module;
import dev.faltung.nn.data.Batch;
import dev.faltung.nn.data.DataLoader;
import dev.faltung.nn.data.LabelledImages;
import dev.faltung.nn.layers.Sequential;
import dev.faltung.nn.optim.Adam;
import dev.faltung.nn.zoo.Models;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {

    private final LabelledImages train = TrainingFixtures.images(96, 0);
    private final LabelledImages validation = TrainingFixtures.images(40, 1);

    private Trainer trainer(Sequential model, Sgd sgd, TrainerOptions options) {
        return new Trainer(model, sgd, TrainingFixtures.trainLoader(train),
                TrainingFixtures.evalLoader(validation, train), options);
    }

    private static Sgd sgd(Sequential model) {
        return Sgd.momentum(model.namedParameters(), 0.05, 0.9);
    }

    private static void assertSameWeights(Sequential expected, Sequential actual) {
        for (Map.Entry<String, Tensor> e : expected.namedParameters().entrySet()) {
            Tensor a = actual.namedParameters().get(e.getKey());
            float[] want = e.getValue().toFloatArray();
            float[] got = a.toFloatArray();
            for (int i = 0; i < want.length; i++) {
                if (Float.floatToRawIntBits(want[i]) != Float.floatToRawIntBits(got[i])) {
                    throw new AssertionError("parameter " + e.getKey() + " shape "
                            + java.util.Arrays.toString(a.shape()) + " differs first at index " + i + ": straight run "
                            + want[i] + ", resumed run " + got[i]);
                }
            }
        }
    }

    @Test
    void twoEpochsStraightEqualOneEpochThenResumeFromItsCheckpointBitForBit(@TempDir Path dir) throws IOException {
        TrainerOptions options = new TrainerOptions(2, 0, epoch -> 0.05 / (1 + epoch), 2);
        Sequential straight = TrainingFixtures.model(3);
        TrainingState straightEnd = trainer(straight, sgd(straight), options).fit(TrainingListener.NONE);

        Path checkpoint = dir.resolve("epoch1.safetensors");
        Sequential first = TrainingFixtures.model(3);
        Sgd firstSgd = sgd(first);
        TrainerOptions oneEpoch = new TrainerOptions(1, 0, options.learningRate(), 0);
        TrainingState afterOne = trainer(first, firstSgd, oneEpoch).fit(TrainingListener.NONE);
        Checkpoint.save(checkpoint, first, firstSgd, TrainingFixtures.info(train), afterOne);

        // Same seed (dropout seeds are part of the architecture), scrambled weights: the checkpoint must overwrite them.
        Sequential resumed = TrainingFixtures.model(3);
        resumed.namedParameters().values().forEach(p -> p.buffer().set(0, 42.0));
        Sgd resumedSgd = sgd(resumed);
        Checkpoint c = Checkpoint.read(checkpoint);
        c.loadInto(resumed);
        c.loadInto(resumedSgd);
        TrainingState resumedEnd = trainer(resumed, resumedSgd, options).fit(c.state(), TrainingListener.NONE);

        assertSameWeights(straight, resumed);
        assertEquals(straightEnd.step(), resumedEnd.step());
        assertEquals(straightEnd.history().get(1).trainLoss(), resumedEnd.history().get(1).trainLoss(), 0.0);
        assertEquals(straightEnd.history().get(1).validationAccuracy(),
                resumedEnd.history().get(1).validationAccuracy(), 0.0);
        assertEquals(2, resumedEnd.history().size(), "the resumed run keeps the first epoch's metrics");
    }

    @Test
    void recyclingEachStepsTensorsChangesNothingButMemory() throws IOException {
        // The trainer recycles every step's storage in the next (TensorArena); a plain loop does not.
        // Batch norm (running statistics), dropout (masks by step), max pooling (saved indices).
        Map<String, java.util.function.Supplier<Module>> models = Map.of(
                "lenet5-bn", () -> Models.create("lenet5-bn", new int[] {1, 28, 28}, 10, 5),
                "fixture", () -> TrainingFixtures.model(5));
        for (String name : models.keySet()) {
            Module trained = models.get(name).get();
            Module byHand = models.get(name).get();
            Adam trainedAdam = new Adam(trained.namedParameters(), 1e-3);
            Adam byHandAdam = new Adam(byHand.namedParameters(), 1e-3);
            new Trainer(trained, trainedAdam, TrainingFixtures.trainLoader(train), null, new TrainerOptions(1, 0, null, 0))
                    .fit(TrainingListener.NONE);

            byHand.train(true);
            long step = 0;
            try (DataLoader.Batches it = TrainingFixtures.trainLoader(train).epoch(0)) {
                while (it.hasNext()) {
                    Batch batch = it.next();
                    Trainer.positionRandomStreams(byHand, step++);
                    byHandAdam.zeroGrad();
                    byHand.forward(Tensor.of(batch.images(), batch.shape())).crossEntropy(batch.labels(), 0, null)
                            .backward();
                    byHandAdam.step();
                }
            }
            Map<String, Tensor> expected = new java.util.LinkedHashMap<>(byHand.namedParameters());
            expected.putAll(byHand.namedBuffers());
            Map<String, Tensor> actual = new java.util.LinkedHashMap<>(trained.namedParameters());
            actual.putAll(trained.namedBuffers());
            assertEquals(expected.keySet(), actual.keySet());
            for (Map.Entry<String, Tensor> e : expected.entrySet()) {
                assertArrayEquals(e.getValue().toFloatArray(), actual.get(e.getKey()).toFloatArray(),
                        name + " " + e.getKey());
            }
        }
    }

    @Test
    void sameSeedsGiveTheSameRunAndADifferentInitialisationSeedDoesNot() throws IOException {
        TrainerOptions options = new TrainerOptions(1, 0, null, 0);
        Sequential a = TrainingFixtures.model(5);
        Sequential b = TrainingFixtures.model(5);
        Sequential c = TrainingFixtures.model(6);
        double lossA = trainer(a, sgd(a), options).fit(TrainingListener.NONE).history().get(0).trainLoss();
        double lossB = trainer(b, sgd(b), options).fit(TrainingListener.NONE).history().get(0).trainLoss();
        double lossC = trainer(c, sgd(c), options).fit(TrainingListener.NONE).history().get(0).trainLoss();
        assertSameWeights(a, b);
        assertEquals(lossA, lossB, 0.0);
        assertTrue(lossA != lossC, "a different seed must change the run");
    }

    @Test
    void labelSmoothingMixesTheTargetWithTheUniformDistribution() throws IOException {
        // At rate 0 every run sees the same logits, and the smoothed loss (1-s)·CE + s·U is linear in s.
        double[] loss = new double[3];
        double[] smoothing = {0, 0.5, 1};
        for (int i = 0; i < 3; i++) {
            Sequential model = TrainingFixtures.model(4);
            TrainerOptions options = new TrainerOptions(1, 0, epoch -> 0.0, 0, smoothing[i]);
            loss[i] = trainer(model, sgd(model), options).fit(TrainingListener.NONE).history().get(0).trainLoss();
        }
        assertTrue(Math.abs(loss[0] - loss[2]) > 1e-3, "smoothing must change the loss: " + loss[0] + " vs " + loss[2]);
        assertEquals((loss[0] + loss[2]) / 2, loss[1], 1e-6);
    }

    @Test
    void learnsTheShapesWellAboveChance() throws IOException {
        LabelledImages bigger = TrainingFixtures.images(600, 0);
        Sequential model = TrainingFixtures.model(1);
        Trainer t = new Trainer(model, Sgd.momentum(model.namedParameters(), 0.05, 0.9),
                TrainingFixtures.trainLoader(bigger), TrainingFixtures.evalLoader(validation, bigger),
                TrainerOptions.epochs(3));
        TrainingState end = t.fit(TrainingListener.NONE);
        EpochMetrics last = end.history().get(2);
        assertTrue(last.validationAccuracy() > 0.3, "validation accuracy after 3 epochs: " + last);
        assertTrue(last.trainLoss() < end.history().get(0).trainLoss(), "loss must fall: " + end.history());
    }

    @Test
    void earlyStoppingEndsTheRunAfterPatienceEpochsWithoutImprovement() throws IOException {
        Sequential model = TrainingFixtures.model(2);
        // Rate 0 after the first epoch: nothing changes, so validation accuracy cannot improve.
        TrainerOptions options = new TrainerOptions(10, 2, epoch -> epoch < 1 ? 0.05 : 0.0, 0);
        List<Boolean> improved = new ArrayList<>();
        TrainingState end = trainer(model, sgd(model), options).fit(new TrainingListener() {
            @Override
            public void epochFinished(EpochMetrics metrics, TrainingState state, boolean better) {
                improved.add(better);
            }
        });
        assertTrue(end.stoppedEarly());
        assertEquals(3, end.epochsCompleted(), "epoch 1 sets the best, epochs 2 and 3 exhaust patience 2");
        assertEquals(1, end.bestEpoch());
        assertEquals(List.of(true, false, false), improved);
        assertEquals(0.0, end.history().get(2).learningRate(), 0.0);
        assertEquals(end, trainer(model, sgd(model), options).fit(end, TrainingListener.NONE),
                "a stopped run stays stopped when resumed");
    }

    @Test
    void progressIsReportedForEveryBatchWithRunningMetrics() throws IOException {
        Sequential model = TrainingFixtures.model(4);
        List<BatchProgress> seen = new ArrayList<>();
        trainer(model, sgd(model), TrainerOptions.epochs(1)).fit(new TrainingListener() {
            @Override
            public void batchFinished(BatchProgress p) {
                seen.add(p);
            }
        });
        assertEquals(6, seen.size(), "96 images in batches of 16");
        BatchProgress last = seen.get(5);
        assertEquals(96, last.images());
        assertEquals(6, last.batches());
        assertTrue(last.accuracy() >= 0 && last.accuracy() <= 1);
        assertFalse(Double.isNaN(last.loss()));
        assertEquals(0.0, last.epochSecondsLeft(), 0.0);
    }

    @Test
    void randomStreamsArePositionedByGlobalStep() {
        Sequential model = TrainingFixtures.model(1);
        Trainer.positionRandomStreams(model, 3);
        assertEquals(3L << 32, ((dev.faltung.nn.layers.Dropout) model.get(4)).step());
    }

    @Test
    void evaluationCountsConfusionTopFiveAndLoss() {
        Sequential model = TrainingFixtures.model(1);
        DataLoader loader = TrainingFixtures.evalLoader(validation, train);
        Evaluation e = Evaluator.evaluate(model, loader);
        assertEquals(40, e.count());
        int total = 0;
        for (int[] row : e.confusion()) {
            for (int v : row) {
                total += v;
            }
        }
        assertEquals(40, total);
        assertEquals(e.correct() / 40.0, e.accuracy(), 1e-12);
        assertTrue(e.top5() >= e.accuracy());
        assertTrue(e.loss() > 0);
        assertTrue(model.isTraining(), "evaluation restores training mode");
    }

    @Test
    void anEnsembleOfOneModelTwiceAndIdentityViewsPredictLikeTheModel() {
        Sequential model = TrainingFixtures.model(1);
        DataLoader loader = TrainingFixtures.evalLoader(validation, train);
        Evaluation single = Evaluator.evaluate(model, loader);
        Evaluation doubled = Evaluator.evaluate(List.of(model, model), List.of(TestView.IDENTITY, TestView.IDENTITY),
                loader);
        assertArrayEquals(single.confusion(), doubled.confusion());
        assertEquals(single.loss(), doubled.loss(), 1e-5);
    }

    @Test
    void testTimeAugmentationAveragesOverViews() {
        Sequential a = TrainingFixtures.model(1);
        Sequential b = TrainingFixtures.model(2);
        float[] images = new float[2 * 28 * 28];
        for (int i = 0; i < images.length; i++) {
            images[i] = (i * 37 % 101) / 101f;
        }
        int[] shape = {2, 1, 28, 28};
        double[][] pa = Evaluator.logProbabilities(List.of(a), List.of(TestView.IDENTITY), images, shape);
        double[][] pb = Evaluator.logProbabilities(List.of(b), List.of(TestView.IDENTITY), images, shape);
        double[][] both = Evaluator.logProbabilities(List.of(a, b), List.of(TestView.IDENTITY), images, shape);
        for (int c = 0; c < 10; c++) {
            double mean = (Math.exp(pa[1][c]) + Math.exp(pb[1][c])) / 2;
            assertEquals(Math.log(mean), both[1][c], 1e-9, "ensemble log-probability of class " + c);
        }
        float[] flippedTwice = TestView.HORIZONTAL_FLIP.apply(TestView.HORIZONTAL_FLIP.apply(images, 2, 1, 28, 28),
                2, 1, 28, 28);
        assertArrayEquals(images, flippedTwice);
        assertEquals(6, TestView.parse("flip,shift=1").size());
        float[] shifted = TestView.shift(1, 0).apply(images, 2, 1, 28, 28);
        assertEquals(images[5], shifted[6], 0f);
        assertEquals(images[0], shifted[0], 0f, "the uncovered column repeats the edge");
    }
}
