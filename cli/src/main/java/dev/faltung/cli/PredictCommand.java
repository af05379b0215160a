package dev.faltung.cli;

import dev.faltung.nn.data.Image;
import dev.faltung.nn.io.ImageFiles;
import dev.faltung.nn.io.Json;
import dev.faltung.nn.train.Evaluator;
import dev.faltung.nn.train.ModelInfo;
import dev.faltung.nn.train.TestView;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * {@code faltung predict}: classifies image files with a checkpoint. Each image is converted to
 * the model's channels, resized to its input size ({@link ImageFiles#readAs}) and normalised as
 * in training; per image one line with the most probable classes, then one JSON line with every
 * probability.
 */
final class PredictCommand implements Command {

    @Override
    public String name() {
        return "predict";
    }

    @Override
    public String summary() {
        return "classify PNG/JPEG/PGM/PPM images with a checkpoint";
    }

    @Override
    public String usage() {
        return """
                usage: faltung predict --checkpoint FILE [OPTIONS] IMAGE...
                  Prints, per image, the predicted class and the top classes with their probabilities, then
                  a JSON line {"predictions": [{"file", "class", "index", "probability", "probabilities"}]}.
                  Images (PNG, JPEG, GIF, BMP, PGM/PPM) are converted to the model's channels (luma for a
                  grayscale model, gray replicated for an RGB one; alpha is ignored) and stretched to its
                  input size, area-averaged where they shrink and bilinear where they grow. A truncated or
                  corrupt file, or one above 16384x16384 pixels, is an error naming it.
                  --top K         classes listed per image (3)
                  --invert        use 1 - pixel (dark strokes on light paper for models trained on the
                                  light-on-dark MNIST-style images)
                  --tta LIST      test-time augmentation, %s
                  --backend NAME  compute backend;  --threads T  its worker threads
                """.formatted(TestView.SYNTAX).stripTrailing();
    }

    @Override
    public int run(List<String> argv, PrintStream out, PrintStream err) throws Exception {
        Args args = Args.parse(argv, Set.of("checkpoint", "top", "tta", "backend", "threads"), Set.of("invert"));
        if (args.positional().isEmpty()) {
            throw new UsageException("no images given");
        }
        int top = args.getInt("top", 3);
        if (top < 1) {
            throw new UsageException("--top must be at least 1, got " + top);
        }
        ComputeOptions.apply(args);
        List<TestView> views = EvalCommand.parseViews(args.get("tta", "none"));
        TrainedModel trained = TrainedModel.load(Path.of(args.require("checkpoint")));
        ModelInfo info = trained.checkpoint().info();
        int[] chw = info.inputShape();
        int n = args.positional().size();
        int per = chw[0] * chw[1] * chw[2];
        float[] batch = new float[n * per];
        for (int i = 0; i < n; i++) {
            Image img = ImageFiles.readAs(Path.of(args.positional().get(i)), chw[0], chw[1], chw[2]);
            float[] px = img.pixels();
            for (int k = 0; k < per; k++) {
                batch[i * per + k] = args.flag("invert") ? 1 - px[k] : px[k];
            }
        }
        info.normalisation().apply(batch, chw[0], chw[1] * chw[2]);
        double[][] logp = Evaluator.logProbabilities(List.of(trained.model()), views, batch,
                new int[] {n, chw[0], chw[1], chw[2]});
        List<Map<String, Object>> predictions = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double[] p = Arrays.stream(logp[i]).map(Math::exp).toArray();
            int best = Evaluator.argmax(logp[i]);
            List<Integer> order = IntStream.range(0, p.length).boxed()
                    .sorted(Comparator.comparingDouble((Integer c) -> -p[c]).thenComparingInt(c -> c)).toList();
            StringBuilder line = new StringBuilder(args.positional().get(i)).append(": ")
                    .append(info.classNames().get(best));
            line.append("  (");
            for (int k = 0; k < Math.min(top, p.length); k++) {
                int c = order.get(k);
                line.append(k == 0 ? "" : ", ").append(info.classNames().get(c))
                        .append(String.format(" %.1f%%", 100 * p[c]));
            }
            out.println(line.append(')'));
            Map<String, Object> probs = new LinkedHashMap<>();
            for (int c = 0; c < p.length; c++) {
                probs.put(info.classNames().get(c), p[c]);
            }
            Map<String, Object> pred = new LinkedHashMap<>();
            pred.put("file", args.positional().get(i));
            pred.put("class", info.classNames().get(best));
            pred.put("index", best);
            pred.put("probability", p[best]);
            pred.put("probabilities", probs);
            predictions.add(pred);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("model", info.model());
        result.put("checkpoint", trained.file().toString());
        result.put("predictions", predictions);
        out.println(Json.write(result));
        return 0;
    }
}
