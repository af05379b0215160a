package dev.faltung.cli;

import dev.faltung.kernel.Backend;
import dev.faltung.kernel.DType;
import dev.faltung.kernel.conv.ConvAlgorithm;
import dev.faltung.kernel.conv.ConvPlanner;
import dev.faltung.nn.Module;
import dev.faltung.nn.data.Augmentation;
import dev.faltung.nn.data.Augmentations;
import dev.faltung.nn.data.DataLoader;
import dev.faltung.nn.data.Datasets;
import dev.faltung.nn.data.LabelledImages;
import dev.faltung.nn.data.Normalisation;
import dev.faltung.nn.Seeds;
import dev.faltung.nn.data.Split;
import dev.faltung.nn.data.TrainTest;
import dev.faltung.nn.io.AtomicFile;
import dev.faltung.nn.io.Json;
import dev.faltung.nn.io.MalformedFileException;
import dev.faltung.nn.optim.LearningRateSchedule;
import dev.faltung.nn.plot.Charts;
import dev.faltung.nn.train.BatchProgress;
import dev.faltung.nn.train.Checkpoint;
import dev.faltung.nn.train.ConvAlgorithmCache;
import dev.faltung.nn.train.EpochMetrics;
import dev.faltung.nn.train.Evaluation;
import dev.faltung.nn.train.Evaluator;
import dev.faltung.nn.train.ModelInfo;
import dev.faltung.nn.train.Trainer;
import dev.faltung.nn.train.TrainerOptions;
import dev.faltung.nn.train.TrainingListener;
import dev.faltung.nn.train.TrainingState;
import dev.faltung.nn.zoo.Models;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code faltung train}: trains a zoo model on a dataset and writes a run directory. With no
 * options it trains LeNet-5 on the embedded shapes for four epochs (under a minute on two cores,
 * about 94% test accuracy); with {@code --data mnist|fashion-mnist|DIR} the defaults become the
 * Fashion-MNIST benchmark CNN ({@code fmnist-cnn}) for three epochs. Per epoch one summary line goes to stdout (and, on a terminal, a progress bar to
 * stderr); the last stdout line is one JSON object with the test metrics.
 */
final class TrainCommand implements Command {

    /** The seed of the embedded dataset: fixed, so every run sees the same images whatever --seed is. */
    static final long EMBEDDED_DATA_SEED = 2024;

    /** Options that must not change when resuming, because the run's randomness and data depend on them. */
    private static final List<String> FROZEN_ON_RESUME = List.of("model", "data", "seed", "batch", "optimizer", "lr",
            "weight-decay", "schedule", "augment", "val-split", "limit", "dtype", "label-smoothing");

    private static final Set<String> VALUED = Set.of("model", "data", "epochs", "batch", "optimizer", "lr", "seed",
            "backend", "threads", "augment", "out", "val-split", "patience", "schedule", "weight-decay", "resume",
            "limit", "dtype", "label-smoothing");

    @Override
    public String name() {
        return "train";
    }

    @Override
    public String summary() {
        return "train a CNN (no options: LeNet-5 on the embedded shapes, about a minute)";
    }

    @Override
    public String usage() {
        return """
                usage: faltung train [OPTIONS]
                  Trains a zoo model and writes RUN_DIR with model.safetensors (the best epoch by validation
                  accuracy, a full resumable checkpoint), last.safetensors (the last epoch), metrics.csv,
                  curves.png, confusion.png (test set) and result.json. The last stdout line is a JSON object:
                  test_accuracy, test_loss, top5, train_images_per_sec, epochs, seconds, backend, model, ...
                options (defaults for the embedded shapes / for mnist, fashion-mnist and directories):
                  --model NAME        zoo model (lenet5 / fmnist-cnn); see 'faltung models'
                  --data D            shapes (the embedded 28x28 shapes, default), mnist, fashion-mnist, or a
                                      directory with the four MNIST-style IDX files train-images-idx3-ubyte,
                                      train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte
                                      (each may be .gz; the plain file is read if both exist). Images: bytes
                                      [N, H, W] (grayscale) or [N, H, W, 3] (RGB) of any size; a directory's
                                      classes are 0 to its largest label (47 for EMNIST-balanced)
                  --epochs E          total epochs, counting those already done when resuming (4 / 3;
                                      fmnist-cnn on Fashion-MNIST takes about a minute per epoch on 2 cores)
                  --batch B           mini-batch size (64)
                  --optimizer O       sgd, momentum, nesterov, adam, adamw, rmsprop, adagrad (adam)
                  --lr L              learning rate (adam, adamw, rmsprop: 0.001; others 0.01)
                  --schedule S        %s (cosine)
                  --weight-decay W    L2 / decoupled weight decay (0)
                  --label-smoothing S training targets (1-S)·one-hot + S/classes, as PyTorch's
                                      CrossEntropyLoss(label_smoothing=S); test loss stays plain (0)
                  --augment LIST      %s (none)
                  --val-split F       fraction of the training set held out for validation (0.1)
                  --patience P        stop after P epochs without better validation accuracy (0: never)
                  --seed S            seed of initialisation, split, shuffling, augmentation and dropout (42)
                  --limit N           use only the first N training and N test images (quick runs)
                  --dtype T           float32 or float64 (float32)
                  --backend NAME      compute backend (the default: see 'faltung info')
                  --threads T         worker threads of the backend (all processors)
                  --resume FILE       continue a run from its checkpoint, bit-identically; the options that
                                      shape the run (model, data, seed, batch, optimizer, lr, schedule, ...)
                                      come from the checkpoint; RUN_DIR defaults to the checkpoint's directory;
                                      a larger --epochs extends the run (cosine then spans the new total);
                                      --data may name a dataset directory anew only if the recorded one is gone
                  --out RUN_DIR       output directory (runs/MODEL-YYYYMMDD-HHMMSS)
                """.formatted(OptimizerFactory.SCHEDULE_SYNTAX, Augmentations.SYNTAX).stripTrailing();
    }

    /** The settings of a run after defaults, the resumed checkpoint and the command line are combined. */
    private record Settings(String model, String data, int epochs, int batch, String optimizer, double lr,
                            String schedule, double weightDecay, String augment, double valSplit, int patience,
                            long seed, int limit, DType dtype, double labelSmoothing) {
    }

    /** The images a run uses: the training set split into training and validation, and the test set. */
    private record Parts(Split split, LabelledImages test) {
    }

    /**
     * Loads, limits and splits the data. A method of its own so that nothing outlives it but
     * the parts: the full training set, copied by the split, is garbage as soon as it returns.
     */
    private static Parts parts(Settings s) throws IOException {
        TrainTest data = Datasets.load(s.data().equals("shapes") ? null : s.data(), EMBEDDED_DATA_SEED);
        LabelledImages trainAll = s.limit() > 0 ? data.train().head(s.limit()) : data.train();
        LabelledImages test = s.limit() > 0 ? data.test().head(s.limit()) : data.test();
        Split split = Split.of(trainAll, s.valSplit(), Seeds.derive(s.seed(), 1));
        if (split.train().size() == 0) {
            throw new UsageException("no training images left after --limit " + s.limit() + " and --val-split "
                    + s.valSplit());
        }
        return new Parts(split, test);
    }

    /**
     * The cache of convolution algorithms timed by earlier runs on this machine, its choices
     * handed to the planner; null when the cache is off or AUTO does not time (heuristic mode).
     * A bad cache file costs a warning and the timing it would have saved, never the run.
     */
    private static ConvAlgorithmCache convAlgorithmCache(PrintStream out, PrintStream err) {
        ConvPlanner planner = ConvPlanner.shared();
        Optional<Path> dir = ConvAlgorithmCache.directory(System.getProperty(ConvAlgorithmCache.PROPERTY),
                System.getenv(), System.getProperty("user.home"));
        if (dir.isEmpty() || planner.mode() != ConvPlanner.Mode.BENCHMARK) {
            return null;
        }
        if (Files.exists(dir.get()) && !Files.isDirectory(dir.get())) {
            err.println("faltung: warning: the convolution algorithm cache " + dir.get() + " is a file, not a "
                    + "directory; timing the algorithms without a cache (" + ConvAlgorithmCache.ENV + " names another)");
            return null;
        }
        ConvAlgorithmCache cache = new ConvAlgorithmCache(dir.get(), ConvAlgorithmCache.machine(ComputeOptions.threads()));
        try {
            Map<ConvPlanner.Key, ConvAlgorithm> earlier = cache.read();
            planner.remember(earlier);
            if (!earlier.isEmpty()) {
                out.printf("convolution algorithms timed by earlier runs: %s (%s=off times them again)%n", cache.file(),
                        ConvAlgorithmCache.ENV);
            }
        } catch (IOException e) {
            err.println("faltung: warning: ignoring the convolution algorithm cache, to be rewritten after this run: "
                    + Main.describe(e));
        }
        return cache;
    }

    @Override
    public int run(List<String> argv, PrintStream out, PrintStream err) throws Exception {
        long started = System.nanoTime();
        Args args = Args.parse(argv, VALUED, Set.of());
        if (!args.positional().isEmpty()) {
            throw new UsageException("unexpected argument '" + args.positional().get(0) + "'");
        }
        Checkpoint resumed = args.has("resume") ? readResume(Path.of(args.get("resume", ""))) : null;
        Settings s = settings(args, resumed);
        Backend backend = ComputeOptions.apply(args);
        Path runDir = runDirectory(args, s, resumed);
        checkWritable(runDir); // before minutes of loading and training, not after the first epoch

        Parts parts = parts(s);
        Split split = parts.split();
        LabelledImages train = split.train();
        LabelledImages test = parts.test();
        warnAboutClassesWithoutImages(train, err);
        Normalisation norm = Normalisation.fit(train);
        Augmentation augmentation;
        try {
            augmentation = Augmentations.parse(s.augment(), train);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        DataLoader trainLoader = new DataLoader(train, s.batch(), true, Seeds.derive(s.seed(), 2), augmentation, norm);
        DataLoader valLoader = split.validation().size() == 0 ? null
                : DataLoader.forEvaluation(split.validation(), s.batch(), norm);
        DataLoader testLoader = DataLoader.forEvaluation(test, s.batch(), norm);

        Module model;
        try {
            model = Models.create(s.model(), train.imageShape(), train.classCount(), s.seed());
        } catch (IllegalArgumentException e) {
            if (!Models.names().contains(s.model())) {
                throw new UsageException(e.getMessage());
            }
            throw e;
        }
        model = TrainedModel.convert(model, s.dtype());
        OptimizerFactory.Built built = OptimizerFactory.create(s.optimizer(), model.namedParameters(), s.lr(),
                s.weightDecay());
        LearningRateSchedule schedule = OptimizerFactory.schedule(s.schedule(), s.lr(), s.epochs());

        Map<String, Object> run = new LinkedHashMap<>();
        run.put("data", s.data());
        run.put("limit", s.limit());
        run.put("val_split", s.valSplit());
        run.put("batch", s.batch());
        run.put("epochs", s.epochs());
        run.put("lr", s.lr());
        run.put("schedule", s.schedule());
        run.put("weight_decay", s.weightDecay());
        run.put("label_smoothing", s.labelSmoothing());
        run.put("augment", s.augment());
        run.put("backend", backend.name());
        ModelInfo info = new ModelInfo(s.model(), train.imageShape(), train.classNames(), model.toString(),
                TrainedModel.dtypeName(s.dtype()), s.optimizer(), built.hyperparameters(), s.seed(), norm, run);

        try {
            Files.createDirectories(runDir);
        } catch (IOException e) {
            throw new IOException("cannot create the run directory " + runDir + ": " + Main.describe(e), e);
        }
        removeStaleTemporaryFiles(runDir);
        TrainingState state = TrainingState.initial();
        if (resumed != null) {
            checkCompatible(resumed.info(), info);
            try {
                resumed.loadInto(model);
                resumed.loadInto(built.optimizer());
            } catch (IllegalArgumentException e) {
                throw new MalformedFileException(Path.of(args.get("resume", "")), e.getMessage(), e);
            }
            resumed.pinConvAlgorithms();
            state = resumed.state();
            carryBestCheckpoint(Path.of(args.get("resume", "")), runDir, state);
        }

        ConvAlgorithmCache convCache = convAlgorithmCache(out, err);
        out.printf("training %s (%,d parameters) on %s: %d train / %d validation / %d test images of %s in %d classes, "
                        + "%s, backend %s, %d threads, %s%n", s.model(), model.parameterCount(), s.data(), train.size(),
                split.validation().size(), test.size(), String.join("x", Arrays.stream(train.imageShape())
                        .mapToObj(Integer::toString).toList()), train.classCount(),
                s.optimizer() + " lr " + s.lr() + " " + s.schedule(),
                backend.name(), ComputeOptions.threads(), runDir);
        RunWriter writer = new RunWriter(runDir, model, built, info, s.epochs(), out, err, ProgressBar.onTerminal());
        Trainer trainer = new Trainer(model, built.optimizer(), trainLoader, valLoader,
                new TrainerOptions(s.epochs(), s.patience(), schedule::rate, 2, s.labelSmoothing()));
        TrainingState end = trainer.fit(state, writer);
        if (end.stoppedEarly() && end.epochsCompleted() < s.epochs()) {
            out.printf("early stop after epoch %d: no better validation accuracy for %d epochs (best: epoch %d)%n",
                    end.epochsCompleted(), s.patience(), end.bestEpoch());
        }

        Path best = runDir.resolve("model.safetensors");
        if (Files.isRegularFile(best)) {
            Checkpoint.readWeights(best).loadInto(model);
        } else {
            err.println("faltung train: no model.safetensors in " + runDir + "; reporting the last weights");
        }
        Evaluation eval = Evaluator.evaluate(model, testLoader);
        writeCharts(runDir, end, eval, train.classNames());
        // After the test set's evaluation, whose last batch may be a layer shape of its own.
        if (convCache != null) {
            try {
                convCache.save(ConvPlanner.shared());
            } catch (IOException e) {
                err.println("faltung: warning: cannot write the convolution algorithm cache " + convCache.file() + ": "
                        + Main.describe(e));
            }
        }

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("test_accuracy", eval.accuracy());
        result.put("test_loss", eval.loss());
        result.put("top5", eval.top5());
        result.put("train_images_per_sec", imagesPerSecond(end, state.epochsCompleted()));
        result.put("epochs", end.epochsCompleted());
        result.put("best_epoch", end.bestEpoch());
        result.put("val_accuracy", Double.isFinite(end.bestAccuracy()) && valLoader != null ? end.bestAccuracy() : null);
        result.put("stopped_early", end.stoppedEarly());
        result.put("seconds", (System.nanoTime() - started) / 1e9);
        result.put("backend", backend.name());
        result.put("threads", ComputeOptions.threads());
        result.put("dtype", TrainedModel.dtypeName(s.dtype()));
        result.put("model", s.model());
        result.put("parameters", model.parameterCount());
        result.put("data", s.data());
        result.put("test_images", eval.count());
        result.put("seed", s.seed());
        result.put("run_dir", runDir.toString());
        String json = Json.write(result);
        AtomicFile.write(runDir.resolve("result.json"), (json + "\n").getBytes(StandardCharsets.UTF_8));
        out.printf("test accuracy %.2f%% (top-5 %.2f%%), loss %.4f on %d images; wrote %s%n", 100 * eval.accuracy(),
                100 * eval.top5(), eval.loss(), eval.count(), runDir);
        out.println(json);
        return 0;
    }

    private static Checkpoint readResume(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "--resume needs a checkpoint file "
                    + "(RUN_DIR/last.safetensors or RUN_DIR/model.safetensors)");
        }
        return Checkpoint.read(file);
    }

    private static Settings settings(Args args, Checkpoint resumed) {
        Map<String, String> v = new LinkedHashMap<>();
        if (resumed != null) {
            ModelInfo info = resumed.info();
            Map<String, Object> run = info.run();
            v.put("model", info.model());
            v.put("seed", Long.toString(info.seed()));
            v.put("optimizer", info.optimizer());
            v.put("dtype", info.dtype());
            v.put("data", String.valueOf(run.get("data")));
            v.put("batch", String.valueOf(run.get("batch")));
            v.put("lr", String.valueOf(run.get("lr")));
            v.put("weight-decay", String.valueOf(run.get("weight_decay")));
            // Checkpoints from before the option trained without smoothing.
            v.put("label-smoothing", String.valueOf(run.getOrDefault("label_smoothing", 0.0)));
            v.put("schedule", String.valueOf(run.get("schedule")));
            v.put("augment", String.valueOf(run.get("augment")));
            v.put("val-split", String.valueOf(run.get("val_split")));
            v.put("limit", String.valueOf(run.get("limit")));
            v.put("epochs", String.valueOf(run.get("epochs")));
            for (String key : FROZEN_ON_RESUME) {
                // A dataset directory that has moved may be named anew; checkCompatible then
                // holds the data to the checkpoint's normalisation statistics.
                boolean same = key.equals("data")
                        ? canonicalData(args.get(key, "")).equals(canonicalData(v.get(key))) || moved(v.get(key))
                        : sameValue(args.get(key, ""), v.get(key));
                if (args.has(key) && !same) {
                    throw new UsageException("--" + key + " cannot change when resuming (the checkpoint's run used "
                            + v.get(key) + "); leave it out");
                }
            }
            // What the checkpoint says must make a run by itself; its faults are the file's, not the user's.
            try {
                if (!Models.names().contains(info.model())) {
                    throw new UsageException("unknown model '" + info.model() + "'");
                }
                fromValues(v);
            } catch (UsageException e) {
                throw new IllegalArgumentException(args.get("resume", "") + ": the checkpoint's run settings are "
                        + "malformed (" + e.getMessage() + "); it cannot be resumed", e);
            }
        }
        for (Map.Entry<String, String> e : args.options().entrySet()) {
            v.put(e.getKey(), e.getValue());
        }
        return fromValues(v);
    }

    /** The settings that {@code v} (option name to value, defaults for what it lacks) describe; usage errors for bad values. */
    private static Settings fromValues(Map<String, String> v) {
        Args merged = Args.parse(v.entrySet().stream().flatMap(e -> Stream.of("--" + e.getKey(),
                e.getValue())).toList(), VALUED, Set.of());
        String data = canonicalData(merged.get("data", "shapes"));
        boolean embedded = data.equals("shapes");
        String optimizer = OptimizerFactory.normalise(merged.get("optimizer", "adam"));
        int epochs = merged.getInt("epochs", embedded ? 4 : 3);
        int batch = merged.getInt("batch", 64);
        double lr = merged.getDouble("lr", OptimizerFactory.defaultLearningRate(optimizer));
        double valSplit = merged.getDouble("val-split", 0.1);
        int patience = merged.getInt("patience", 0);
        int limit = merged.getInt("limit", 0);
        double weightDecay = merged.getDouble("weight-decay", 0);
        double labelSmoothing = merged.getDouble("label-smoothing", 0);
        if (epochs < 1) {
            throw new UsageException("--epochs must be at least 1, got " + epochs);
        }
        if (batch < 1) {
            throw new UsageException("--batch must be at least 1, got " + batch);
        }
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new UsageException("--lr must be a positive number, got " + lr);
        }
        if (!(valSplit >= 0 && valSplit < 1)) {
            throw new UsageException("--val-split must be in [0, 1), got " + valSplit);
        }
        if (patience < 0 || limit < 0 || !(weightDecay >= 0)) {
            throw new UsageException("--patience, --limit and --weight-decay must not be negative");
        }
        if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
            throw new UsageException("--label-smoothing must be in [0, 1), got " + labelSmoothing);
        }
        String schedule = merged.get("schedule", "cosine");
        OptimizerFactory.schedule(schedule, lr, epochs); // rejects a malformed schedule before any work
        return new Settings(merged.get("model", embedded ? "lenet5" : "fmnist-cnn").trim(), embedded ? "shapes" : data,
                epochs, batch, optimizer, lr, schedule, weightDecay, merged.get("augment", "none"), valSplit, patience,
                merged.getLong("seed", 42), limit, TrainedModel.parseDType(merged.get("dtype", "float32")),
                labelSmoothing);
    }

    /**
     * {@code --data} as the run records it: the embedded set and the named datasets by name, a
     * directory by its absolute path, so that eval and --resume find it from any working directory.
     */
    static String canonicalData(String data) {
        String d = data.strip();
        if (d.isEmpty() || d.equals("shapes")) {
            return "shapes";
        }
        if (d.equals("mnist") || d.equals("fashion-mnist")) {
            return d;
        }
        return Path.of(d).toAbsolutePath().normalize().toString();
    }

    /**
     * Fails unless {@code runDir} is, or can be created as, a writable directory: its nearest
     * existing ancestor must be a directory this process may write (a read-only file system
     * counts as not writable).
     */
    static void checkWritable(Path runDir) throws IOException {
        Path p = runDir.toAbsolutePath().normalize();
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        if (p == null) {
            return; // nothing exists up to the root: creating it will say what is wrong
        }
        if (!Files.isDirectory(p)) {
            throw new IOException("cannot write the run directory " + runDir + ": " + p + " is a file, not a directory");
        }
        if (!Files.isWritable(p)) {
            throw new IOException("cannot write the run directory " + runDir + ": " + p + " is not writable"
                    + (p.equals(runDir.toAbsolutePath().normalize()) ? "" : " (so " + runDir + " cannot be created)")
                    + "; choose another with --out");
        }
    }

    /** The files a run writes into its directory. */
    private static final List<String> OUTPUTS = List.of("model.safetensors", "last.safetensors", "metrics.csv",
            "curves.png", "confusion.png", "result.json");

    /**
     * A run killed while replacing one of its files leaves AtomicFile's temporary file
     * ({@code .NAME.RANDOM.tmp}) behind; the old file is intact, and the leftover is removed
     * when a run next writes to the directory.
     */
    private static void removeStaleTemporaryFiles(Path runDir) throws IOException {
        try (Stream<Path> files = Files.list(runDir)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (name.endsWith(".tmp") && OUTPUTS.stream().anyMatch(o -> name.startsWith("." + o + "."))
                        && Files.isRegularFile(f)) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    /** True when the run's --data names a directory that no longer exists. */
    private static boolean moved(String recorded) {
        String d = canonicalData(recorded);
        return !List.of("shapes", "mnist", "fashion-mnist").contains(d) && !Files.exists(Path.of(d));
    }

    /**
     * A directory's classes are numbered up to its largest label, so a stray label (255 in a
     * ten-class set) or a subset of classes gives outputs that nothing trains; say so.
     */
    private static void warnAboutClassesWithoutImages(LabelledImages train, PrintStream err) {
        int[] count = new int[train.classCount()];
        for (int l : train.labels()) count[l]++;
        List<String> empty = new java.util.ArrayList<>();
        for (int c = 0; c < count.length; c++) {
            if (count[c] == 0) empty.add(train.classNames().get(c));
        }
        if (!empty.isEmpty()) {
            err.println("faltung train: warning: " + empty.size() + " of the " + count.length + " classes have no "
                    + "training images: " + (empty.size() <= 20 ? empty : empty.subList(0, 20) + "...")
                    + "; the model still gets " + count.length + " outputs (a directory's classes run from 0 to its "
                    + "largest label)");
        }
    }

    private static boolean sameValue(String given, String stored) {
        if (Objects.equals(given.trim(), stored)) {
            return true;
        }
        try {
            return Double.parseDouble(given.trim()) == Double.parseDouble(stored);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static Path runDirectory(Args args, Settings s, Checkpoint resumed) {
        if (args.has("out")) {
            return Path.of(args.get("out", ""));
        }
        if (resumed != null) {
            Path parent = Path.of(args.get("resume", "")).toAbsolutePath().getParent();
            return parent;
        }
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        return Path.of("runs", s.model() + "-" + stamp);
    }

    private static void checkCompatible(ModelInfo stored, ModelInfo now) {
        if (!Arrays.equals(stored.inputShape(), now.inputShape())
                || !stored.classNames().equals(now.classNames())) {
            throw new IllegalArgumentException("the checkpoint was trained on " + Arrays.toString(
                    stored.inputShape()) + " images with classes " + stored.classNames() + ", but the data has "
                    + Arrays.toString(now.inputShape()) + " with classes " + now.classNames());
        }
        if (!Arrays.equals(stored.normalisation().mean(), now.normalisation().mean())
                || !Arrays.equals(stored.normalisation().std(), now.normalisation().std())) {
            throw new IllegalArgumentException("the training data differs from the checkpoint's run (its "
                    + "normalisation statistics do not match); resume with the same data");
        }
    }

    /** A resumed run written elsewhere starts with the original run's best checkpoint. */
    private static void carryBestCheckpoint(Path resumeFile, Path runDir, TrainingState state) throws IOException {
        Path source = resumeFile.toAbsolutePath().getParent().resolve("model.safetensors");
        Path target = runDir.toAbsolutePath().resolve("model.safetensors");
        if (Files.isRegularFile(source) && !Files.exists(target)) {
            Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
        } else if (!Files.exists(target) && state.bestEpoch() == state.epochsCompleted()) {
            Files.copy(resumeFile, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
    }

    private static double imagesPerSecond(TrainingState end, int firstEpochOfThisRun) {
        // The mean over this run's epochs: resumed runs do not count the throughput of earlier sessions.
        List<EpochMetrics> mine = end.history().subList(Math.min(firstEpochOfThisRun, end.history().size()),
                end.history().size());
        return mine.stream().mapToDouble(EpochMetrics::imagesPerSecond).average().orElse(0);
    }

    private static void writeCharts(Path runDir, TrainingState end, Evaluation eval, List<String> classes)
            throws IOException {
        List<EpochMetrics> h = end.history();
        boolean hasValidation = h.stream().anyMatch(m -> !Double.isNaN(m.validationAccuracy()));
        Charts.curves(runDir.resolve("curves.png"), new Charts.Curves(
                h.stream().mapToDouble(EpochMetrics::trainLoss).toArray(),
                hasValidation ? h.stream().mapToDouble(EpochMetrics::validationLoss).toArray() : new double[0],
                h.stream().mapToDouble(EpochMetrics::trainAccuracy).toArray(),
                hasValidation ? h.stream().mapToDouble(EpochMetrics::validationAccuracy).toArray() : new double[0]));
        long[][] counts = new long[classes.size()][classes.size()];
        for (int i = 0; i < counts.length; i++) {
            for (int j = 0; j < counts.length; j++) {
                counts[i][j] = eval.confusion()[i][j];
            }
        }
        Charts.confusion(runDir.resolve("confusion.png"), counts, classes);
    }

    /** Writes checkpoints and metrics.csv after each epoch and reports progress. */
    private static final class RunWriter implements TrainingListener {
        private final Path dir;
        private final Module model;
        private final OptimizerFactory.Built optimizer;
        private final ModelInfo info;
        private final int epochs;
        private final PrintStream out;
        private final ProgressBar bar;

        RunWriter(Path dir, Module model, OptimizerFactory.Built optimizer, ModelInfo info, int epochs,
                  PrintStream out, PrintStream err, boolean terminal) {
            this.epochs = epochs;
            this.dir = dir;
            this.model = model;
            this.optimizer = optimizer;
            this.info = info;
            this.out = out;
            this.bar = terminal ? new ProgressBar(err) : null;
        }

        @Override
        public void batchFinished(BatchProgress progress) {
            if (bar != null) {
                bar.update(progress);
            }
        }

        @Override
        public void epochFinished(EpochMetrics m, TrainingState state, boolean improved) throws IOException {
            if (bar != null) {
                bar.clear();
            }
            Checkpoint.save(dir.resolve("last.safetensors"), model, optimizer.optimizer(), info, state);
            if (improved) {
                Checkpoint.save(dir.resolve("model.safetensors"), model, optimizer.optimizer(), info, state);
            }
            StringBuilder csv = new StringBuilder(EpochMetrics.CSV_HEADER).append('\n');
            for (EpochMetrics e : state.history()) {
                csv.append(e.csvRow()).append('\n');
            }
            AtomicFile.write(dir.resolve("metrics.csv"), csv.toString().getBytes(StandardCharsets.UTF_8));
            String val = Double.isNaN(m.validationAccuracy()) ? ""
                    : String.format("  val loss %.4f acc %.2f%% top5 %.2f%%", m.validationLoss(),
                    100 * m.validationAccuracy(), 100 * m.validationTop5());
            out.printf("epoch %d/%d  train loss %.4f acc %.2f%%%s  lr %.3g  %.1fs  %.0f img/s%s%n", m.epoch(),
                    epochs,
                    m.trainLoss(), 100 * m.trainAccuracy(), val, m.learningRate(), m.seconds(), m.imagesPerSecond(),
                    improved ? "  *best*" : "");
            out.flush();
        }
    }
}
