package dev.faltung.nn.train;

import dev.faltung.autodiff.Tensor;
import dev.faltung.autodiff.TensorArena;
import dev.faltung.kernel.DType;
import dev.faltung.nn.Module;
import dev.faltung.nn.data.Batch;
import dev.faltung.nn.data.DataLoader;
import dev.faltung.nn.layers.Dropout;
import dev.faltung.nn.layers.Layer;
import dev.faltung.nn.layers.StochasticPool2d;
import dev.faltung.nn.optim.Optimizer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Trains a classifier with softmax cross-entropy by mini-batch gradient descent, epoch by epoch,
 * measuring each epoch on the validation set (when there is one), tracking the best epoch by
 * validation accuracy (training accuracy without a validation set) and stopping early after
 * {@link TrainerOptions#patience()} epochs without improvement.
 *
 * <p>Determinism: for a given backend a run is a pure function of the model's initial weights,
 * the loaders' seeds and the options. Batch {@code b} of epoch {@code e} comes from the loader
 * as a function of (seed, e, b); the learning rate is a function of the epoch; and before every
 * forward pass each dropout and stochastic-pooling layer has its random stream positioned at
 * {@code step << 32}, so its masks depend only on the global step. A run resumed from
 * {@link #fit(TrainingState, TrainingListener)} with a checkpoint's weights, optimizer state and
 * {@link TrainingState} therefore continues bit-identically.
 *
 * <p>Memory: each step runs in a {@link TensorArena}, so the storage of the step's activations
 * and gradients serves the next step instead of becoming garbage. Everything the model keeps is
 * kept (its parameters and buffers, updated in place, and the optimizer's state, made before
 * training); a custom module must not hold on to a tensor it creates in {@code forward} past the
 * step, since that tensor's storage is reused.
 */
public final class Trainer {

    /** Room in each layer's random stream for one step's draws (any batch under 2^32 elements). */
    static final int STEP_STREAM_BITS = 32;

    private final Module model;
    private final Optimizer optimizer;
    private final DataLoader train;
    private final DataLoader validation;
    private final TrainerOptions options;

    /** {@code validation} may be null: then the best epoch is the one with the best training accuracy. */
    public Trainer(Module model, Optimizer optimizer, DataLoader train, DataLoader validation, TrainerOptions options) {
        this.model = model;
        this.optimizer = optimizer;
        this.train = train;
        this.validation = validation;
        this.options = options;
    }

    /** Trains from the beginning. */
    public TrainingState fit(TrainingListener listener) throws IOException {
        return fit(TrainingState.initial(), listener);
    }

    /**
     * Trains the epochs after {@code from.epochsCompleted()} up to {@link TrainerOptions#epochs()},
     * unless {@code from} already stopped early or patience runs out; returns the final state.
     * The model keeps the weights of the last epoch (listeners save the best).
     */
    public TrainingState fit(TrainingState from, TrainingListener listener) throws IOException {
        TrainingState state = from;
        DType dtype = Evaluator.dtypeOf(model);
        List<Tensor> weights = modelState(model);
        int batches = train.batchCount();
        while (!state.stoppedEarly() && state.epochsCompleted() < options.epochs()) {
            int epochIndex = state.epochsCompleted();
            int epoch = epochIndex + 1;
            if (options.learningRate() != null) {
                optimizer.setLearningRate(options.learningRate().applyAsDouble(epochIndex));
            }
            double lr = optimizer.learningRate(); // the epoch's first rate, as metrics.csv reports it
            listener.epochStarted(epoch, options.epochs(), batches, lr);
            model.train(true);
            long start = System.nanoTime();
            long step = state.step();
            double lossSum = 0;
            long correct = 0;
            long seen = 0;
            int b = 0;
            try (DataLoader.Batches it = options.prefetch() > 0 ? train.prefetch(epochIndex, options.prefetch())
                    : train.epoch(epochIndex);
                 TensorArena arena = TensorArena.open()) {
                while (it.hasNext()) {
                    Batch batch = it.next();
                    Tensor x = Tensor.of(batch.images(), batch.shape());
                    if (dtype != DType.FLOAT32) {
                        x = x.to(dtype);
                    }
                    if (options.learningRate() != null) {
                        optimizer.setLearningRate(options.learningRate().applyAsDouble(epochIndex + (double) b / batches));
                    }
                    positionRandomStreams(model, step);
                    optimizer.zeroGrad();
                    Tensor logits = model.forward(x);
                    Tensor loss = logits.crossEntropy(batch.labels(), options.labelSmoothing(), null);
                    double lossValue = loss.item();
                    if (!Double.isFinite(lossValue)) {
                        throw new ArithmeticException("training diverged: loss is " + lossValue + " at epoch " + epoch
                                + ", batch " + (b + 1) + " (lower the learning rate with --lr)");
                    }
                    correct += countCorrect(logits, batch.labels());
                    loss.backward();
                    optimizer.step();
                    optimizer.zeroGrad(); // the gradients' storage is recycled with the step's other tensors
                    arena.recycle(weights);
                    step++;
                    b++;
                    seen += batch.size();
                    lossSum += lossValue * batch.size();
                    listener.batchFinished(new BatchProgress(epoch, options.epochs(), b, batches, seen, lossSum / seen,
                            (double) correct / seen, (System.nanoTime() - start) / 1e9));
                }
            }
            double trainSeconds = (System.nanoTime() - start) / 1e9;
            double trainLoss = lossSum / Math.max(1, seen);
            double trainAccuracy = (double) correct / Math.max(1, seen);
            Evaluation val = validation == null || validation.data().size() == 0 ? null
                    : Evaluator.evaluate(model, validation);
            double seconds = (System.nanoTime() - start) / 1e9;
            EpochMetrics metrics = new EpochMetrics(epoch, trainLoss, trainAccuracy,
                    val == null ? Double.NaN : val.loss(), val == null ? Double.NaN : val.accuracy(),
                    val == null ? Double.NaN : val.top5(), lr, seconds, seen / Math.max(trainSeconds, 1e-9));
            double monitored = val == null ? trainAccuracy : val.accuracy();
            boolean improved = state.improves(monitored);
            state = state.after(metrics, step, monitored, options.patience());
            listener.epochFinished(metrics, state, improved);
        }
        return state;
    }

    /** The model's parameters and buffers: what outlives a step (they are updated in place). */
    static List<Tensor> modelState(Module model) {
        List<Tensor> state = new ArrayList<>(model.namedParameters().values());
        state.addAll(model.namedBuffers().values());
        return state;
    }

    /** Number of rows of {@code logits} [N, C] whose largest entry is at the label. */
    static long countCorrect(Tensor logits, int[] labels) {
        int[] predicted = logits.argmax(1);
        long correct = 0;
        for (int i = 0; i < labels.length; i++) {
            if (predicted[i] == labels[i]) {
                correct++;
            }
        }
        return correct;
    }

    /** Positions every dropout and stochastic-pooling layer's random stream for global step {@code step}. */
    static void positionRandomStreams(Module module, long step) {
        long position = step << STEP_STREAM_BITS;
        if (module instanceof Dropout d) {
            d.setStep(position);
        } else if (module instanceof StochasticPool2d s) {
            s.setStep(position);
        }
        if (module instanceof Layer layer) {
            for (Module child : layer.children().values()) {
                positionRandomStreams(child, step);
            }
        }
    }
}
