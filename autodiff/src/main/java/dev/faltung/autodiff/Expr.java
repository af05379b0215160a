package dev.faltung.autodiff;

import dev.faltung.kernel.BinaryOp;
import dev.faltung.kernel.Buffer;
import dev.faltung.kernel.ElementwiseProgram;
import dev.faltung.kernel.UnaryOp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * An element-wise expression over tensors of one shape and dtype, written like tensor
 * arithmetic but evaluated only by {@link #assign}, which computes several expressions in ONE
 * pass over the elements (an {@link ElementwiseProgram}) and stores them into existing tensors,
 * with no intermediate tensors. Each operation means exactly what the {@link Tensor} method of
 * the same name does, so the results are bit for bit those of the unfused tensor code.
 * Optimizers write their in-place updates with it. An expression is an immutable tree; a
 * subexpression used twice is computed once. Nothing here is recorded for differentiation.
 */
public final class Expr {

    private final Tensor leaf;
    private final UnaryOp unary;
    private final double alpha;
    private final BinaryOp binary;
    private final Expr a;
    private final Expr b;

    private Expr(Tensor leaf, UnaryOp unary, double alpha, BinaryOp binary, Expr a, Expr b) {
        this.leaf = leaf;
        this.unary = unary;
        this.alpha = alpha;
        this.binary = binary;
        this.a = a;
        this.b = b;
    }

    /** The elements of {@code t} as they are when {@link #assign} runs. */
    public static Expr of(Tensor t) {
        return new Expr(t, null, 0, null, null, null);
    }

    private Expr unary(UnaryOp op, double alpha) {
        return new Expr(null, op, alpha, null, this, null);
    }

    private Expr binary(BinaryOp op, Expr other) {
        return new Expr(null, null, 0, op, this, other);
    }

    public Expr add(Expr other) {
        return binary(BinaryOp.ADD, other);
    }

    public Expr sub(Expr other) {
        return binary(BinaryOp.SUB, other);
    }

    public Expr mul(Expr other) {
        return binary(BinaryOp.MUL, other);
    }

    public Expr div(Expr other) {
        return binary(BinaryOp.DIV, other);
    }

    public Expr maximum(Expr other) {
        return binary(BinaryOp.MAX, other);
    }

    public Expr minimum(Expr other) {
        return binary(BinaryOp.MIN, other);
    }

    public Expr add(double c) {
        return unary(UnaryOp.ADD_SCALAR, c);
    }

    public Expr sub(double c) {
        return add(-c);
    }

    public Expr mul(double c) {
        return unary(UnaryOp.SCALE, c);
    }

    /** As {@link Tensor#div(double)}: multiplication by {@code 1/c}. */
    public Expr div(double c) {
        return mul(1.0 / c);
    }

    public Expr neg() {
        return unary(UnaryOp.NEG, 0);
    }

    public Expr abs() {
        return unary(UnaryOp.ABS, 0);
    }

    public Expr sqrt() {
        return unary(UnaryOp.SQRT, 0);
    }

    public Expr square() {
        return unary(UnaryOp.SQUARE, 0);
    }

    /** 1 where the value exceeds {@code c}, else 0. */
    public Expr greaterThan(double c) {
        return unary(UnaryOp.GREATER_SCALAR, c);
    }

    public Expr sign() {
        return unary(UnaryOp.SIGN, 0);
    }

    /** As {@link Tensor#clamp}. */
    public Expr clamp(double lo, double hi) {
        if (lo > hi) {
            throw new IllegalArgumentException("clamp: lo " + lo + " > hi " + hi);
        }
        return unary(UnaryOp.MAX_SCALAR, lo).unary(UnaryOp.MIN_SCALAR, hi);
    }

    /**
     * Evaluates {@code values[j]} and stores it into {@code targets[j]}, for all {@code j} at once:
     * every element of every input is read before any target element is written, so targets
     * may appear in the expressions ({@code θ ← θ - η·g}). All tensors must share one shape and
     * dtype, and no tensor may be a target twice.
     */
    public static void assign(List<Tensor> targets, List<Expr> values) {
        if (targets.size() != values.size()) {
            throw new IllegalArgumentException("Expr.assign: " + targets.size() + " targets for " + values.size()
                    + " values");
        }
        if (targets.isEmpty()) {
            return;
        }
        Tensor first = targets.get(0);
        Map<Tensor, Boolean> distinct = new IdentityHashMap<>();
        for (Tensor t : targets) {
            requireLike(first, t, "target");
            if (distinct.put(t, Boolean.TRUE) != null) {
                throw new IllegalArgumentException("Expr.assign: the same tensor is a target twice");
            }
        }
        Compiler c = new Compiler(first);
        int[] results = new int[values.size()];
        for (int j = 0; j < results.length; j++) {
            results[j] = c.value(values.get(j));
        }
        for (int v : results) {
            c.builder.output(v);
        }
        Buffer[] out = targets.stream().map(Tensor::buffer).toArray(Buffer[]::new);
        Compute.kernels().elementwise(c.builder.build(), c.inputs.toArray(Buffer[]::new), out);
    }

    /** {@code assign(List.of(target), List.of(value))}. */
    public static void assign(Tensor target, Expr value) {
        assign(List.of(target), List.of(value));
    }

    private static void requireLike(Tensor first, Tensor t, String what) {
        if (t.dtype() != first.dtype() || !Arrays.equals(t.shape(), first.shape())) {
            throw new IllegalArgumentException("Expr.assign: " + what + " " + t.dtype() + " " + Shapes.str(t.shape())
                    + " does not match " + first.dtype() + " " + Shapes.str(first.shape()));
        }
    }

    /** Turns expression trees into program steps, one step per distinct node and one input per distinct tensor. */
    private static final class Compiler {
        final ElementwiseProgram.Builder builder = new ElementwiseProgram.Builder();
        final List<Buffer> inputs = new ArrayList<>();
        final Map<Tensor, Integer> leaves = new IdentityHashMap<>();
        final Map<Expr, Integer> nodes = new IdentityHashMap<>();
        final Tensor like;

        Compiler(Tensor like) {
            this.like = like;
        }

        int value(Expr e) {
            Integer known = nodes.get(e);
            if (known != null) {
                return known;
            }
            int v;
            if (e.leaf != null) {
                Integer seen = leaves.get(e.leaf);
                if (seen == null) {
                    requireLike(like, e.leaf, "input");
                    seen = builder.input();
                    inputs.add(e.leaf.buffer());
                    leaves.put(e.leaf, seen);
                }
                v = seen;
            } else if (e.unary != null) {
                v = builder.unary(e.unary, e.alpha, value(e.a));
            } else {
                int x = value(e.a);
                v = builder.binary(e.binary, x, value(e.b));
            }
            nodes.put(e, v);
            return v;
        }
    }
}
