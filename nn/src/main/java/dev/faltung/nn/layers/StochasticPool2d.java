package dev.faltung.nn.layers;

import dev.faltung.autodiff.ConvSpec;
import dev.faltung.autodiff.Convolution;
import dev.faltung.autodiff.NoGrad;
import dev.faltung.autodiff.Tensor;
import dev.faltung.kernel.random.CounterRandom;
import java.util.Arrays;

/**
 * Stochastic pooling of Zeiler &amp; Fergus 2013 over non-negative activations {@code [N,C,H,W]}
 * (put it after a ReLU). In each window the probabilities are {@code p_i = a_i / Σ_k a_k}. In
 * training one activation per window is sampled with probability {@code p_i} and passed on (the
 * gradient flows to it alone); in evaluation the output is the probability-weighted average
 * {@code Σ p_i a_i = Σ a_i² / Σ a_i}. An all-zero window outputs 0.
 *
 * <p>Samples come from the counter-based stream {@code seed}; every training forward advances a
 * step counter by the number of windows, so a run is reproducible and {@link #setStep} replays it.
 * Windows are extracted by a convolution with one-hot filters, so they may overlap.
 */
public final class StochasticPool2d extends Layer {

    private final PoolSpec spec;
    private final long seed;
    private long step;

    public StochasticPool2d(int kernel, int stride, long seed) {
        this.spec = new PoolSpec(kernel, kernel, stride, stride, 0, 0, false);
        this.seed = seed;
    }

    /** The random-stream position the next training forward starts at. */
    public long step() {
        return step;
    }

    public void setStep(long step) {
        this.step = step;
    }

    @Override
    public Tensor forward(Tensor x) {
        int[] os = outputShape(x.shape());
        int[] s = x.shape();
        int kk = spec.kernelH() * spec.kernelW();
        Tensor taps = Tensor.zeros(x.dtype(), kk, 1, spec.kernelH(), spec.kernelW());
        for (int i = 0; i < kk; i++) {
            taps.set(1.0, i, 0, i / spec.kernelW(), i % spec.kernelW());
        }
        // [N·C, kk, oh, ow]: window element i of every output position, in channel i.
        Tensor patches = Convolution.conv2d(x.reshape(s[0] * s[1], 1, s[2], s[3]), taps, null,
                ConvSpec.DEFAULT.withStride(spec.strideH(), spec.strideW()));
        double[] v = patches.detach().toDoubleArray();
        for (int i = 0; i < v.length; i++) {
            if (v[i] < 0 || Double.isNaN(v[i])) {
                throw new IllegalArgumentException("StochasticPool2d: activations must be non-negative (put it after a "
                        + "ReLU), found " + v[i] + " in input " + Arrays.toString(s));
            }
        }
        Tensor y;
        if (isTraining()) {
            int windows = v.length / kk;
            int plane = os[2] * os[3];
            double[] pick = new double[v.length];
            for (int w = 0; w < windows; w++) {
                int base = (w / plane) * kk * plane + w % plane;
                double total = 0;
                for (int i = 0; i < kk; i++) {
                    total += v[base + i * plane];
                }
                if (total <= 0) {
                    continue;
                }
                double u = CounterRandom.uniform(seed, step + w) * total;
                int chosen = kk - 1;
                double cumulative = 0;
                for (int i = 0; i < kk; i++) {
                    cumulative += v[base + i * plane];
                    if (u < cumulative) {
                        chosen = i;
                        break;
                    }
                }
                pick[base + chosen * plane] = 1.0;
            }
            step += windows;
            y = patches.mul(Tensor.of(pick, patches.shape()).to(x.dtype())).sum(1);
        } else {
            Tensor total = patches.sum(1);
            Tensor safe;
            try (NoGrad ignored = NoGrad.enter()) {
                safe = total.eq(Tensor.zeros(x.dtype()));
            }
            y = patches.square().sum(1).div(total.add(safe));
        }
        return y.reshape(os);
    }

    @Override
    public int[] outputShape(int[] s) {
        return spec.outputShape(this, s, false);
    }

    @Override
    protected String describe() {
        return spec + ", seed=" + seed;
    }
}
