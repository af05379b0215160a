package dev.faltung.cli;

import dev.faltung.nn.Module;
import dev.faltung.nn.io.Json;
import dev.faltung.nn.init.Init;
import dev.faltung.nn.zoo.Models;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code faltung models}: the zoo, one line per model with its parameter count at its default
 * input: the published ImageNet size (3x224x224, 1000 classes) for the ImageNet architectures,
 * 1x28x28 with 10 classes for the small ones, a 20,000-word vocabulary and 50 tokens for textcnn.
 */
final class ModelsCommand implements Command {

    /** Each model's default input shape and class count. */
    static int[] defaultInput(String model) {
        return switch (model) {
            case "alexnet", "vgg11", "vgg13", "vgg16", "vgg19", "resnet18" -> new int[] {3, 224, 224};
            case "textcnn" -> new int[] {20_000, 50};
            default -> new int[] {1, 28, 28};
        };
    }

    static int defaultClasses(String model) {
        return defaultInput(model)[0] == 3 ? 1000 : model.equals("textcnn") ? 2 : 10;
    }

    /** One zoo entry: name, parameters (building the model once), input, classes, description. */
    static Map<String, Object> row(String name) {
        int[] input = defaultInput(name);
        int classes = defaultClasses(name);
        Module m = Init.shapesOnly(() -> Models.create(name, input, classes, 0));
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("name", name);
        row.put("parameters", m.parameterCount());
        row.put("input", Arrays.stream(input).boxed().toList());
        row.put("classes", classes);
        row.put("description", Models.description(name));
        return row;
    }

    @Override
    public String name() {
        return "models";
    }

    @Override
    public String summary() {
        return "the model zoo with parameter counts";
    }

    @Override
    public String usage() {
        return """
                usage: faltung models [--json]
                  Lists the zoo: name, parameter count at the model's default input (ImageNet models at
                  3x224x224 with 1000 classes, small models at 1x28x28 with 10 classes), input, description.
                  --json   print one JSON object {"models": [{name, parameters, input, classes, description}]}""";
    }

    @Override
    public int run(List<String> argv, PrintStream out, PrintStream err) {
        Args args = Args.parse(argv, Set.of(), Set.of("json"));
        if (!args.positional().isEmpty()) {
            throw new UsageException("unexpected argument '" + args.positional().get(0) + "'");
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String name : Models.names()) {
            Map<String, Object> row = row(name);
            rows.add(row);
            if (!args.flag("json")) {
                String shape = String.join("x", ((List<?>) row.get("input")).stream().map(String::valueOf).toList());
                out.printf("%-15s %,13d params  %-10s %4d classes  %s%n", name, (Long) row.get("parameters"), shape,
                        (Integer) row.get("classes"), row.get("description"));
                out.flush();
            }
        }
        if (args.flag("json")) {
            out.println(Json.write(Map.of("models", rows)));
        }
        return 0;
    }
}
