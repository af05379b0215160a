package dev.faltung.nn.train;

import dev.faltung.autodiff.NoGrad;
import dev.faltung.autodiff.Tensor;
import dev.faltung.kernel.DType;
import dev.faltung.nn.optim.Optimizer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A small SGD with momentum (v = μv + g; p -= lr·v) and a step counter, so the trainer's tests
 * exercise optimizer state without depending on the optimizers package.
 */
final class MomentumSgd implements Optimizer {

    private final Map<String, Tensor> params;
    private final Map<String, Tensor> velocity = new LinkedHashMap<>();
    private final double momentum;
    private double lr;
    private long steps;

    MomentumSgd(Map<String, Tensor> params, double lr, double momentum) {
        this.params = params;
        this.lr = lr;
        this.momentum = momentum;
    }

    @Override
    public void step() {
        try (NoGrad ignored = NoGrad.enter()) {
            for (Map.Entry<String, Tensor> e : params.entrySet()) {
                Tensor p = e.getValue();
                if (p.grad() == null) {
                    continue;
                }
                Tensor v = velocity.get(e.getKey());
                v = v == null ? p.grad().copy() : v.mul(momentum).add(p.grad());
                velocity.put(e.getKey(), v);
                Tensor updated = p.sub(v.mul(lr));
                for (int i = 0; i < p.numel(); i++) {
                    p.buffer().set(i, updated.buffer().get(i));
                }
            }
        }
        steps++;
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
        this.lr = lr;
    }

    @Override
    public Map<String, Tensor> state() {
        Map<String, Tensor> s = new LinkedHashMap<>();
        velocity.forEach((k, v) -> s.put("velocity." + k, v));
        s.put("steps", Tensor.scalar(steps, DType.FLOAT64));
        return s;
    }

    @Override
    public void loadState(Map<String, Tensor> state) {
        velocity.clear();
        state.forEach((k, v) -> {
            if (k.startsWith("velocity.")) {
                velocity.put(k.substring("velocity.".length()), v);
            }
        });
        steps = (long) state.get("steps").item();
    }
}
