package dev.faltung.nn.optim;

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
 * tensors. Updates are written with tensor operations in the parameter's dtype.
 */
public abstract class ParameterOptimizer implements Optimizer {

    private final Map<String, Tensor> params;
    private final Map<String, Map<String, Tensor>> slots = new LinkedHashMap<>();
    private final Map<String, Long> steps = new LinkedHashMap<>();
    private final List<Constraint> constraints = new ArrayList<>();
    private final double weightDecay;
    private double lr;

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
     * {@code t} (1 on the first update). Runs under {@link NoGrad}.
     */
    protected abstract Tensor update(String name, Tensor p, Tensor g, long t);

    /** Whether weight decay is applied by the subclass itself (AdamW) instead of added to the gradient. */
    protected boolean decoupledDecay() {
        return false;
    }

    protected final double weightDecay() {
        return weightDecay;
    }

    /** The state tensor {@code slot} of parameter {@code name}. */
    protected final Tensor slot(String slot, String name) {
        return slots.get(slot).get(name);
    }

    /** Overwrites state {@code slot} of parameter {@code name} in place. */
    protected final void setSlot(String slot, String name, Tensor value) {
        Init.assign(slots.get(slot).get(name), value);
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
                Tensor value = p.detach();
                if (weightDecay != 0 && !decoupledDecay()) {
                    g = g.add(value.mul(weightDecay));
                }
                long t = steps.merge(e.getKey(), 1L, Long::sum);
                Init.assign(p, update(e.getKey(), value, g, t));
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
        slots.forEach((slot, m) -> m.forEach((name, v) -> out.put(slot + "." + name, v.copy())));
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
