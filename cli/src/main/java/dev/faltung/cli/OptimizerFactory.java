package dev.faltung.cli;

import dev.faltung.autodiff.Tensor;
import dev.faltung.nn.optim.AdaGrad;
import dev.faltung.nn.optim.Adam;
import dev.faltung.nn.optim.AdamW;
import dev.faltung.nn.optim.LearningRateSchedule;
import dev.faltung.nn.optim.Optimizer;
import dev.faltung.nn.optim.RmsProp;
import dev.faltung.nn.optim.Sgd;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Builds optimizers and learning-rate schedules from the command line's names. */
final class OptimizerFactory {

    static final List<String> OPTIMIZERS = List.of("sgd", "momentum", "nesterov", "adam", "adamw", "rmsprop", "adagrad");

    static final String SCHEDULE_SYNTAX = "constant, cosine (to 0 over the run, updated every step), step=N (x0.1 every N "
            + "epochs), exp=GAMMA (x GAMMA per epoch); append ',warmup=K' for K epochs of linear warm-up (every step)";

    private OptimizerFactory() {
    }

    /** The default learning rate of an optimizer (PyTorch's where it has one, 0.01 for SGD). */
    static double defaultLearningRate(String name) {
        return switch (normalise(name)) {
            case "adam", "adamw", "rmsprop" -> 1e-3;
            default -> 0.01;
        };
    }

    static String normalise(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (!OPTIMIZERS.contains(n)) {
            throw new UsageException("unknown optimizer '" + name + "'; choose one of " + OPTIMIZERS);
        }
        return n;
    }

    /** The optimizer and, for the checkpoint, its hyperparameters. */
    record Built(Optimizer optimizer, Map<String, Object> hyperparameters) {
    }

    static Built create(String name, Map<String, Tensor> params, double lr, double weightDecay) {
        String n = normalise(name);
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("lr", lr);
        h.put("weight_decay", weightDecay);
        Optimizer o = switch (n) {
            case "sgd" -> new Sgd(params, lr, 0, 0, weightDecay, false);
            case "momentum" -> {
                h.put("momentum", 0.9);
                yield new Sgd(params, lr, 0.9, 0, weightDecay, false);
            }
            case "nesterov" -> {
                h.put("momentum", 0.9);
                h.put("nesterov", true);
                yield new Sgd(params, lr, 0.9, 0, weightDecay, true);
            }
            case "adam" -> {
                h.put("betas", List.of(0.9, 0.999));
                h.put("eps", 1e-8);
                yield new Adam(params, lr, 0.9, 0.999, 1e-8, weightDecay);
            }
            case "adamw" -> {
                h.put("betas", List.of(0.9, 0.999));
                h.put("eps", 1e-8);
                yield new AdamW(params, lr, 0.9, 0.999, 1e-8, weightDecay);
            }
            case "rmsprop" -> {
                h.put("alpha", 0.99);
                h.put("eps", 1e-8);
                yield new RmsProp(params, lr, 0.99, 1e-8, weightDecay, 0, false);
            }
            case "adagrad" -> {
                h.put("eps", 1e-10);
                yield new AdaGrad(params, lr, 0, weightDecay, 1e-10);
            }
            default -> throw new IllegalStateException("unreachable: " + n);
        };
        return new Built(o, h);
    }

    /** The learning rate at each point of a run of {@code epochs} epochs, in epochs done (fractional within one). */
    static LearningRateSchedule schedule(String spec, double lr, int epochs) {
        String[] parts = spec.trim().toLowerCase(Locale.ROOT).split(",");
        int warmup = 0;
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            if (!p.startsWith("warmup=")) {
                throw new UsageException("--schedule: unexpected '" + p + "'; " + SCHEDULE_SYNTAX);
            }
            warmup = (int) number(p.substring("warmup=".length()), "warmup");
        }
        String main = parts[0].trim();
        int rest = Math.max(1, epochs - warmup);
        LearningRateSchedule s;
        if (main.equals("constant")) {
            s = LearningRateSchedule.constant(lr);
        } else if (main.equals("cosine")) {
            s = LearningRateSchedule.cosine(lr, rest, 0);
        } else if (main.startsWith("step=")) {
            int n = (int) number(main.substring(5), "step");
            if (n < 1) {
                throw new UsageException("--schedule step=N needs N >= 1, got " + n);
            }
            s = LearningRateSchedule.step(lr, n, 0.1);
        } else if (main.startsWith("exp=")) {
            s = LearningRateSchedule.exponential(lr, number(main.substring(4), "exp"));
        } else {
            throw new UsageException("unknown --schedule '" + spec + "'; " + SCHEDULE_SYNTAX);
        }
        return warmup > 0 ? LearningRateSchedule.warmup(warmup, 1.0 / (warmup + 1), s) : s;
    }

    private static double number(String text, String what) {
        try {
            return Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--schedule " + what + "= needs a number, got '" + text + "'");
        }
    }
}
