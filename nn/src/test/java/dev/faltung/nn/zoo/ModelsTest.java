package dev.faltung.nn.zoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faltung.autodiff.NoGrad;
import dev.faltung.autodiff.Tensor;
import dev.faltung.kernel.DType;
import dev.faltung.nn.Module;
import dev.faltung.nn.Summary;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelsTest {

    private static long count(String name, int[] shape, int classes) {
        return Models.create(name, shape, classes, 1).parameterCount();
    }

    @Test
    void lenet5HasThePublishedParameterCountAtBothInputSizes() {
        assertEquals(61_706, count("lenet5", new int[] {1, 32, 32}, 10));
        assertEquals(61_706, count("lenet5", new int[] {1, 28, 28}, 10));
    }

    @Test
    void lenet5WithBatchNormTradesTheConvolutionBiasesForNormAffines() {
        // Convolutions without bias (61,706 - 6 - 16 - 120) plus scale and shift of 6 + 16 + 120 channels.
        assertEquals(61_706 - 142 + 284, count("lenet5-bn", new int[] {1, 28, 28}, 10));
    }

    @Test
    void resnet18MatchesTorchvision() {
        assertEquals(11_689_512, count("resnet18", new int[] {3, 224, 224}, 1000));
    }

    @Test
    void alexnetMatchesTorchvision() {
        assertEquals(61_100_840, count("alexnet", new int[] {3, 224, 224}, 1000));
    }

    @Test
    void vgg16MatchesTorchvision() {
        assertEquals(138_357_544, count("vgg16", new int[] {3, 224, 224}, 1000));
    }

    @Test
    void resnet20IsTheCifarSizedNetwork() {
        // 269,722 with the paper's zero-padding shortcuts; the two projection shortcuts add 2,752.
        assertEquals(272_474, count("resnet20", new int[] {3, 32, 32}, 10));
    }

    @Test
    void namesAndDescriptionsAreListed() {
        List<String> names = Models.names();
        assertEquals(List.of("lenet5", "lenet5-bn", "fmnist-cnn", "alexnet", "alexnet-small", "vgg11", "vgg13", "vgg16", "vgg19",
                "resnet18", "resnet20", "googlenet-mini", "textcnn"), names);
        for (String n : names) {
            assertFalse(Models.description(n).isBlank(), n);
        }
        var e = assertThrows(IllegalArgumentException.class, () -> Models.create("lenet6", new int[] {1, 28, 28}, 10, 0));
        assertTrue(e.getMessage().contains("lenet5"), e.getMessage());
    }

    @Test
    void tooSmallInputsAreRejectedNamingTheModel() {
        var e = assertThrows(IllegalArgumentException.class, () -> Models.create("alexnet", new int[] {3, 32, 32}, 10, 0));
        assertTrue(e.getMessage().startsWith("alexnet"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({
        "lenet5, 1, 28, 28", "lenet5, 1, 32, 32", "fmnist-cnn, 1, 28, 28", "resnet20, 1, 28, 28", "resnet20, 3, 32, 32", "googlenet-mini, 3, 32, 32",
        "googlenet-mini, 1, 28, 28"
    })
    void smallModelsMapABatchToClassScores(String name, int c, int h, int w) {
        forwardShape(name, new int[] {c, h, w}, 7);
    }

    @Test
    void textcnnMapsTokenIdsToClassScores() {
        Module m = Models.create("textcnn", new int[] {50, 12}, 3, 5);
        Tensor tokens = Tensor.uniform(9, 0, 50, DType.FLOAT32, 2, 12).add(0.0);
        double[] ids = tokens.toDoubleArray();
        for (int i = 0; i < ids.length; i++) {
            ids[i] = Math.floor(ids[i]);
        }
        Tensor y = m.forward(Tensor.of(ids, 2, 12));
        assertArrayEquals(new int[] {2, 3}, y.shape());
    }

    @ParameterizedTest
    @CsvSource({"alexnet-small, 3, 32, 32", "alexnet-small, 1, 28, 28"})
    void shapeInferenceCoversTheHeavierSmallInputModels(String name, int c, int h, int w) {
        Module m = Models.create(name, new int[] {c, h, w}, 7, 3);
        assertArrayEquals(new int[] {1, 7}, Summary.of(m, c, h, w).outputShape());
    }

    @ParameterizedTest
    @CsvSource({"alexnet-small, 3, 32, 32", "alexnet-small, 1, 28, 28", "vgg11, 3, 32, 32", "vgg13, 1, 28, 28", "vgg16, 3, 32, 32", "vgg19, 3, 32, 32", "alexnet, 3, 64, 64"})
    @Tag("long")
    void largeModelsMapASmallBatchToClassScores(String name, int c, int h, int w) {
        forwardShape(name, new int[] {c, h, w}, 5);
    }

    @ParameterizedTest
    @CsvSource({"vgg16", "alexnet", "resnet18"})
    @Tag("long")
    void imagenetSizedForward(String name) {
        forwardShape(name, new int[] {3, 224, 224}, 1000);
    }

    private static void forwardShape(String name, int[] shape, int classes) {
        Module m = Models.create(name, shape, classes, 3);
        Tensor x = Tensor.normal(4, 0, 1, DType.FLOAT32, 2, shape[0], shape[1], shape[2]);
        for (boolean training : new boolean[] {true, false}) {
            m.train(training);
            try (NoGrad ignored = NoGrad.enter()) {
                assertArrayEquals(new int[] {2, classes}, m.forward(x).shape(), name + " training=" + training);
            }
        }
        assertArrayEquals(new int[] {1, classes}, Summary.of(m, shape).outputShape(), name + " summary");
    }

    @Test
    void summaryListsLayersShapesAndTotals() {
        Module m = Models.create("lenet5", new int[] {1, 32, 32}, 10, 0);
        Summary s = Summary.of(m, 1, 32, 32);
        assertEquals(61_706, s.parameters());
        assertEquals("features.0", s.rows().get(0).name());
        assertArrayEquals(new int[] {1, 6, 28, 28}, s.rows().get(0).outputShape());
        assertEquals(156, s.rows().get(0).parameters());
        assertEquals(s.parameters(), s.rows().stream().mapToLong(Summary.Row::parameters).sum());
        String text = s.toString();
        assertTrue(text.contains("[N, 6, 28, 28]") && text.contains("61,706"), text);
    }
}
