package dev.faltung.nn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faltung.kernel.DType;
import dev.faltung.kernel.conv.ConvAlgorithm;
import dev.faltung.kernel.conv.ConvDirection;
import dev.faltung.kernel.conv.ConvGeometry;
import dev.faltung.kernel.conv.ConvPlanner;
import dev.faltung.kernel.conv.Padding;
import dev.faltung.kernel.reference.ReferenceKernels;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConvChoicesTest {

    private static final ReferenceKernels REF = new ReferenceKernels();
    private static final ConvGeometry G = ConvGeometry.of(2, 3, 9, 9, 4, 3, 3, 2, 1, Padding.of(1, 0, 2, 1), 1, 2, 1);

    @Test
    void choicesSurviveTheRoundTripAndAResumedPlannerUsesThemWithoutTiming() {
        ConvPlanner.Key key = new ConvPlanner.Key(REF.getClass().getName(), G, DType.FLOAT32, ConvDirection.BACKWARD_DATA);
        String json = ConvChoices.toJson(List.of(new ConvPlanner.Choice(key, ConvAlgorithm.FFT,
                ConvPlanner.Mode.BENCHMARK, Map.of(), Map.of())));
        Map<ConvPlanner.Key, ConvAlgorithm> parsed = ConvChoices.parse(json);
        assertEquals(Map.of(key, ConvAlgorithm.FFT), parsed);

        ConvPlanner resumed = new ConvPlanner(ConvPlanner.Mode.BENCHMARK);
        ConvChoices.pin(parsed, resumed);
        assertEquals(ConvAlgorithm.FFT, resumed.resolve(REF, G, DType.FLOAT32, ConvDirection.BACKWARD_DATA));
        assertEquals(ConvPlanner.Mode.PINNED,
                resumed.choice(REF, G, DType.FLOAT32, ConvDirection.BACKWARD_DATA).orElseThrow().mode());
    }

    @Test
    void aBadEntryIsNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> ConvChoices.parse(
                "[{\"backend\": \"x\", \"dtype\": \"float32\", \"direction\": \"forward\", \"geometry\": [1, 2],"
                        + " \"algorithm\": \"direct\"}]"));
        assertTrue(e.getMessage().contains("conv_algorithms entry 0") && e.getMessage().contains("16 integers"),
                e.getMessage());
        var pin = assertThrows(IllegalArgumentException.class, () -> new ConvPlanner(ConvPlanner.Mode.BENCHMARK)
                .pin(new ConvPlanner.Key("x", G, DType.FLOAT32, ConvDirection.FORWARD), ConvAlgorithm.WINOGRAD));
        assertTrue(pin.getMessage().contains("winograd does not apply"), pin.getMessage());
    }
}
