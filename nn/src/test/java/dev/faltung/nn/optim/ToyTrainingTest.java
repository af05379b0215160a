package dev.faltung.nn.optim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faltung.autodiff.Tensor;
import dev.faltung.kernel.DType;
import dev.faltung.nn.layers.Dense;
import dev.faltung.nn.layers.ReLU;
import dev.faltung.nn.layers.Sequential;
import dev.faltung.nn.loss.Losses;
import org.junit.jupiter.api.Test;

class ToyTrainingTest {

    /** XOR-like: the class is whether x and y have the same sign, which no linear model separates. */
    @Test
    void aSmallMlpLearnsANonLinearProblem() {
        int n = 64;
        Tensor x = Tensor.uniform(11, -1, 1, DType.FLOAT32, n, 2);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = x.get(i, 0) * x.get(i, 1) > 0 ? 1 : 0;
        }
        Sequential model = new Sequential(new Dense(2, 16, 1), new ReLU(), new Dense(16, 2, 2));
        Adam adam = new Adam(model.namedParameters(), 0.05);
        double first = 0, last = 0;
        for (int epoch = 0; epoch < 150; epoch++) {
            adam.zeroGrad();
            Tensor loss = Losses.crossEntropy(model.forward(x), labels);
            loss.backward();
            adam.step();
            if (epoch == 0) {
                first = loss.item();
            }
            last = loss.item();
        }
        assertTrue(last < 0.5 * first && last < 0.35, "loss went from " + first + " to " + last);
        int[] predicted = model.forward(x).argmax(1);
        int correct = 0;
        for (int i = 0; i < n; i++) {
            correct += predicted[i] == labels[i] ? 1 : 0;
        }
        assertTrue(correct >= 0.9 * n, correct + "/" + n + " correct");
    }
}
