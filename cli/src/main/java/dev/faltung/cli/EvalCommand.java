package dev.faltung.cli;

import dev.faltung.kernel.Backend;
import dev.faltung.nn.Module;
import dev.faltung.nn.data.DataLoader;
import dev.faltung.nn.data.Datasets;
import dev.faltung.nn.data.LabelledImages;
import dev.faltung.nn.io.Json;
import dev.faltung.nn.train.Evaluation;
import dev.faltung.nn.train.Evaluator;
import dev.faltung.nn.train.ModelInfo;
import dev.faltung.nn.train.TestView;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code faltung eval}: test-set metrics of a checkpoint, or of an ensemble of checkpoints
 * (their probabilities averaged), optionally with test-time augmentation. Uses the checkpoint's
 * dataset, limit, batch size and normalisation unless told otherwise, so it reproduces the test
 * accuracy that {@code train} reported.
 */
final class EvalCommand implements Command {

    @Override
    public String name() {
        return "eval";
    }

    @Override
    public String summary() {
        return "test accuracy of a checkpoint (or an ensemble, with optional test-time augmentation)";
    }

    @Override
    public String usage() {
        return """
                usage: faltung eval --checkpoint FILE[,FILE...] [OPTIONS]
                  Evaluates on the test set; several comma-separated checkpoints form an ensemble (mean of
                  their probabilities). The last stdout line is a JSON object with test_accuracy, test_loss,
                  top5, images, images_per_sec, seconds, model, parameters, backend, threads, dtype.
                  --data D          dataset (default: the one the checkpoint was trained on); only its test
                                    set is read (t10k-*), and any of the model's image size and channels
                                    whose labels are below its class count will do
                  --limit N         only the first N test images (default: the training run's --limit)
                  --batch B         batch size (default: the training run's)
                  --tta LIST        test-time augmentation, %s
                  --backend NAME    compute backend;  --threads T  its worker threads
                """.formatted(TestView.SYNTAX).stripTrailing();
    }

    @Override
    public int run(List<String> argv, PrintStream out, PrintStream err) throws Exception {
        long started = System.nanoTime();
        Args args = Args.parse(argv, Set.of("checkpoint", "data", "limit", "batch", "tta", "backend", "threads"),
                Set.of());
        if (!args.positional().isEmpty()) {
            throw new UsageException("unexpected argument '" + args.positional().get(0) + "'");
        }
        Backend backend = ComputeOptions.apply(args);
        List<TestView> views = parseViews(args.get("tta", "none"));
        List<TrainedModel> members = new ArrayList<>();
        for (String file : args.require("checkpoint").split(",")) {
            members.add(TrainedModel.load(Path.of(file.trim())));
        }
        ModelInfo info = members.get(0).checkpoint().info();
        for (TrainedModel m : members) {
            ModelInfo other = m.checkpoint().info();
            if (!Arrays.equals(other.inputShape(), info.inputShape()) || !other.classNames().equals(info.classNames())) {
                throw new IllegalArgumentException("ensemble members disagree: " + m.file() + " takes "
                        + Arrays.toString(other.inputShape()) + " with classes " + other.classNames() + ", "
                        + members.get(0).file() + " takes " + Arrays.toString(info.inputShape()) + " with "
                        + info.classNames());
            }
        }
        Map<String, Object> run = info.run();
        String data = args.get("data", String.valueOf(run.getOrDefault("data", "shapes")));
        // The run's settings are only defaults: a value a hand-edited checkpoint got wrong is ignored.
        int limit = args.getInt("limit", run.get("limit") instanceof Long n && n >= 0 && n <= Integer.MAX_VALUE
                ? n.intValue() : 0);
        int batch = args.getInt("batch", run.get("batch") instanceof Long n && n >= 1 && n <= Integer.MAX_VALUE
                ? n.intValue() : 64);
        if (batch < 1 || limit < 0) {
            throw new UsageException("--batch must be positive and --limit not negative");
        }
        LabelledImages test = Datasets.loadTest(data.equals("shapes") ? null : data, TrainCommand.EMBEDDED_DATA_SEED);
        if (limit > 0) {
            test = test.head(Math.min(limit, test.size()));
        }
        test = matchCheckpoint(test, info, data);
        List<Module> models = members.stream().map(TrainedModel::model).toList();
        long evalStart = System.nanoTime();
        // Each member is normalised as it was trained; members of one run share statistics, so the
        // first member's are used for all (checked).
        for (TrainedModel m : members) {
            if (!Arrays.equals(m.checkpoint().info().normalisation().mean(), info.normalisation().mean())) {
                throw new IllegalArgumentException("ensemble members were trained with different input normalisation ("
                        + m.file() + "); ensemble checkpoints of runs on the same training data");
            }
        }
        Evaluation e = Evaluator.evaluate(models, views,
                DataLoader.forEvaluation(test, batch, info.normalisation()));
        double evalSeconds = (System.nanoTime() - evalStart) / 1e9;

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("test_accuracy", e.accuracy());
        result.put("test_loss", e.loss());
        result.put("top5", e.top5());
        result.put("images", e.count());
        result.put("images_per_sec", e.count() * views.size() * models.size() / Math.max(evalSeconds, 1e-9));
        result.put("seconds", (System.nanoTime() - started) / 1e9);
        result.put("model", info.model());
        result.put("parameters", models.get(0).parameterCount());
        result.put("ensemble", members.size());
        result.put("tta_views", views.size());
        result.put("backend", backend.name());
        result.put("threads", ComputeOptions.threads());
        result.put("dtype", info.dtype());
        result.put("data", data);
        result.put("checkpoint", args.require("checkpoint"));
        out.printf("%s on %s: test accuracy %.2f%% (top-5 %.2f%%), loss %.4f on %d images%s%n", info.model(), data,
                100 * e.accuracy(), 100 * e.top5(), e.loss(), e.count(),
                members.size() > 1 || views.size() > 1
                        ? " (" + members.size() + " models x " + views.size() + " views)" : "");
        out.println(Json.write(result));
        return 0;
    }

    /**
     * The test set under the checkpoint's class names. Any dataset of the model's image shape
     * whose labels index its classes can be evaluated (a subset of the classes included); the
     * error for one that cannot names both shapes and class counts.
     */
    static LabelledImages matchCheckpoint(LabelledImages test, ModelInfo info, String data) {
        if (!Arrays.equals(test.imageShape(), info.inputShape())) {
            throw new IllegalArgumentException("'" + data + "' has " + Arrays.toString(test.imageShape())
                    + " images (C, H, W) but the checkpoint takes " + Arrays.toString(info.inputShape())
                    + "; evaluate on data of the image size and channels it was trained on");
        }
        if (test.classCount() > info.classes()) {
            throw new IllegalArgumentException("'" + data + "' has labels up to " + (test.classCount() - 1)
                    + " but the checkpoint has only " + info.classes() + " classes");
        }
        return test.withClassNames(info.classNames());
    }

    static List<TestView> parseViews(String spec) {
        try {
            return TestView.parse(spec);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
