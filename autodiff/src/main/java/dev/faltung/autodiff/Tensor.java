package dev.faltung.autodiff;

import dev.faltung.kernel.BinaryOp;
import dev.faltung.kernel.Buffer;
import dev.faltung.kernel.DType;
import dev.faltung.kernel.Kernels;
import dev.faltung.kernel.ReduceOp;
import dev.faltung.kernel.UnaryOp;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A dense, row-major, n-dimensional array of float32 or float64 (NCHW for images) that records
 * the operations applied to it for reverse-mode differentiation.
 *
 * <p>Storage is contiguous; {@link #reshape} returns a view sharing it, every other operation
 * returns a new tensor. Operations run on {@link Compute#backend()}. Shape errors throw
 * {@link IllegalArgumentException} naming the operation and the shapes.
 *
 * <p>Each operation below states its forward computation and, next to it, its backward rule:
 * the gradient of its inputs given the gradient {@code g} of its output. Backward rules are
 * written with the same operations and run with recording off. Tensors are not thread-safe.
 */
public final class Tensor {

    private final DType dtype;
    private final int[] shape;
    private final Buffer data;
    private boolean requiresGrad;
    private Tensor grad;
    private Node node;
    private boolean graphFreed;

    private Tensor(DType dtype, int[] shape, Buffer data) {
        this.dtype = dtype;
        this.shape = shape;
        this.data = data;
    }

    // ---- creation -----------------------------------------------------------------------

    /** Wraps {@code data} (not copied) as a tensor of {@code shape}. */
    public static Tensor of(Buffer data, int... shape) {
        int[] s = shape.clone();
        if (Shapes.numel(s) != data.size()) {
            throw new IllegalArgumentException("Tensor.of: " + data.size() + " values do not fill shape "
                    + Shapes.str(s) + " (" + Shapes.numel(s) + " elements)");
        }
        return new Tensor(data.dtype(), s, data);
    }

    /** A float64 tensor holding {@code values} (not copied). */
    public static Tensor of(double[] values, int... shape) {
        return of(Buffer.of(values), shape);
    }

    /** A float32 tensor holding {@code values} (not copied). */
    public static Tensor of(float[] values, int... shape) {
        return of(Buffer.of(values), shape);
    }

    /** A 0-dimensional tensor. */
    public static Tensor scalar(double value, DType dtype) {
        Tensor t = zeros(dtype);
        t.data.set(0, value);
        return t;
    }

    public static Tensor zeros(DType dtype, int... shape) {
        int[] s = shape.clone();
        return new Tensor(dtype, s, allocate(dtype, Shapes.numel(s)));
    }

    public static Tensor full(double value, DType dtype, int... shape) {
        Tensor t = zeros(dtype, shape);
        if (value != 0.0) {
            Compute.kernels().fill(t.data, 0, t.data.size(), value);
        }
        return t;
    }

    public static Tensor ones(DType dtype, int... shape) {
        return full(1.0, dtype, shape);
    }

    /** Uniform in [lo, hi) from the counter-based stream {@code seed} (same numbers on every backend). */
    public static Tensor uniform(long seed, double lo, double hi, DType dtype, int... shape) {
        Tensor t = zeros(dtype, shape);
        Compute.kernels().uniform(seed, 0, lo, hi, t.data);
        return t;
    }

    /** Normal with the given mean and standard deviation from stream {@code seed}. */
    public static Tensor normal(long seed, double mean, double std, DType dtype, int... shape) {
        Tensor t = zeros(dtype, shape);
        Compute.kernels().normal(seed, 0, mean, std, t.data);
        return t;
    }

    /** 1 with probability {@code p}, else 0, from stream {@code seed} starting at counter {@code offset}. */
    public static Tensor bernoulli(long seed, long offset, double p, DType dtype, int... shape) {
        Tensor t = zeros(dtype, shape);
        Compute.kernels().bernoulli(seed, offset, p, t.data);
        return t;
    }

    // ---- properties ---------------------------------------------------------------------

    public DType dtype() {
        return dtype;
    }

    public int[] shape() {
        return shape.clone();
    }

    /** Extent of dimension {@code axis} (negative counts from the end). */
    public int size(int axis) {
        return shape[Shapes.axis("size", axis, shape.length)];
    }

    public int rank() {
        return shape.length;
    }

    public int numel() {
        return data.size();
    }

    /** The storage (shared, not copied): writing to it changes this tensor. */
    public Buffer buffer() {
        return data;
    }

    /** The value of a one-element tensor. */
    public double item() {
        if (numel() != 1) {
            throw new IllegalArgumentException("item: tensor of shape " + Shapes.str(shape) + " has "
                    + numel() + " elements, not 1");
        }
        return data.get(0);
    }

    /** The element at {@code index} (one coordinate per dimension). */
    public double get(int... index) {
        return data.get(flatIndex(index));
    }

    /** Sets the element at {@code index}; an in-place write that bypasses the graph. */
    public void set(double value, int... index) {
        data.set(flatIndex(index), value);
    }

    private int flatIndex(int[] index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("get: index of rank " + index.length + " for shape " + Shapes.str(shape));
        }
        int flat = 0;
        for (int i = 0; i < shape.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i]) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(index) + " out of bounds for shape "
                        + Shapes.str(shape));
            }
            flat = flat * shape[i] + index[i];
        }
        return flat;
    }

    /** A copy of the elements as doubles. */
    public double[] toDoubleArray() {
        double[] out = new double[numel()];
        for (int i = 0; i < out.length; i++) {
            out[i] = data.get(i);
        }
        return out;
    }

    /** A copy of the elements as floats. */
    public float[] toFloatArray() {
        float[] out = new float[numel()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) data.get(i);
        }
        return out;
    }

    // ---- gradients ----------------------------------------------------------------------

    /** Marks this tensor as a leaf whose gradient {@link #backward} computes; returns this. */
    public Tensor requiresGrad(boolean requires) {
        if (node != null) {
            throw new IllegalStateException("requiresGrad: only leaf tensors can change it; this is the result of "
                    + node.op + " (use detach())");
        }
        this.requiresGrad = requires;
        return this;
    }

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** The accumulated gradient, or null before any backward pass reached this tensor. */
    public Tensor grad() {
        return grad;
    }

    /** Sets the accumulated gradient (optimizers and tests); null clears it. */
    public void setGrad(Tensor g) {
        if (g != null && !Arrays.equals(g.shape, shape)) {
            throw new IllegalArgumentException("setGrad: gradient shape " + Shapes.str(g.shape)
                    + " does not match tensor shape " + Shapes.str(shape));
        }
        this.grad = g;
    }

    public void zeroGrad() {
        grad = null;
    }

    /** Whether this tensor was made by the user rather than recorded by an operation. */
    public boolean isLeaf() {
        return node == null && !graphFreed;
    }

    /** The same values with no history: a leaf that shares storage. */
    public Tensor detach() {
        return new Tensor(dtype, shape, data);
    }

    /** A deep copy with no history. */
    public Tensor copy() {
        return new Tensor(dtype, shape, data.copy());
    }

    /** Backward from a one-element tensor (a loss): d(this)/d(this) = 1. */
    public void backward() {
        if (numel() != 1) {
            throw new IllegalArgumentException("backward: tensor of shape " + Shapes.str(shape)
                    + " is not a scalar; pass the gradient of the output explicitly");
        }
        backward(ones(dtype, shape), false);
    }

    /**
     * Accumulates into every leaf's {@link #grad()} the gradient of {@code this} weighted by
     * {@code gradOutput}. Frees the graph unless {@code retainGraph}.
     */
    public void backward(Tensor gradOutput, boolean retainGraph) {
        if (!requiresGrad) {
            throw new IllegalStateException("backward: this tensor does not require grad (no input of the "
                    + "computation had requiresGrad(true), or it was computed under NoGrad)");
        }
        if (!Arrays.equals(gradOutput.shape, shape)) {
            throw new IllegalArgumentException("backward: gradient shape " + Shapes.str(gradOutput.shape)
                    + " does not match output shape " + Shapes.str(shape));
        }
        List<Tensor> order = topologicalOrder(this);
        Map<Tensor, Tensor> grads = new IdentityHashMap<>();
        grads.put(this, gradOutput);
        Map<Buffer, Boolean> outerFresh = FRESH.get();
        Map<Buffer, Boolean> fresh = new IdentityHashMap<>();
        FRESH.set(fresh);
        try (NoGrad ignored = NoGrad.enter()) {
            for (int i = order.size() - 1; i >= 0; i--) {
                Tensor t = order.get(i);
                Tensor g = grads.remove(t);
                if (g == null) {
                    continue;
                }
                if (t.node == null) {
                    if (t.graphFreed) {
                        throw new IllegalStateException("backward: the graph through this tensor was freed by an "
                                + "earlier backward(); pass retainGraph=true to backward twice");
                    }
                    // A leaf: accumulate. A buffer made by this pass is kept (and forgotten, so that no
                    // other leaf keeps it too); anything else is copied, so that no two leaves, nor
                    // a leaf and the caller's gradOutput, ever share a gradient buffer.
                    boolean own = fresh.remove(g.data) != null;
                    t.grad = t.grad == null ? (own ? g : g.copy()) : t.grad.add(g);
                    continue;
                }
                Node n = t.node;
                Tensor[] inputGrads = n.backward.apply(g);
                for (int j = 0; j < n.inputs.length; j++) {
                    Tensor in = n.inputs[j];
                    Tensor gi = inputGrads[j];
                    if (gi == null || in == null || !in.requiresGrad) {
                        continue;
                    }
                    if (!Arrays.equals(gi.shape, in.shape)) {
                        throw new IllegalStateException("backward of " + n.op + ": gradient of input " + j
                                + " has shape " + Shapes.str(gi.shape) + ", input has " + Shapes.str(in.shape));
                    }
                    grads.merge(in, gi, Tensor::add);
                }
                if (!retainGraph) {
                    t.node = null;
                    t.graphFreed = true;
                }
            }
        } finally {
            FRESH.set(outerFresh);
        }
    }

    /** Post-order of the graph below {@code root}, iteratively (deep graphs must not overflow the stack). */
    private static List<Tensor> topologicalOrder(Tensor root) {
        List<Tensor> order = new ArrayList<>();
        Map<Tensor, Boolean> seen = new IdentityHashMap<>();
        Deque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[] {root, 0});
        seen.put(root, Boolean.TRUE);
        while (!stack.isEmpty()) {
            Object[] frame = stack.peek();
            Tensor t = (Tensor) frame[0];
            int next = (Integer) frame[1];
            Tensor[] inputs = t.node == null ? new Tensor[0] : t.node.inputs;
            if (next < inputs.length) {
                frame[1] = next + 1;
                Tensor in = inputs[next];
                if (in != null && in.requiresGrad && seen.put(in, Boolean.TRUE) == null) {
                    stack.push(new Object[] {in, 0});
                }
            } else {
                stack.pop();
                order.add(t);
            }
        }
        return order;
    }

    /** Records {@code out} as the result of {@code op} on {@code inputs} when any of them needs a gradient. */
    static Tensor record(String op, Tensor out, Node.Backward backward, Tensor... inputs) {
        if (!NoGrad.isRecording()) {
            return out;
        }
        for (Tensor in : inputs) {
            if (in != null && in.requiresGrad) {
                out.requiresGrad = true;
                out.node = new Node(op, inputs, backward);
                return out;
            }
        }
        return out;
    }

    /** A new uninitialised-looking (zero) tensor of this dtype for kernel outputs. */
    static Tensor empty(DType dtype, int[] shape) {
        return new Tensor(dtype, shape, allocate(dtype, Shapes.numel(shape)));
    }

    /**
     * Buffers that backward rules allocated on this thread during the running backward pass:
     * nothing else refers to them, so a leaf may keep one as its gradient instead of a copy
     * (a 3M-parameter layer's weight gradient, copied, cost more than its GEMM).
     */
    private static final ThreadLocal<Map<Buffer, Boolean>> FRESH = new ThreadLocal<>();

    private static Buffer allocate(DType dtype, int size) {
        Buffer b = TensorArena.allocate(dtype, size);
        Map<Buffer, Boolean> fresh = FRESH.get();
        if (fresh != null) {
            fresh.put(b, Boolean.TRUE);
        }
        return b;
    }

    private Tensor emptyLike() {
        return empty(dtype, shape);
    }

    private static Kernels k() {
        return Compute.kernels();
    }

    void requireSameDType(String op, Tensor other) {
        if (other.dtype != dtype) {
            throw new IllegalArgumentException(op + ": dtypes differ: " + dtype + " " + Shapes.str(shape) + " and "
                    + other.dtype + " " + Shapes.str(other.shape) + " (convert with to(dtype))");
        }
    }

    // ---- dtype --------------------------------------------------------------------------

    /** This tensor converted to {@code target} (this tensor itself if it already has that dtype). */
    public Tensor to(DType target) {
        if (target == dtype) {
            return this;
        }
        Tensor out = empty(target, shape);
        k().copy(data, 0, new int[] {1}, out.data, 0, new int[] {1}, new int[] {numel()});
        return record("to", out, g -> new Tensor[] {g.to(dtype)}, this);
    }

    // ---- element-wise, one argument -----------------------------------------------------

    private Tensor unary(UnaryOp op, double alpha) {
        Tensor out = emptyLike();
        k().unary(op, alpha, data, out.data);
        return out;
    }

    public Tensor neg() {
        return record("neg", unary(UnaryOp.NEG, 0), g -> new Tensor[] {g.neg()}, this);
    }

    public Tensor exp() {
        Tensor y = unary(UnaryOp.EXP, 0);
        return record("exp", y, g -> new Tensor[] {g.mul(y)}, this); // (e^x)' = e^x
    }

    public Tensor log() {
        return record("log", unary(UnaryOp.LOG, 0), g -> new Tensor[] {g.div(this)}, this); // (ln x)' = 1/x
    }

    public Tensor sqrt() {
        Tensor y = unary(UnaryOp.SQRT, 0);
        return record("sqrt", y, g -> new Tensor[] {g.div(y).mul(0.5)}, this); // (√x)' = 1/(2√x)
    }

    public Tensor square() {
        return record("square", unary(UnaryOp.SQUARE, 0), g -> new Tensor[] {g.mul(this).mul(2.0)}, this);
    }

    /** x^p for a constant exponent. */
    public Tensor pow(double p) {
        return record("pow", unary(UnaryOp.POW, p),
                g -> new Tensor[] {g.mul(this.pow(p - 1)).mul(p)}, this); // (x^p)' = p·x^(p-1)
    }

    public Tensor abs() {
        return record("abs", unary(UnaryOp.ABS, 0), g -> new Tensor[] {g.mul(this.sign())}, this);
    }

    /** -1, 0 or 1; its gradient is zero. */
    public Tensor sign() {
        return unary(UnaryOp.SIGN, 0);
    }

    /** min(max(x, lo), hi); the gradient passes where lo ≤ x ≤ hi. */
    public Tensor clamp(double lo, double hi) {
        if (lo > hi) {
            throw new IllegalArgumentException("clamp: lo " + lo + " > hi " + hi);
        }
        Tensor out = unary(UnaryOp.MAX_SCALAR, lo);
        k().unary(UnaryOp.MIN_SCALAR, hi, out.data, out.data);
        return record("clamp", out, g -> {
            Tensor above = this.unary(UnaryOp.GREATER_SCALAR, hi);
            Tensor below = this.neg().unary(UnaryOp.GREATER_SCALAR, -lo);
            return new Tensor[] {g.mul(above.add(below).neg().add(1.0))};
        }, this);
    }

    public Tensor relu() {
        return record("relu", unary(UnaryOp.RELU, 0), g -> {
            Tensor gi = emptyLike();
            Expr.assign(gi, Expr.of(g).mul(Expr.of(this).greaterThan(0))); // one pass: g·[x > 0]
            return new Tensor[] {gi};
        }, this);
    }

    /** x > 0 ? x : slope·x. */
    public Tensor leakyRelu(double slope) {
        return record("leakyRelu", unary(UnaryOp.LEAKY_RELU, slope), g -> {
            Tensor positive = this.unary(UnaryOp.GREATER_SCALAR, 0);
            return new Tensor[] {g.mul(positive.mul(1 - slope).add(slope))}; // 1 where x>0, else slope
        }, this);
    }

    /** x > 0 ? x : alpha·(e^x - 1). */
    public Tensor elu(double alpha) {
        Tensor y = unary(UnaryOp.ELU, alpha);
        return record("elu", y, g -> {
            Tensor positive = this.unary(UnaryOp.GREATER_SCALAR, 0);
            // α·e^x where x ≤ 0, from min(x, 0) so that it stays finite where x > 0: masking α·e^x
            // (or y + α) there by a multiplication with 0 gave ∞·0 = NaN at x = +∞, where torch's
            // gradient is 1.
            Tensor negativeSlope = this.unary(UnaryOp.MIN_SCALAR, 0).exp().mul(alpha).mul(positive.neg().add(1.0));
            return new Tensor[] {g.mul(positive.add(negativeSlope))};
        }, this);
    }

    public Tensor tanh() {
        Tensor y = unary(UnaryOp.TANH, 0);
        return record("tanh", y, g -> new Tensor[] {g.mul(y.square().neg().add(1.0))}, this); // 1 - tanh²
    }

    public Tensor sigmoid() {
        Tensor y = unary(UnaryOp.SIGMOID, 0);
        return record("sigmoid", y, g -> new Tensor[] {g.mul(y.mul(y.neg().add(1.0)))}, this); // σ(1-σ)
    }

    /** ln(1 + e^x). */
    public Tensor softplus() {
        return record("softplus", unary(UnaryOp.SOFTPLUS, 0), g -> new Tensor[] {g.mul(this.sigmoid())}, this);
    }

    // ---- element-wise, two arguments (broadcasting) -------------------------------------

    private Tensor binary(String op, BinaryOp kind, Tensor other) {
        requireSameDType(op, other);
        int[] outShape = Shapes.broadcast(op, shape, other.shape);
        Tensor out = empty(dtype, outShape);
        k().binary(kind, data, shape, other.data, other.shape, out.data, outShape);
        return out;
    }

    private Tensor scalarLike(double value) {
        return scalar(value, dtype);
    }

    public Tensor add(Tensor b) {
        return record("add", binary("add", BinaryOp.ADD, b),
                g -> new Tensor[] {g.sumTo(shape), g.sumTo(b.shape)}, this, b);
    }

    public Tensor sub(Tensor b) {
        return record("sub", binary("sub", BinaryOp.SUB, b),
                g -> new Tensor[] {g.sumTo(shape), g.neg().sumTo(b.shape)}, this, b);
    }

    public Tensor mul(Tensor b) {
        return record("mul", binary("mul", BinaryOp.MUL, b),
                g -> new Tensor[] {g.mul(b).sumTo(shape), g.mul(this).sumTo(b.shape)}, this, b);
    }

    public Tensor div(Tensor b) {
        Tensor y = binary("div", BinaryOp.DIV, b);
        return record("div", y,
                g -> new Tensor[] {g.div(b).sumTo(shape), g.mul(y).div(b).neg().sumTo(b.shape)}, this, b); // (a/b)' = -a/b²
    }

    /** a^b element-wise; the gradient with respect to b needs a > 0. */
    public Tensor pow(Tensor b) {
        Tensor y = binary("pow", BinaryOp.POW, b);
        return record("pow", y, g -> new Tensor[] {
            g.mul(b).mul(this.pow(b.sub(b.scalarLike(1.0)))).sumTo(shape), // b·a^(b-1)
            g.mul(y).mul(this.log()).sumTo(b.shape)                         // a^b·ln a
        }, this, b);
    }

    /** Element-wise maximum; at ties the gradient is split evenly, as in PyTorch. */
    public Tensor maximum(Tensor b) {
        return record("maximum", binary("maximum", BinaryOp.MAX, b), g -> {
            Tensor share = this.binary("maximum", BinaryOp.GREATER, b)
                    .add(this.binary("maximum", BinaryOp.EQUAL, b).mul(0.5));
            return new Tensor[] {g.mul(share).sumTo(shape), g.mul(share.neg().add(1.0)).sumTo(b.shape)};
        }, this, b);
    }

    /** Element-wise minimum; at ties the gradient is split evenly. */
    public Tensor minimum(Tensor b) {
        return record("minimum", binary("minimum", BinaryOp.MIN, b), g -> {
            Tensor share = b.binary("minimum", BinaryOp.GREATER, this)
                    .add(this.binary("minimum", BinaryOp.EQUAL, b).mul(0.5));
            return new Tensor[] {g.mul(share).sumTo(shape), g.mul(share.neg().add(1.0)).sumTo(b.shape)};
        }, this, b);
    }

    /** 1 where this &gt; b, else 0 (no gradient). */
    public Tensor gt(Tensor b) {
        return binary("gt", BinaryOp.GREATER, b);
    }

    /** 1 where this == b, else 0 (no gradient). */
    public Tensor eq(Tensor b) {
        return binary("eq", BinaryOp.EQUAL, b);
    }

    public Tensor add(double c) {
        return record("add", unary(UnaryOp.ADD_SCALAR, c), g -> new Tensor[] {g}, this);
    }

    public Tensor sub(double c) {
        return add(-c);
    }

    public Tensor mul(double c) {
        return record("mul", unary(UnaryOp.SCALE, c), g -> new Tensor[] {g.mul(c)}, this);
    }

    public Tensor div(double c) {
        return mul(1.0 / c);
    }

    /**
     * Sums this tensor down to {@code target}, a shape it was broadcast from: the gradient of
     * broadcasting. Returns this tensor itself when the shapes are equal.
     */
    public Tensor sumTo(int[] target) {
        if (Arrays.equals(shape, target)) {
            return this;
        }
        int lead = shape.length - target.length;
        if (lead < 0) {
            throw new IllegalArgumentException("sumTo: cannot reduce " + Shapes.str(shape) + " to larger rank "
                    + Shapes.str(target));
        }
        List<Integer> axes = new ArrayList<>();
        for (int i = 0; i < shape.length; i++) {
            if (i < lead) {
                axes.add(i);
            } else if (target[i - lead] == 1 && shape[i] != 1) {
                axes.add(i);
            } else if (target[i - lead] != shape[i]) {
                throw new IllegalArgumentException("sumTo: " + Shapes.str(shape) + " was not broadcast from "
                        + Shapes.str(target));
            }
        }
        return sum(axes.stream().mapToInt(Integer::intValue).toArray(), true).reshape(target);
    }

    // ---- reductions ---------------------------------------------------------------------

    private Tensor reduce(String op, ReduceOp kind, int[] axes, boolean keepDim) {
        int[] ax = Shapes.axes(op, axes, shape.length);
        int[] kept = shape.clone();
        for (int a : ax) {
            kept[a] = 1;
        }
        Tensor out = empty(dtype, kept);
        k().reduce(kind, data, shape, ax, out.data);
        return keepDim ? out : out.reshape(dropAxes(kept, ax));
    }

    private static int[] dropAxes(int[] kept, int[] axes) {
        int[] out = new int[kept.length - axes.length];
        for (int i = 0, j = 0, a = 0; i < kept.length; i++) {
            if (a < axes.length && axes[a] == i) {
                a++;
            } else {
                out[j++] = kept[i];
            }
        }
        return out;
    }

    private int[] keptShape(int[] axes) {
        int[] kept = shape.clone();
        for (int a : Shapes.axes("reduce", axes, shape.length)) {
            kept[a] = 1;
        }
        return kept;
    }

    /** Sum over all elements: a 0-dimensional tensor. */
    public Tensor sum() {
        return sum(Shapes.allAxes(shape.length), false);
    }

    /** Sum over {@code axes} (negative counts from the end); {@code keepDim} keeps them with extent 1. */
    public Tensor sum(int[] axes, boolean keepDim) {
        int[] kept = keptShape(axes);
        return record("sum", reduce("sum", ReduceOp.SUM, axes, keepDim),
                g -> new Tensor[] {g.reshape(kept).expandTo(shape)}, this);
    }

    public Tensor sum(int axis) {
        return sum(new int[] {axis}, false);
    }

    public Tensor mean() {
        return mean(Shapes.allAxes(shape.length), false);
    }

    public Tensor mean(int[] axes, boolean keepDim) {
        int count = 1;
        for (int a : Shapes.axes("mean", axes, shape.length)) {
            count *= shape[a];
        }
        return sum(axes, keepDim).div(count);
    }

    public Tensor mean(int axis) {
        return mean(new int[] {axis}, false);
    }

    /** Maximum over {@code axes}; at ties the gradient is shared evenly among the maxima. */
    public Tensor max(int[] axes, boolean keepDim) {
        int[] kept = keptShape(axes);
        Tensor y = reduce("max", ReduceOp.MAX, axes, true);
        Tensor out = keepDim ? y : y.reshape(dropAxes(kept, Shapes.axes("max", axes, shape.length)));
        return record("max", out, g -> {
            Tensor isMax = this.eq(y);
            Tensor count = isMax.sum(axes, true);
            return new Tensor[] {g.reshape(kept).mul(isMax).div(count)};
        }, this);
    }

    public Tensor max(int axis) {
        return max(new int[] {axis}, false);
    }

    public Tensor max() {
        return max(Shapes.allAxes(shape.length), false);
    }

    /** Minimum over {@code axes}: {@code -max(-x)}. */
    public Tensor min(int[] axes, boolean keepDim) {
        return neg().max(axes, keepDim).neg();
    }

    /**
     * Variance over {@code axes} with {@code correction} degrees of freedom removed from the
     * count (0: biased, 1: Bessel's), composed from mean and square.
     */
    public Tensor var(int[] axes, int correction, boolean keepDim) {
        int count = 1;
        for (int a : Shapes.axes("var", axes, shape.length)) {
            count *= shape[a];
        }
        if (count - correction <= 0) {
            throw new IllegalArgumentException("var: " + count + " elements leave no degrees of freedom with correction "
                    + correction);
        }
        Tensor centred = sub(mean(axes, true));
        return centred.square().sum(axes, keepDim).div(count - correction);
    }

    /** Index of the maximum along {@code axis} for every other position (no gradient). */
    public int[] argmax(int axis) {
        int a = Shapes.axis("argmax", axis, shape.length);
        int outer = 1, inner = 1;
        for (int i = 0; i < a; i++) {
            outer *= shape[i];
        }
        for (int i = a + 1; i < shape.length; i++) {
            inner *= shape[i];
        }
        int[] out = new int[outer * inner];
        k().argmax(data, outer, shape[a], inner, out);
        return out;
    }

    // ---- shape --------------------------------------------------------------------------

    /** A view with a new shape and the same elements; one dimension may be -1 (inferred). */
    public Tensor reshape(int... newShape) {
        int[] s = newShape.clone();
        int infer = -1, known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException("reshape: only one dimension can be -1, got " + Shapes.str(s));
                }
                infer = i;
            } else {
                known *= s[i];
            }
        }
        if (infer >= 0 && known > 0 && numel() % known == 0) {
            s[infer] = numel() / known;
        }
        if (Shapes.numel(s) != numel() || (infer >= 0 && known == 0)) {
            throw new IllegalArgumentException("reshape: cannot view " + Shapes.str(shape) + " (" + numel()
                    + " elements) as " + Shapes.str(newShape));
        }
        Tensor view = new Tensor(dtype, s, data);
        int[] original = shape;
        return record("reshape", view, g -> new Tensor[] {g.reshape(original)}, this);
    }

    /** Collapses dimensions from {@code axis} on into one: {@code [N, C, H, W] -> [N, C·H·W]} for axis 1. */
    public Tensor flatten(int axis) {
        int a = Shapes.axis("flatten", axis, shape.length);
        int[] s = Arrays.copyOf(shape, a + 1);
        s[a] = -1;
        if (numel() == 0) {
            s[a] = 0;
        }
        return reshape(s);
    }

    /** Broadcasts to {@code target} by copying (the explicit form of broadcasting; gradient: sum). */
    public Tensor expandTo(int[] target) {
        if (Arrays.equals(shape, target)) {
            return this;
        }
        int[] s = Shapes.broadcast("expand", shape, target);
        if (!Arrays.equals(s, target)) {
            throw new IllegalArgumentException("expand: " + Shapes.str(shape) + " cannot be expanded to "
                    + Shapes.str(target));
        }
        // Read through stride 0 along every broadcast dimension.
        int[] own = Shapes.strides(shape);
        int[] src = new int[target.length];
        int lead = target.length - shape.length;
        for (int i = lead; i < target.length; i++) {
            src[i] = shape[i - lead] == 1 ? 0 : own[i - lead];
        }
        Tensor out = empty(dtype, target);
        k().copy(data, 0, src, out.data, 0, Shapes.strides(target), target);
        int[] original = shape;
        return record("expand", out, g -> new Tensor[] {g.sumTo(original)}, this);
    }

    /** Reorders dimensions: output dimension i is input dimension {@code perm[i]}. */
    public Tensor permute(int... perm) {
        if (perm.length != shape.length) {
            throw new IllegalArgumentException("permute: permutation " + Arrays.toString(perm) + " for shape "
                    + Shapes.str(shape));
        }
        int[] inverse = new int[perm.length];
        boolean[] used = new boolean[perm.length];
        int[] outShape = new int[perm.length];
        int[] inStrides = Shapes.strides(shape);
        int[] srcStrides = new int[perm.length];
        for (int i = 0; i < perm.length; i++) {
            int p = Shapes.axis("permute", perm[i], shape.length);
            if (used[p]) {
                throw new IllegalArgumentException("permute: " + Arrays.toString(perm) + " is not a permutation");
            }
            used[p] = true;
            inverse[p] = i;
            outShape[i] = shape[p];
            srcStrides[i] = inStrides[p];
        }
        Tensor out = empty(dtype, outShape);
        k().copy(data, 0, srcStrides, out.data, 0, Shapes.strides(outShape), outShape);
        return record("permute", out, g -> new Tensor[] {g.permute(inverse)}, this);
    }

    /** Swaps two dimensions. */
    public Tensor transpose(int a, int b) {
        int[] perm = Shapes.allAxes(shape.length);
        int x = Shapes.axis("transpose", a, shape.length), y = Shapes.axis("transpose", b, shape.length);
        perm[x] = y;
        perm[y] = x;
        return permute(perm);
    }

    /** Elements {@code [start, end)} along {@code axis}. */
    public Tensor slice(int axis, int start, int end) {
        int a = Shapes.axis("slice", axis, shape.length);
        if (start < 0 || end > shape[a] || start > end) {
            throw new IllegalArgumentException("slice: range [" + start + ", " + end + ") out of bounds for axis "
                    + a + " of shape " + Shapes.str(shape));
        }
        int[] outShape = shape.clone();
        outShape[a] = end - start;
        int[] strides = Shapes.strides(shape);
        Tensor out = empty(dtype, outShape);
        k().copy(data, start * strides[a], strides, out.data, 0, Shapes.strides(outShape), outShape);
        int[] original = shape;
        return record("slice", out, g -> new Tensor[] {g.embed(original, a, start)}, this);
    }

    /** Zeros of {@code target} with this tensor placed at {@code start} along {@code axis} (slice's adjoint). */
    private Tensor embed(int[] target, int axis, int start) {
        Tensor out = empty(dtype, target);
        int[] strides = Shapes.strides(target);
        k().copy(data, 0, Shapes.strides(shape), out.data, start * strides[axis], strides, shape);
        return out;
    }

    /**
     * Rows of this 2-D table at {@code indices}: {@code [V, D] -> [indices.length, D]} (an
     * embedding lookup). Backward scatter-adds each output row's gradient into its table row, so
     * a repeated index accumulates.
     */
    public Tensor gatherRows(int[] indices) {
        if (shape.length != 2) {
            throw new IllegalArgumentException("gatherRows: table must be [V, D], got " + Shapes.str(shape));
        }
        int v = shape[0], d = shape[1];
        int[] idx = indices.clone();
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] < 0 || idx[i] >= v) {
                throw new IllegalArgumentException("gatherRows: index " + idx[i] + " at position " + i
                        + " is outside [0, " + v + ") for table " + Shapes.str(shape));
            }
        }
        Tensor out = empty(dtype, new int[] {idx.length, d});
        for (int i = 0; i < idx.length; i++) {
            k().copy(data, idx[i] * d, new int[] {1}, out.data, i * d, new int[] {1}, new int[] {d});
        }
        int[] original = shape;
        return record("gatherRows", out, g -> {
            Tensor gt = empty(g.dtype, original);
            for (int i = 0; i < idx.length; i++) {
                for (int j = 0; j < d; j++) {
                    int at = idx[i] * d + j;
                    gt.data.set(at, gt.data.get(at) + g.data.get(i * d + j));
                }
            }
            return new Tensor[] {gt};
        }, this);
    }

    /** Joins tensors along {@code axis}; all other dimensions must agree. */
    public static Tensor concat(int axis, Tensor... parts) {
        if (parts.length == 0) {
            throw new IllegalArgumentException("concat: no tensors");
        }
        Tensor first = parts[0];
        int a = Shapes.axis("concat", axis, first.shape.length);
        int[] outShape = first.shape.clone();
        outShape[a] = 0;
        for (Tensor p : parts) {
            first.requireSameDType("concat", p);
            if (p.shape.length != first.shape.length) {
                throw new IllegalArgumentException("concat: ranks differ: " + Shapes.str(first.shape) + " and "
                        + Shapes.str(p.shape));
            }
            for (int i = 0; i < outShape.length; i++) {
                if (i != a && p.shape[i] != first.shape[i]) {
                    throw new IllegalArgumentException("concat: shapes " + Shapes.str(first.shape) + " and "
                            + Shapes.str(p.shape) + " differ outside axis " + a);
                }
            }
            outShape[a] += p.shape[a];
        }
        Tensor out = empty(first.dtype, outShape);
        int[] outStrides = Shapes.strides(outShape);
        int[] starts = new int[parts.length];
        int at = 0;
        for (int i = 0; i < parts.length; i++) {
            starts[i] = at;
            k().copy(parts[i].data, 0, Shapes.strides(parts[i].shape), out.data, at * outStrides[a], outStrides,
                    parts[i].shape);
            at += parts[i].shape[a];
        }
        return record("concat", out, g -> {
            Tensor[] grads = new Tensor[parts.length];
            for (int i = 0; i < parts.length; i++) {
                grads[i] = g.slice(a, starts[i], starts[i] + parts[i].shape[a]);
            }
            return grads;
        }, parts);
    }

    /**
     * Pads with {@code value}: {@code before[i]} and {@code after[i]} elements on each side of
     * dimension i (arrays of length rank).
     */
    public Tensor pad(int[] before, int[] after, double value) {
        if (before.length != shape.length || after.length != shape.length) {
            throw new IllegalArgumentException("pad: need one amount per dimension of " + Shapes.str(shape)
                    + ", got before=" + Arrays.toString(before) + " after=" + Arrays.toString(after));
        }
        int[] outShape = new int[shape.length];
        for (int i = 0; i < shape.length; i++) {
            if (before[i] < 0 || after[i] < 0) {
                throw new IllegalArgumentException("pad: amounts must be non-negative, got before="
                        + Arrays.toString(before) + " after=" + Arrays.toString(after));
            }
            outShape[i] = shape[i] + before[i] + after[i];
        }
        Tensor out = full(value, dtype, outShape);
        int[] outStrides = Shapes.strides(outShape);
        int offset = 0;
        for (int i = 0; i < shape.length; i++) {
            offset += before[i] * outStrides[i];
        }
        int interior = offset;
        k().copy(data, 0, Shapes.strides(shape), out.data, offset, outStrides, shape);
        int[] original = shape;
        return record("pad", out, g -> {
            Tensor gi = empty(g.dtype, original);
            k().copy(g.data, interior, outStrides, gi.data, 0, Shapes.strides(original), original);
            return new Tensor[] {gi};
        }, this);
    }

    // ---- matrix multiplication ----------------------------------------------------------

    /**
     * Matrix product. {@code [m,k]·[k,n] -> [m,n]}; {@code [..., m, k]·[k, n] -> [..., m, n]}
     * (a shared right matrix, as in a linear layer); {@code [b, m, k]·[b, k, n] -> [b, m, n]}.
     */
    public Tensor matmul(Tensor b) {
        requireSameDType("matmul", b);
        if (shape.length < 2 || b.shape.length < 2) {
            throw new IllegalArgumentException("matmul: both operands need rank >= 2, got " + Shapes.str(shape)
                    + " and " + Shapes.str(b.shape));
        }
        int m = shape[shape.length - 2], kk = shape[shape.length - 1];
        int k2 = b.shape[b.shape.length - 2], n = b.shape[b.shape.length - 1];
        if (kk != k2) {
            throw new IllegalArgumentException("matmul: inner dimensions differ: " + Shapes.str(shape) + " and "
                    + Shapes.str(b.shape));
        }
        int[] outShape = shape.clone();
        outShape[outShape.length - 1] = n;
        if (b.shape.length == 2) {
            int rows = numel() / Math.max(kk, 1);
            if (kk == 0) {
                rows = Shapes.numel(Arrays.copyOf(shape, shape.length - 1));
            }
            Tensor out = empty(dtype, outShape);
            k().gemm(false, false, rows, n, kk, 1.0, data, 0, kk, b.data, 0, n, 0.0, out.data, 0, n);
            int r = rows;
            return record("matmul", out, g -> {
                Tensor ga = empty(dtype, shape), gb = empty(dtype, b.shape);
                k().gemm(false, true, r, kk, n, 1.0, g.data, 0, n, b.data, 0, n, 0.0, ga.data, 0, kk);   // G·Bᵀ
                k().gemm(true, false, kk, n, r, 1.0, data, 0, kk, g.data, 0, n, 0.0, gb.data, 0, n);     // Aᵀ·G
                return new Tensor[] {ga, gb};
            }, this, b);
        }
        if (shape.length != 3 || b.shape.length != 3 || shape[0] != b.shape[0]) {
            throw new IllegalArgumentException("matmul: batched operands must be [b,m,k] and [b,k,n], got "
                    + Shapes.str(shape) + " and " + Shapes.str(b.shape));
        }
        int batch = shape[0];
        Tensor out = empty(dtype, outShape);
        k().gemmBatched(batch, false, false, m, n, kk, 1.0, data, 0, kk, m * kk, b.data, 0, n, kk * n,
                0.0, out.data, 0, n, m * n);
        return record("matmul", out, g -> {
            Tensor ga = empty(dtype, shape), gb = empty(dtype, b.shape);
            k().gemmBatched(batch, false, true, m, kk, n, 1.0, g.data, 0, n, m * n, b.data, 0, n, kk * n,
                    0.0, ga.data, 0, kk, m * kk);
            k().gemmBatched(batch, true, false, kk, n, m, 1.0, data, 0, kk, m * kk, g.data, 0, n, m * n,
                    0.0, gb.data, 0, n, kk * n);
            return new Tensor[] {ga, gb};
        }, this, b);
    }

    /**
     * The affine map of a dense layer: {@code x [..., in]}, {@code weight [out, in]} (PyTorch's
     * layout), {@code bias [out]} or null, giving {@code x·weightᵀ + bias}, {@code [..., out]}.
     * One GEMM reading the weight transposed in place, with the bias preloaded into the output.
     */
    public Tensor linear(Tensor weight, Tensor bias) {
        requireSameDType("linear", weight);
        if (shape.length < 1 || weight.shape.length != 2 || weight.shape[1] != shape[shape.length - 1]) {
            throw new IllegalArgumentException("linear: input " + Shapes.str(shape) + " and weight "
                    + Shapes.str(weight.shape) + " do not match (weight must be [out, " + (shape.length == 0 ? "?"
                    : shape[shape.length - 1]) + "])");
        }
        int in = weight.shape[1], out = weight.shape[0];
        if (bias != null) {
            requireSameDType("linear", bias);
            if (bias.shape.length != 1 || bias.shape[0] != out) {
                throw new IllegalArgumentException("linear: bias must be [" + out + "], got " + Shapes.str(bias.shape));
            }
        }
        int rows = in == 0 ? Shapes.numel(Arrays.copyOf(shape, shape.length - 1)) : numel() / in;
        int[] outShape = shape.clone();
        outShape[outShape.length - 1] = out;
        Tensor y = empty(dtype, outShape);
        if (bias != null) {
            k().copy(bias.data, 0, new int[] {0, 1}, y.data, 0, new int[] {out, 1}, new int[] {rows, out});
        }
        k().gemm(false, true, rows, out, in, 1.0, data, 0, in, weight.data, 0, in, bias == null ? 0.0 : 1.0,
                y.data, 0, out);
        return record("linear", y, g -> {
            Tensor gx = empty(dtype, shape), gw = empty(dtype, weight.shape);
            k().gemm(false, false, rows, in, out, 1.0, g.data, 0, out, weight.data, 0, in, 0.0, gx.data, 0, in); // G·W
            k().gemm(true, false, out, in, rows, 1.0, g.data, 0, out, data, 0, in, 0.0, gw.data, 0, in);        // Gᵀ·X
            Tensor gb = bias == null ? null : g.reshape(rows, out).sum(0);
            return new Tensor[] {gx, gw, gb};
        }, this, weight, bias);
    }

    // ---- softmax and losses -------------------------------------------------------------

    private int[] outerDimInner(String op, int axis) {
        int a = Shapes.axis(op, axis, shape.length);
        int outer = 1, inner = 1;
        for (int i = 0; i < a; i++) {
            outer *= shape[i];
        }
        for (int i = a + 1; i < shape.length; i++) {
            inner *= shape[i];
        }
        return new int[] {outer, shape[a], inner};
    }

    public Tensor softmax(int axis) {
        return softmax("softmax", axis, false);
    }

    /** log(softmax(x)), computed stably (log-sum-exp with the maximum subtracted). */
    public Tensor logSoftmax(int axis) {
        return softmax("logSoftmax", axis, true);
    }

    private Tensor softmax(String op, int axis, boolean log) {
        int[] odi = outerDimInner(op, axis);
        Tensor y = emptyLike();
        k().softmax(data, odi[0], odi[1], odi[2], log, y.data);
        return record(op, y, g -> {
            Tensor gi = empty(dtype, shape);
            k().softmaxBackward(y.data, g.data, odi[0], odi[1], odi[2], log, gi.data);
            return new Tensor[] {gi};
        }, this);
    }

    /**
     * Mean softmax cross-entropy of logits {@code [N, C]} against class indices, as
     * {@code torch.nn.functional.cross_entropy} with mean reduction.
     */
    public Tensor crossEntropy(int[] targets) {
        return crossEntropy(targets, 0.0, null);
    }

    /**
     * Cross-entropy with label smoothing {@code s} and optional per-class weights, matching
     * {@code torch.nn.functional.cross_entropy(x, t, weight, label_smoothing=s)}: the loss of
     * sample i is {@code (1-s)·w[t_i]·(-log p[i,t_i]) + (s/C)·Σ_c w[c]·(-log p[i,c])}, and the mean
     * divides by {@code Σ_i w[t_i]}. Written as {@code -Σ q ⊙ log_softmax(x)} with a constant
     * target distribution {@code q}, so its gradient is that of log-softmax.
     */
    public Tensor crossEntropy(int[] targets, double labelSmoothing, double[] classWeights) {
        if (shape.length != 2) {
            throw new IllegalArgumentException("crossEntropy: logits must be [N, C], got " + Shapes.str(shape));
        }
        int n = shape[0], c = shape[1];
        if (targets.length != n) {
            throw new IllegalArgumentException("crossEntropy: " + targets.length + " targets for logits "
                    + Shapes.str(shape));
        }
        if (labelSmoothing < 0 || labelSmoothing > 1) {
            throw new IllegalArgumentException("crossEntropy: label smoothing must be in [0, 1], got " + labelSmoothing);
        }
        if (classWeights != null && classWeights.length != c) {
            throw new IllegalArgumentException("crossEntropy: " + classWeights.length + " class weights for " + c
                    + " classes");
        }
        double[] q = new double[n * c];
        double norm = 0;
        for (int i = 0; i < n; i++) {
            int t = targets[i];
            if (t < 0 || t >= c) {
                throw new IllegalArgumentException("crossEntropy: target " + t + " at position " + i
                        + " is outside [0, " + c + ")");
            }
            norm += classWeights == null ? 1.0 : classWeights[t];
            for (int j = 0; j < c; j++) {
                double w = classWeights == null ? 1.0 : classWeights[j];
                q[i * c + j] = labelSmoothing / c * w + (j == t ? (1 - labelSmoothing) * w : 0.0);
            }
        }
        int nonzero = 0;
        for (int i = 0; i < q.length; i++) {
            q[i] /= norm;
            nonzero += q[i] != 0 ? 1 : 0;
        }
        Tensor logProbabilities = logSoftmax(1);
        if (nonzero == q.length) {
            return logProbabilities.mul(of(q, n, c).to(dtype)).sum().neg();
        }
        // Only the entries with a weight enter the sum (without smoothing, each row's target):
        // a masked logit of -inf has log-probability -inf, and 0·(-inf) in a dense product
        // would make the loss NaN where torch's, which picks the targets, is finite.
        int[] at = new int[nonzero];
        double[] weights = new double[nonzero];
        for (int i = 0, j = 0; i < q.length; i++) {
            if (q[i] != 0) {
                at[j] = i;
                weights[j++] = q[i];
            }
        }
        return logProbabilities.reshape(n * c, 1).gatherRows(at).mul(of(weights, nonzero, 1).to(dtype)).sum().neg();
    }

    /** Mean squared error against {@code target} (same shape). */
    public Tensor mse(Tensor target) {
        if (!Arrays.equals(shape, target.shape)) {
            throw new IllegalArgumentException("mse: prediction " + Shapes.str(shape) + " and target "
                    + Shapes.str(target.shape) + " differ");
        }
        return sub(target).square().mean();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor(").append(dtype).append(", ").append(Shapes.str(shape));
        if (requiresGrad) {
            sb.append(", requiresGrad");
        }
        if (node != null) {
            sb.append(", op=").append(node.op);
        }
        int show = Math.min(numel(), 8);
        sb.append(", [");
        for (int i = 0; i < show; i++) {
            sb.append(i > 0 ? ", " : "").append(data.get(i));
        }
        return sb.append(numel() > show ? ", ...])" : "])").toString();
    }
}
