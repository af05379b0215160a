package dev.faltung.proofs.readme;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faltung.autodiff.ConvSpec;
import dev.faltung.autodiff.Convolution;
import dev.faltung.autodiff.Tensor;
import dev.faltung.autodiff.TensorArena;
import dev.faltung.kernel.DType;
import dev.faltung.kernel.conv.ConvAlgorithm;
import dev.faltung.kernel.conv.Padding;
import dev.faltung.nn.Module;
import dev.faltung.nn.optim.Adam;
import dev.faltung.nn.zoo.Models;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's code, verbatim, with its commented results asserted. Keep the two in step. */
class ReadmeExamplesTest {

    @Test
    void autodiffTour() {
        Tensor x = Tensor.of(new double[] {1, 2, 3}, 3).requiresGrad(true);
        Tensor y = x.mul(x).sum();                 // 1 + 4 + 9
        y.backward();
        assertEquals(14.0, y.item());
        assertArrayEquals(new double[] {2.0, 4.0, 6.0}, x.grad().toDoubleArray());
    }

    @Test
    void convolutionTour() {
        Tensor image = Tensor.of(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3);   // [N, C, H, W]
        Tensor kernel = Tensor.of(new double[] {1, 0, 0, -1}, 1, 1, 2, 2);                // [K, C, R, S]
        assertArrayEquals(new double[] {-4, -4, -4, -4},
                Convolution.conv2d(image, kernel, null, ConvSpec.DEFAULT).toDoubleArray());
        ConvSpec same = ConvSpec.DEFAULT.withPadding(Padding.SAME).withAlgorithm(ConvAlgorithm.FFT);
        assertArrayEquals(new int[] {1, 1, 3, 3}, Convolution.conv2d(image, kernel, null, same).shape());
    }

    @Test
    void oneTrainingStepByHand() {
        Module model = Models.create("lenet5", new int[] {1, 28, 28}, 10, 42);   // input C,H,W; classes; seed
        Adam adam = new Adam(model.namedParameters(), 1e-3);
        Tensor images = Tensor.uniform(7, 0, 1, DType.FLOAT32, 8, 1, 28, 28);
        Tensor loss = model.forward(images).crossEntropy(new int[] {0, 1, 2, 3, 4, 5, 6, 7});
        loss.backward();
        Tensor before = model.namedParameters().values().iterator().next().copy();
        adam.step();
        adam.zeroGrad();
        assertTrue(Double.isFinite(loss.item()));
        Tensor after = model.namedParameters().values().iterator().next();
        assertTrue(before.sub(after).abs().max().item() > 0, "Adam changed the first parameter");
    }

    @Test
    void aLoopOfStepsInATensorArena() {
        Module model = Models.create("lenet5", new int[] {1, 28, 28}, 10, 42);
        Adam adam = new Adam(model.namedParameters(), 1e-3);
        Tensor images = Tensor.uniform(7, 0, 1, DType.FLOAT32, 8, 1, 28, 28);
        double[] losses = new double[3];
        try (TensorArena arena = TensorArena.open()) {
            for (int step = 0; step < 3; step++) {
                Tensor l = model.forward(images).crossEntropy(new int[] {0, 1, 2, 3, 4, 5, 6, 7});
                double value = l.item();                 // read results before the step ends
                l.backward();
                adam.step();
                adam.zeroGrad();
                arena.recycle(model.parameters());      // every other tensor of the step is now dead
                losses[step] = value;
            }
        }
        assertTrue(losses[2] < losses[0], "the loss falls on a fixed batch: " + java.util.Arrays.toString(losses));
    }

    @Test
    void theReadmeStillContainsTheseSnippets() throws IOException {
        Path readme = Path.of("..", "README.md");
        String text = Files.readString(readme);
        for (String line : new String[] {
            "Tensor x = Tensor.of(new double[] {1, 2, 3}, 3).requiresGrad(true);",
            "Tensor kernel = Tensor.of(new double[] {1, 0, 0, -1}, 1, 1, 2, 2);",
            "ConvSpec same = ConvSpec.DEFAULT.withPadding(Padding.SAME).withAlgorithm(ConvAlgorithm.FFT);",
            "Module model = Models.create(\"lenet5\", new int[] {1, 28, 28}, 10, 42);",
            "Adam adam = new Adam(model.namedParameters(), 1e-3);",
            "try (TensorArena arena = TensorArena.open()) {",
            "        arena.recycle(model.parameters());      // every other tensor of the step is now dead",
        }) {
            assertTrue(text.contains(line), "README.md lost the snippet: " + line);
        }
    }
}
