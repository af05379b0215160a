package dev.faltung.cli.oracle;

import dev.faltung.autodiff.Tensor;
import dev.faltung.cli.Args;
import dev.faltung.cli.UsageException;
import dev.faltung.kernel.DType;
import dev.faltung.nn.io.ElementType;
import dev.faltung.nn.io.NdArray;
import dev.faltung.nn.io.Npy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The arrays and parameters of one oracle run. Files are read when an op asks for them and
 * converted to the dtype of {@code --input}, which must be float32 or float64. The input and the
 * parameters an op declares differentiable become leaves that require gradients when gradients
 * are wanted; {@link #leaves()} lists them by the stem of their gradient file. Every problem with
 * a file (missing, malformed, wrong dtype) is a {@link UsageException} naming the option and file.
 */
final class OpInputs {

    private final String op;
    private final Args args;
    private final boolean differentiate;
    private final Tensor input;
    private final Map<String, Tensor> leaves = new LinkedHashMap<>();

    private OpInputs(String op, Args args, boolean differentiate) {
        this.op = op;
        this.args = args;
        this.differentiate = differentiate;
        NdArray x = read("input", args.require("input"));
        if (x.type() != ElementType.FLOAT32 && x.type() != ElementType.FLOAT64) {
            throw new UsageException("--input " + args.require("input") + " holds " + x.type()
                    + "; the oracle computes in float32 or float64, so --input must be one of them");
        }
        DType dtype = x.type() == ElementType.FLOAT32 ? DType.FLOAT32 : DType.FLOAT64;
        this.input = leaf("grad_input", Tensor.of(x.toBuffer(dtype), x.shape()));
    }

    /** Reads {@code --input}; {@code differentiate} says whether leaves will need gradients. */
    static OpInputs load(String op, Args args, boolean differentiate) {
        return new OpInputs(op, args, differentiate);
    }

    String op() {
        return op;
    }

    Args args() {
        return args;
    }

    DType dtype() {
        return input.dtype();
    }

    /** {@code --input}: a leaf whose gradient is {@code grad_input}. */
    Tensor input() {
        return input;
    }

    /** Whether a gradient pass follows the forward pass. */
    boolean differentiate() {
        return differentiate;
    }

    /** {@code --weight} (a leaf with gradient {@code grad_weight}), or null when not given. */
    Tensor weight() {
        return parameter("weight");
    }

    /** {@code --weight}, which this op needs. */
    Tensor requiredWeight() {
        args.require("weight");
        return weight();
    }

    /** {@code --bias} (a leaf with gradient {@code grad_bias}), or null when not given. */
    Tensor bias() {
        return parameter("bias");
    }

    private Tensor parameter(String flag) {
        if (!args.has(flag)) {
            return null;
        }
        return leaf("grad_" + flag, floating(flag));
    }

    private Tensor leaf(String gradStem, Tensor t) {
        if (differentiate) {
            t.requiresGrad(true);
            leaves.put(gradStem, t);
        }
        return t;
    }

    /** A floating-point file that takes no gradient, or null when the option is absent. */
    Tensor constant(String flag) {
        return args.has(flag) ? floating(flag) : null;
    }

    private Tensor floating(String flag) {
        String file = args.require(flag);
        NdArray a = read(flag, file);
        if (!a.type().isFloating()) {
            throw new UsageException("--" + flag + " " + file + " holds " + a.type()
                    + "; it must hold floating-point values");
        }
        return Tensor.of(a.toBuffer(dtype()), a.shape());
    }

    /**
     * A file of values of any numeric type (a keep-mask may be bool or uint8), converted to the
     * computation's dtype.
     */
    Tensor numeric(String flag) {
        String file = args.require(flag);
        NdArray a = read(flag, file);
        double[] values = a.toDoubles();
        Tensor t = Tensor.zeros(dtype(), a.shape());
        for (int i = 0; i < values.length; i++) {
            t.buffer().set(i, values[i]);
        }
        return t;
    }

    /** An integer file (class indices): int64, or int32 accepted too. */
    Labels labels(String flag) {
        String file = args.require(flag);
        NdArray a = read(flag, file);
        if (a.type() != ElementType.INT64 && a.type() != ElementType.INT32) {
            throw new UsageException("--" + flag + " " + file + " holds " + a.type()
                    + "; class indices must be int64 (or int32)");
        }
        return new Labels(a.toLongs(), a.shape());
    }

    /** Integer values of one file with its shape. */
    record Labels(long[] values, int[] shape) {
    }

    /** The gradient leaves by the stem of their output file, in the order they were loaded. */
    Map<String, Tensor> leaves() {
        return leaves;
    }

    private static NdArray read(String flag, String file) {
        Path path = Path.of(file);
        if (Files.isDirectory(path)) {
            throw new UsageException("--" + flag + " " + file + " is a directory, not a .npy file");
        }
        try {
            return Npy.read(path);
        } catch (NoSuchFileException e) {
            throw new UsageException("--" + flag + " " + file + ": no such file");
        } catch (IOException e) {
            // MalformedFileException's message already names the file.
            String m = e.getMessage();
            throw new UsageException("--" + flag + " " + (m != null && m.contains(file) ? m : file + ": " + m));
        }
    }

    // ---- parameters ---------------------------------------------------------------------

    /** The shape of a tensor for messages. */
    static String shape(Tensor t) {
        return Arrays.toString(t.shape());
    }

    /** Throws naming the op, the option and both shapes unless {@code t} has {@code expected}. */
    void requireShape(String flag, Tensor t, int[] expected, String why) {
        if (t != null && !Arrays.equals(t.shape(), expected)) {
            throw new IllegalArgumentException(op + ": --" + flag + " has shape " + shape(t) + " but must be "
                    + Arrays.toString(expected) + " (" + why + ")");
        }
    }

    /** Throws naming the op and the option unless {@code t} has rank {@code rank}. */
    void requireRank(String flag, Tensor t, int rank, String layout) {
        if (t != null && t.rank() != rank) {
            throw new IllegalArgumentException(op + ": --" + flag + " must be " + layout + " (rank " + rank
                    + "), got shape " + shape(t));
        }
    }

    int[] ints(String name, int count, int[] fallback) {
        return args.getInts(name, count, fallback);
    }

    int integer(String name, int fallback) {
        return args.getInt(name, fallback);
    }

    /**
     * A real-valued parameter. Java's parser takes NaN, Infinity and overflowing literals such as
     * 1e999, which torch would carry into a result of NaNs; no parameter of any op means
     * anything there, so they are a bad request rather than a garbage result.
     */
    double number(String name, double fallback) {
        double v = args.getDouble(name, fallback);
        if (!Double.isFinite(v)) {
            throw new UsageException("--" + name + " must be a finite number, got '" + args.get(name, "") + "'");
        }
        return v;
    }

    double requiredNumber(String name) {
        args.require(name);
        return number(name, Double.NaN);
    }

    boolean flag(String name) {
        return args.flag(name);
    }

    boolean flag(String name, boolean fallback) {
        return args.has(name) ? args.flag(name) : fallback;
    }

    String word(String name, String fallback) {
        return args.get(name, fallback);
    }
}
