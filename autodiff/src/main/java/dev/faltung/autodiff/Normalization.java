package dev.faltung.autodiff;

import dev.faltung.kernel.Buffer;
import dev.faltung.kernel.Kernels;
import java.util.Arrays;

/**
 * Batch normalisation as one differentiable operation over axis 1 of {@code x [N, C, ...]},
 * with the semantics of {@code torch.nn.functional.batch_norm}. Forward and backward are a few
 * passes over {@code x} each, with per-channel coefficients computed in double in between:
 * <ul>
 *   <li>forward: the batch's mean and biased variance per channel ({@link Kernels#moments}),
 *       then {@code y = x·a[c] + b[c]} with {@code a = w/√(var+ε)}, {@code b = β - μ·a};</li>
 *   <li>backward (with {@code M} values per channel and {@code x̂ = (x-μ)/√(var+ε)}):
 *       {@code dβ = Σ dy}, {@code dw = Σ dy·x̂} and
 *       {@code dx = a·(dy - Σdy/M - x̂·Σ(dy·x̂)/M)}, again {@code dx = dy·a + x·p + q} per channel.</li>
 * </ul>
 * The passes are the kernels' {@link Kernels#moments}, {@link Kernels#channelSums} and
 * {@link Kernels#channelAffine}: forward reads {@code x} twice for the statistics and once for
 * {@code y}, backward reads {@code dy} and {@code x} once for the sums and once for {@code dx}.
 * Written out from tensor operations the same layer took about three times the passes and
 * temporaries, most of its time in a CNN with many normalised layers.
 */
public final class Normalization {

    private Normalization() {
    }

    /** A training-mode result: the output and the batch statistics (variance biased, as normalised with). */
    public record Training(Tensor output, Tensor mean, Tensor variance) {
    }

    /**
     * Normalises with the batch's own statistics; {@code weight} and {@code bias} are {@code [C]}
     * or null (no affine transform). Gradients flow to {@code x}, {@code weight} and {@code bias}.
     */
    public static Training batchNormTraining(Tensor x, Tensor weight, Tensor bias, double eps) {
        int[] s = check("batchNorm", x, weight, bias);
        int n = s[0], c = s[1], inner = s[2], m = n * inner;
        if (m <= 1) {
            throw new IllegalArgumentException("batchNorm: training needs more than one value per channel, got input "
                    + Shapes.str(x.shape()));
        }
        Tensor mean = Tensor.empty(x.dtype(), new int[] {c}), var = Tensor.empty(x.dtype(), new int[] {c});
        Compute.kernels().moments(x.buffer(), n, c, inner, mean.buffer(), var.buffer());
        double[] mu = mean.toDoubleArray(), invStd = new double[c], w = values(weight, c, 1), b = values(bias, c, 0);
        double[] scale = new double[c], shift = new double[c];
        for (int k = 0; k < c; k++) {
            invStd[k] = 1 / Math.sqrt(var.buffer().get(k) + eps);
            scale[k] = w[k] * invStd[k];
            shift[k] = b[k] - mu[k] * scale[k];
        }
        Tensor y = affine(x, scale, null, null, shift, s);
        Tensor out = Tensor.record("batchNorm", y, gy -> {
            // Σ dy and Σ dy·x per channel; Σ dy·x̂ = (Σ dy·x - μ·Σ dy)/σ.
            double[][] sums = channelSums(gy, x, s);
            double[] sumDy = sums[0], sumDyX = sums[1];
            double[] sumDyXhat = new double[c], a = new double[c], p = new double[c], q = new double[c];
            for (int k = 0; k < c; k++) {
                sumDyXhat[k] = (sumDyX[k] - mu[k] * sumDy[k]) * invStd[k];
                a[k] = scale[k];
                p[k] = -a[k] * invStd[k] * sumDyXhat[k] / m;
                q[k] = -a[k] * sumDy[k] / m + a[k] * invStd[k] * mu[k] * sumDyXhat[k] / m;
            }
            Tensor gx = x.requiresGrad() ? affine(gy, a, x, p, q, s) : null;
            Tensor gw = weight != null && weight.requiresGrad() ? vector(sumDyXhat, weight) : null;
            Tensor gb = bias != null && bias.requiresGrad() ? vector(sumDy, bias) : null;
            return new Tensor[] {gx, gw, gb};
        }, x, weight, bias);
        return new Training(out, mean, var);
    }

    /**
     * Normalises with given statistics ({@code [C]}, e.g. running averages, not differentiated):
     * {@code y = (x - mean)/√(var + ε)·w + β}. Gradients flow to {@code x}, {@code weight} and {@code bias}.
     */
    public static Tensor batchNormInference(Tensor x, Tensor mean, Tensor variance, Tensor weight, Tensor bias,
                                            double eps) {
        int[] s = check("batchNorm", x, weight, bias);
        int n = s[0], c = s[1], inner = s[2];
        double[] mu = values(mean, c, 0), v = values(variance, c, 1), w = values(weight, c, 1), b = values(bias, c, 0);
        double[] invStd = new double[c], scale = new double[c], shift = new double[c];
        for (int k = 0; k < c; k++) {
            invStd[k] = 1 / Math.sqrt(v[k] + eps);
            scale[k] = w[k] * invStd[k];
            shift[k] = b[k] - mu[k] * scale[k];
        }
        return Tensor.record("batchNorm", affine(x, scale, null, null, shift, s), gy -> {
            Tensor gx = x.requiresGrad() ? affine(gy, scale, null, null, null, s) : null;
            boolean wantW = weight != null && weight.requiresGrad(), wantB = bias != null && bias.requiresGrad();
            Tensor gw = null, gb = null;
            if (wantW || wantB) {
                double[][] sums = channelSums(gy, wantW ? x : null, s);
                if (wantW) {
                    // Σ dy·x̂ with x̂ = x·σ⁻¹ - μ·σ⁻¹
                    double[] g = new double[c];
                    for (int k = 0; k < c; k++) {
                        g[k] = (sums[1][k] - mu[k] * sums[0][k]) * invStd[k];
                    }
                    gw = vector(g, weight);
                }
                gb = wantB ? vector(sums[0], bias) : null;
            }
            return new Tensor[] {gx, gw, gb};
        }, x, weight, bias);
    }

    /** {@code [N, C, Π rest]} after checking the shapes and dtypes. */
    private static int[] check(String op, Tensor x, Tensor weight, Tensor bias) {
        int[] s = x.shape();
        if (s.length < 2) {
            throw new IllegalArgumentException(op + ": input must be [N, C, ...], got " + Shapes.str(s));
        }
        for (Tensor t : new Tensor[] {weight, bias}) {
            if (t != null) {
                x.requireSameDType(op, t);
                if (t.rank() != 1 || t.size(0) != s[1]) {
                    throw new IllegalArgumentException(op + ": weight and bias must be [" + s[1] + "] for input "
                            + Shapes.str(s) + ", got " + Shapes.str(t.shape()));
                }
            }
        }
        int inner = 1;
        for (int i = 2; i < s.length; i++) {
            inner *= s[i];
        }
        return new int[] {s[0], s[1], inner};
    }

    private static double[] values(Tensor t, int c, double absent) {
        if (t == null) {
            double[] d = new double[c];
            Arrays.fill(d, absent);
            return d;
        }
        if (t.numel() != c) {
            throw new IllegalArgumentException("batchNorm: per-channel statistics must have " + c + " values, got "
                    + Shapes.str(t.shape()));
        }
        return t.toDoubleArray();
    }

    /**
     * {@code t·a[c] + z·p[c] + b[c]} over {@code [N, C, inner]} in one pass, in {@code t}'s dtype
     * and shape ({@code z}, {@code p} null: no second term; {@code b} null: no shift).
     */
    private static Tensor affine(Tensor t, double[] a, Tensor z, double[] p, double[] b, int[] view) {
        Tensor out = Tensor.empty(t.dtype(), t.shape());
        Compute.kernels().channelAffine(t.buffer(), coefficients(a, t), z == null ? null : z.buffer(),
                coefficients(p, t), coefficients(b, t), view[0], view[1], view[2], out.buffer());
        return out;
    }

    private static Buffer coefficients(double[] v, Tensor like) {
        return v == null ? null : Tensor.of(v, v.length).to(like.dtype()).buffer();
    }

    /** Per-channel {@code Σ t} and (with {@code u}) {@code Σ t·u} over {@code [N, C, inner]}, in one pass, as doubles. */
    private static double[][] channelSums(Tensor t, Tensor u, int[] view) {
        Tensor sums = Tensor.empty(t.dtype(), new int[] {view[1]});
        Tensor dots = u == null ? null : Tensor.empty(t.dtype(), new int[] {view[1]});
        Compute.kernels().channelSums(t.buffer(), u == null ? null : u.buffer(), view[0], view[1], view[2],
                sums.buffer(), dots == null ? null : dots.buffer());
        return new double[][] {sums.toDoubleArray(), dots == null ? null : dots.toDoubleArray()};
    }

    private static Tensor vector(double[] v, Tensor like) {
        return Tensor.of(v, v.length).to(like.dtype());
    }
}
