package dev.faltung.nn.optim;

import dev.faltung.autodiff.Expr;
import dev.faltung.autodiff.NoGrad;
import dev.faltung.autodiff.Tensor;
import dev.faltung.kernel.DType;
import dev.faltung.nn.init.Init;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Shared machinery of the optimizers: named parameters, the learning rate, per-parameter state
 * slots (zero tensors shaped like the parameter, e.g. {@code exp_avg}), per-parameter step
 * counts, coupled L2 weight decay {@code g ← g + λ·θ}, and post-step {@link Constraint}s.
 *
 * <p>State is named {@code slot.param} ({@code exp_avg.conv1.weight}) plus {@code step.param}
 * and {@code lr} as 0-d float64 tensors. Parameters are updated in place, so modules keep their
 * tensors. Updates are written as {@link Expr}essions in the parameter's dtype: the new value of
 * a parameter and of its slots is computed in one pass over its elements, with the rounding of
 * the same tensor operations but none of their temporary tensors.
 */
public abstract class ParameterOptimizer implements Optimizer {

    private final Map<String, Tensor> params;
    private final Map<String, Map<String, Tensor>> slots = new LinkedHashMap<>();
    private final Map<String, Long> steps = new LinkedHashMap<>();
    private final List<Constraint> constraints = new ArrayList<>();
    private final double weightDecay;
    private double lr;
    private final List<Tensor> pendingTargets = new ArrayList<>();
    private final List<Expr> pendingValues = new ArrayList<>();

    protected ParameterOptimizer(String op, Map<String, Tensor> params, double lr, double weightDecay,
                                 String... slotNames) {
        if (!(lr >= 0) || !(weightDecay >= 0)) {
            throw new IllegalArgumentException(op + ": learning rate and weight decay must be non-negative, got lr="
                    + lr + " weightDecay=" + weightDecay);
        }
        this.params = new LinkedHashMap<>(params);
        this.lr = lr;
        this.weightDecay = weightDecay;
        for (String slot : slotNames) {
            Map<String, Tensor> m = new LinkedHashMap<>();
            params.forEach((name, p) -> m.put(name, Tensor.zeros(p.dtype(), p.shape())));
            slots.put(slot, m);
        }
        params.keySet().forEach(name -> steps.put(name, 0L));
    }

    /**
     * The new value of parameter {@code name} given its value {@code p}, its gradient {@code g}
     * (coupled weight decay already added unless {@link #decoupledDecay()}) and its step number
     * {@code t} (1 on the first update); new slot values are given with {@link #setSlot}. All of
     * them are stored together after the call, so {@link #slot} always reads the old state.
     */
    protected abstract Expr update(String name, Expr p, Expr g, long t);

    /** Whether weight decay is applied by the subclass itself (AdamW) instead of added to the gradient. */
    protected boolean decoupledDecay() {
        return false;
    }

    protected final double weightDecay() {
        return weightDecay;
    }

    /** The state {@code slot} of parameter {@code name}, as it was before this step. */
    protected final Expr slot(String slot, String name) {
        return Expr.of(slots.get(slot).get(name));
    }

    /** The new value of state {@code slot} of parameter {@code name}, stored with the parameter's. */
    protected final void setSlot(String slot, String name, Expr value) {
        pendingTargets.add(slots.get(slot).get(name));
        pendingValues.add(value);
    }

    /** Adds a constraint applied after every step; returns this. */
    public ParameterOptimizer addConstraint(Constraint c) {
        constraints.add(c);
        return this;
    }

    @Override
    public void step() {
        try (NoGrad ignored = NoGrad.enter()) {
            for (Map.Entry<String, Tensor> e : params.entrySet()) {
                Tensor p = e.getValue();
                Tensor g = p.grad();
                if (g == null) {
                    continue;
                }
                Expr value = Expr.of(p);
                Expr grad = Expr.of(g);
                if (weightDecay != 0 && !decoupledDecay()) {
                    grad = grad.add(value.mul(weightDecay));
                }
                long t = steps.merge(e.getKey(), 1L, Long::sum);
                pendingTargets.clear();
                pendingValues.clear();
                Expr updated = update(e.getKey(), value, grad, t);
                pendingTargets.add(p);
                pendingValues.add(updated);
                Expr.assign(pendingTargets, pendingValues);
            }
            for (Constraint c : constraints) {
                c.apply();
            }
        }
    }

    @Override
    public void zeroGrad() {
        params.values().forEach(Tensor::zeroGrad);
    }

    @Override
    public double learningRate() {
        return lr;
    }

    @Override
    public void setLearningRate(double lr) {
        if (!(lr >= 0)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": learning rate must be non-negative, got " + lr);
        }
        this.lr = lr;
    }

    @Override
    public Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("lr", Tensor.scalar(lr, DType.FLOAT64));
        steps.forEach((name, t) -> out.put("step." + name, Tensor.scalar(t, DType.FLOAT64)));
        slots.forEach((slot, m) -> m.forEach((name, v) -> out.put(slot + "." + name, v)));
        return out;
    }

    @Override
    public void loadState(Map<String, Tensor> state) {
        Map<String, Tensor> expected = state();
        TreeSet<String> unexpected = new TreeSet<>(state.keySet());
        unexpected.removeAll(expected.keySet());
        if (!unexpected.isEmpty()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ".loadState: unexpected entries " + unexpected);
        }
        for (Map.Entry<String, Tensor> e : expected.entrySet()) {
            Tensor given = state.get(e.getKey());
            if (given == null) {
                throw new IllegalArgumentException(getClass().getSimpleName() + ".loadState: missing entry '" + e.getKey() + "'");
            }
            if (!Arrays.equals(given.shape(), e.getValue().shape())) {
                throw new IllegalArgumentException(getClass().getSimpleName() + ".loadState: entry '" + e.getKey()
                        + "' has shape " + Arrays.toString(given.shape()) + ", expected "
                        + Arrays.toString(e.getValue().shape()));
            }
        }
        lr = state.get("lr").item();
        steps.replaceAll((name, t) -> (long) state.get("step." + name).item());
        slots.forEach((slot, m) -> m.forEach((name, v) -> Init.assign(v, state.get(slot + "." + name).to(v.dtype()))));
    }
}
