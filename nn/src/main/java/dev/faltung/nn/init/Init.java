package dev.faltung.nn.init;

import dev.faltung.autodiff.Tensor;
import dev.faltung.kernel.DType;
import java.util.Arrays;

/**
 * Seeded weight initialisers with the formulas of {@code torch.nn.init}. Fans follow PyTorch:
 * for a weight of shape {@code [a, b, k...]}, {@code fan_in = b·Πk} and {@code fan_out = a·Πk}
 * (so a linear weight {@code [out, in]} has {@code fan_in = in}; a transposed-convolution weight
 * {@code [in, out/groups, k...]} gets PyTorch's swapped fans too).
 */
public final class Init {

    /** Which fan a Kaiming/LeCun initialiser preserves the variance of. */
    public enum Mode { FAN_IN, FAN_OUT }

    private Init() {
    }

    private static final ThreadLocal<Boolean> SHAPES_ONLY = ThreadLocal.withInitial(() -> false);

    /**
     * Runs {@code build} with every initialiser here returning zeros of the right shape instead
     * of drawing: for counting a model's parameters (drawing VGG-16's 138M normal numbers took
     * seconds). Not for training: the tensors are all zero.
     */
    public static <T> T shapesOnly(java.util.function.Supplier<T> build) {
        boolean outer = SHAPES_ONLY.get();
        SHAPES_ONLY.set(true);
        try {
            return build.get();
        } finally {
            SHAPES_ONLY.set(outer);
        }
    }

    private static final ThreadLocal<Long> LARGEST = ThreadLocal.withInitial(() -> Long.MAX_VALUE);

    /**
     * Runs {@code build} with every initialiser here refusing a tensor of more than
     * {@code maxElements} elements, before allocating it. A model rebuilt from a file's metadata
     * must fit the file's weights, so no parameter can be larger than the file's largest tensor;
     * metadata naming an absurd input size or class count then fails at once (an
     * {@link IllegalStateException}) instead of exhausting memory.
     */
    public static <T> T withLargestTensor(long maxElements, java.util.function.Supplier<T> build) {
        Long outer = LARGEST.get();
        LARGEST.set(Math.min(outer, maxElements));
        try {
            return build.get();
        } finally {
            LARGEST.set(outer);
        }
    }

    private static void checkSize(int[] shape) {
        long limit = LARGEST.get();
        if (limit == Long.MAX_VALUE) {
            return; // no limit; and a product of ints below a limit under 2^31 cannot overflow
        }
        long n = 1;
        for (int d : shape) {
            n *= Math.max(d, 0);
            if (n > limit) {
                // Not an IllegalArgumentException: Models.create would report that as an input the model cannot take.
                throw new IllegalStateException("a parameter of shape " + Arrays.toString(shape) + " would have more "
                        + "than the " + limit + " elements allowed");
            }
        }
    }

    /** {@code {fan_in, fan_out}} of a parameter shape (rank >= 2), as {@code torch.nn.init._calculate_fan_in_and_fan_out}. */
    public static int[] fans(int[] shape) {
        if (shape.length < 2) {
            throw new IllegalArgumentException("Init.fans: need a weight of rank >= 2, got " + Arrays.toString(shape));
        }
        int receptive = 1;
        for (int i = 2; i < shape.length; i++) {
            receptive *= shape[i];
        }
        return new int[] {shape[1] * receptive, shape[0] * receptive};
    }

    /** Leaky-ReLU gain {@code sqrt(2/(1+a²))} (a = 0 is ReLU's √2). */
    public static double leakyReluGain(double a) {
        return Math.sqrt(2.0 / (1 + a * a));
    }

    /** U(lo, hi). */
    public static Tensor uniform(long seed, double lo, double hi, DType dtype, int... shape) {
        checkSize(shape);
        if (SHAPES_ONLY.get()) {
            return Tensor.zeros(dtype, shape);
        }
        return Tensor.uniform(seed, lo, hi, dtype, shape);
    }

    /** N(0, std²). */
    public static Tensor normal(long seed, double std, DType dtype, int... shape) {
        checkSize(shape);
        if (SHAPES_ONLY.get()) {
            return Tensor.zeros(dtype, shape);
        }
        return Tensor.normal(seed, 0.0, std, dtype, shape);
    }

    private static int fan(int[] shape, Mode mode) {
        int[] f = fans(shape);
        return mode == Mode.FAN_IN ? f[0] : f[1];
    }

    /** He et al. 2015: U(±gain·√(3/fan)), gain = √(2/(1+a²)). PyTorch's Linear/Conv default is a = √5. */
    public static Tensor kaimingUniform(long seed, double a, Mode mode, DType dtype, int... shape) {
        double bound = leakyReluGain(a) * Math.sqrt(3.0 / fan(shape, mode));
        return uniform(seed, -bound, bound, dtype, shape);
    }

    /** He et al. 2015: N(0, (gain/√fan)²). */
    public static Tensor kaimingNormal(long seed, double a, Mode mode, DType dtype, int... shape) {
        return normal(seed, leakyReluGain(a) / Math.sqrt(fan(shape, mode)), dtype, shape);
    }

    /** Glorot &amp; Bengio 2010: U(±gain·√(6/(fan_in+fan_out))). */
    public static Tensor xavierUniform(long seed, double gain, DType dtype, int... shape) {
        int[] f = fans(shape);
        double bound = gain * Math.sqrt(6.0 / (f[0] + f[1]));
        return uniform(seed, -bound, bound, dtype, shape);
    }

    /** Glorot &amp; Bengio 2010: N(0, gain²·2/(fan_in+fan_out)). */
    public static Tensor xavierNormal(long seed, double gain, DType dtype, int... shape) {
        int[] f = fans(shape);
        return normal(seed, gain * Math.sqrt(2.0 / (f[0] + f[1])), dtype, shape);
    }

    /** LeCun 1998: U(±√(3/fan_in)) (variance 1/fan_in). */
    public static Tensor lecunUniform(long seed, DType dtype, int... shape) {
        double bound = Math.sqrt(3.0 / fans(shape)[0]);
        return uniform(seed, -bound, bound, dtype, shape);
    }

    /** LeCun 1998: N(0, 1/fan_in). */
    public static Tensor lecunNormal(long seed, DType dtype, int... shape) {
        return normal(seed, 1.0 / Math.sqrt(fans(shape)[0]), dtype, shape);
    }

    /** PyTorch's default bias of a layer whose weight has {@code fanIn}: U(±1/√fan_in). */
    public static Tensor defaultBias(long seed, int fanIn, DType dtype, int... shape) {
        double bound = fanIn > 0 ? 1.0 / Math.sqrt(fanIn) : 0.0;
        return uniform(seed, -bound, bound, dtype, shape);
    }

    /** PyTorch's default Linear/Conv weight: {@code kaiming_uniform_(w, a=√5)}, i.e. U(±1/√fan_in). */
    public static Tensor defaultWeight(long seed, DType dtype, int... shape) {
        return kaimingUniform(seed, Math.sqrt(5), Mode.FAN_IN, dtype, shape);
    }

    /** Overwrites {@code target}'s values with {@code values} (same shape), keeping the tensor's identity. */
    public static void assign(Tensor target, Tensor values) {
        if (!Arrays.equals(target.shape(), values.shape())) {
            throw new IllegalArgumentException("Init.assign: target " + Arrays.toString(target.shape())
                    + " and values " + Arrays.toString(values.shape()) + " differ");
        }
        var dst = target.buffer();
        var src = values.buffer();
        if (dst instanceof dev.faltung.kernel.Buffer.F32 d && src instanceof dev.faltung.kernel.Buffer.F32 s) {
            System.arraycopy(s.data(), 0, d.data(), 0, d.data().length);
        } else if (dst instanceof dev.faltung.kernel.Buffer.F64 d && src instanceof dev.faltung.kernel.Buffer.F64 s) {
            System.arraycopy(s.data(), 0, d.data(), 0, d.data().length);
        } else {
            for (int i = 0; i < dst.size(); i++) {
                dst.set(i, src.get(i));
            }
        }
    }
}
