package dev.faltung.proofs.opencl;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.faltung.autodiff.Compute;
import dev.faltung.autodiff.Tensor;
import dev.faltung.kernel.Backend;
import dev.faltung.kernel.Backends;
import dev.faltung.nn.Module;
import dev.faltung.nn.data.Augmentation;
import dev.faltung.nn.data.Batch;
import dev.faltung.nn.data.DataLoader;
import dev.faltung.nn.data.IdxDatasets;
import dev.faltung.nn.data.LabelledImages;
import dev.faltung.nn.data.Normalisation;
import dev.faltung.nn.data.SyntheticShapes;
import dev.faltung.nn.optim.Adam;
import dev.faltung.nn.zoo.Models;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The Fashion-MNIST benchmark CNN ({@code fmnist-cnn}: two 5×5 conv+ReLU+max-pool stages,
 * dense 1024, dropout) trained with Adam (lr 1e-3) on the reference backend and on OpenCL
 * (every float32 op on the device), from the same initial weights, batches and dropout masks.
 * Fashion-MNIST when installed, else the embedded shapes. The OpenCL run must follow the
 * reference's loss curve:
 * <ul>
 *   <li>the first {@value #AGREEING_STEPS} steps within {@value #AGREEMENT} of the reference's
 *       loss (seen: under 1e-6 after 30 steps);</li>
 *   <li>every mean over {@value #WINDOW} steps within {@value #WINDOW_TOLERANCE} (seen: 0.008
 *       in 200 steps of 16 Fashion-MNIST images);</li>
 *   <li>every single step within {@value #STEP_TOLERANCE} (seen: 0.09 at step 178);</li>
 *   <li>and the loss must actually fall (the last window below 75% of the first), so the
 *       comparison is of a run that learns.</li>
 * </ul>
 * The two backends round differently (double sums without FMA against float sums with it), and
 * training amplifies such differences: after some 50 steps the two runs are different (equally
 * good) trajectories, and single-batch losses differ by the noise between batches while the
 * curves, averaged over a window, still coincide. A wrong gradient or kernel moves the curve in
 * the first few steps, far beyond {@value #AGREEMENT}.
 */
class OpenClTrainingTest {

    static final int AGREEING_STEPS = 30;
    static final double AGREEMENT = 2e-3;
    static final double WINDOW_TOLERANCE = 0.03;
    static final double STEP_TOLERANCE = 0.25;
    static final int WINDOW = 10;
    private static final long SEED = 42;

    /** The default run: 30 steps of 8 images (about 25 s on two cores). */
    @Test
    void thirtyStepsOnOpenClFollowTheReferenceLossCurve() {
        compare(30, 8);
    }

    /** The full run: 200 steps of 16 images (about 3 minutes on two cores). */
    @Tag("long")
    @Test
    void twoHundredStepsOnOpenClFollowTheReferenceLossCurve() {
        compare(200, 16);
    }

    private static void compare(int steps, int batch) {
        Backend opencl = DeviceUnderTest.backend();
        Backend reference = Backends.get("reference");
        LabelledImages data = data(steps * batch);
        long t0 = System.nanoTime();
        double[] want = train(reference, data, steps, batch);
        long t1 = System.nanoTime();
        double[] got = train(opencl, data, steps, batch);
        long t2 = System.nanoTime();
        String curves = "\nreference " + format(want) + "\nopencl    " + format(got);
        for (int t = 0; t < steps; t++) {
            double tol = t < AGREEING_STEPS ? AGREEMENT : STEP_TOLERANCE;
            if (!(Math.abs(got[t] - want[t]) <= tol)) {
                fail("opencl loss at step " + t + " is " + got[t] + ", reference " + want[t] + " (tolerance " + tol
                        + ")" + curves);
            }
        }
        for (int t = 0; t + WINDOW <= steps; t += WINDOW) {
            double a = mean(want, t), b = mean(got, t);
            if (!(Math.abs(a - b) <= WINDOW_TOLERANCE)) {
                fail("opencl mean loss over steps " + t + ".." + (t + WINDOW - 1) + " is " + b + ", reference " + a
                        + " (tolerance " + WINDOW_TOLERANCE + ")" + curves);
            }
        }
        double first = mean(want, 0), last = mean(want, steps - WINDOW);
        assertTrue(last < 0.75 * first, "the reference run did not learn (first window " + first + ", last " + last
                + "), so the comparison proves little" + curves);
        System.out.println(String.format(Locale.ROOT, "OpenClTrainingTest %d steps of %d: reference %.1f s, opencl %.1f s,"
                + " max |loss difference| %.2e", steps, batch, (t1 - t0) / 1e9, (t2 - t1) / 1e9, maxDiff(want, got)) + curves);
    }

    /** The first {@code n} training images of Fashion-MNIST if installed, else of the embedded shapes. */
    private static LabelledImages data(int n) {
        try {
            IdxDatasets.resolve("fashion-mnist");
            return IdxDatasets.load("fashion-mnist").train().head(n);
        } catch (FileNotFoundException notInstalled) {
            return SyntheticShapes.images(n, SEED, 0);
        } catch (IOException e) {
            throw new AssertionError("Fashion-MNIST is installed but unreadable: " + e, e);
        }
    }

    /** The loss of every step; the model is built on the reference backend so both runs start from the same weights. */
    private static double[] train(Backend backend, LabelledImages data, int steps, int batch) {
        Module model;
        try (Compute s = Compute.use(Backends.get("reference"))) {
            model = Models.create("fmnist-cnn", data.imageShape(), 10, SEED);
        }
        DataLoader loader = new DataLoader(data, batch, true, SEED, Augmentation.NONE, Normalisation.fit(data));
        double[] losses = new double[steps];
        try (Compute s = Compute.use(backend)) {
            model.train(true);
            Adam adam = new Adam(model.namedParameters(), 1e-3);
            for (int t = 0; t < steps; t++) {
                Batch b = loader.batch(t / loader.batchCount(), t % loader.batchCount());
                Tensor loss = model.forward(Tensor.of(b.images(), b.shape())).crossEntropy(b.labels());
                loss.backward();
                adam.step();
                adam.zeroGrad();
                losses[t] = loss.item();
            }
        }
        return losses;
    }

    private static double mean(double[] v, int from) {
        return Arrays.stream(v, from, from + WINDOW).average().orElseThrow();
    }

    private static double maxDiff(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    private static String format(double[] v) {
        StringBuilder s = new StringBuilder();
        for (double d : v) {
            s.append(String.format(Locale.ROOT, " %.3f", d));
        }
        return s.toString();
    }
}
