package dev.faltung.nn;

import dev.faltung.nn.layers.Sequential;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A Keras-style table of a model: one row per layer with its output shape and parameter count,
 * for a given input shape (without the batch dimension). Sequential containers are expanded
 * into their children (rows named by dotted path); other composite layers (residual, inception
 * blocks) are one row. Shapes are inferred, nothing is computed, so it is cheap for large models.
 */
public record Summary(String model, int[] inputShape, List<Row> rows, long parameters, long bufferElements) {

    /** One layer: its dotted name, type, output shape (batch dimension first) and parameter count. */
    public record Row(String name, String type, int[] outputShape, long parameters) {
    }

    /** The summary of {@code model} for inputs of {@code inputShape} (e.g. {@code 3, 224, 224}). */
    public static Summary of(Module model, int... inputShape) {
        int[] shape = new int[inputShape.length + 1];
        shape[0] = 1;
        System.arraycopy(inputShape, 0, shape, 1, inputShape.length);
        List<Row> rows = new ArrayList<>();
        walk("", model, shape, rows);
        long buffers = 0;
        for (var b : model.namedBuffers().values()) {
            buffers += b.numel();
        }
        return new Summary(model.getClass().getSimpleName(), inputShape.clone(), List.copyOf(rows),
                model.parameterCount(), buffers);
    }

    private static int[] walk(String prefix, Module m, int[] in, List<Row> rows) {
        if (m instanceof Sequential seq) {
            int[] s = in;
            for (Map.Entry<String, Module> e : seq.children().entrySet()) {
                s = walk(prefix + e.getKey() + ".", e.getValue(), s, rows);
            }
            return s;
        }
        int[] out = Sequential.shapeOf(m, in);
        String name = prefix.isEmpty() ? "(model)" : prefix.substring(0, prefix.length() - 1);
        rows.add(new Row(name, m.getClass().getSimpleName(), out, m.parameterCount()));
        return out;
    }

    /** The output shape of the whole model (batch dimension 1). */
    public int[] outputShape() {
        return rows.isEmpty() ? inputShape : rows.get(rows.size() - 1).outputShape;
    }

    private static String shapeText(int[] s) {
        StringBuilder sb = new StringBuilder("[N");
        for (int i = 1; i < s.length; i++) {
            sb.append(", ").append(s[i]);
        }
        return sb.append(']').toString();
    }

    @Override
    public String toString() {
        int nw = "Layer".length(), tw = "Type".length(), sw = "Output shape".length();
        for (Row r : rows) {
            nw = Math.max(nw, r.name.length());
            tw = Math.max(tw, r.type.length());
            sw = Math.max(sw, shapeText(r.outputShape).length());
        }
        String fmt = "%-" + nw + "s  %-" + tw + "s  %-" + sw + "s  %,12d%n";
        String header = String.format("%-" + nw + "s  %-" + tw + "s  %-" + sw + "s  %12s%n", "Layer", "Type",
                "Output shape", "Params");
        String rule = "-".repeat(header.length() - 1) + "\n";
        StringBuilder sb = new StringBuilder("Model: ").append(model).append(", input ")
                .append(Arrays.toString(inputShape)).append('\n').append(rule).append(header).append(rule);
        for (Row r : rows) {
            sb.append(String.format(fmt, r.name, r.type, shapeText(r.outputShape), r.parameters));
        }
        sb.append(rule).append(String.format("Trainable params: %,d%n", parameters));
        sb.append(String.format("Buffer elements (not trained): %,d%n", bufferElements));
        return sb.toString();
    }

    /** The table as text: {@code of(model, inputShape).toString()}. */
    public static String text(Module model, int... inputShape) {
        return of(model, inputShape).toString();
    }
}
