package dev.faltung.kernel.conv;

import dev.faltung.kernel.DType;
import dev.faltung.kernel.Kernels;
import dev.faltung.kernel.reference.ReferenceKernels;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The planner resolves AUTO once per key, observably, and never to an algorithm that does not apply. */
class ConvPlannerTest {

    private static final Kernels REF = new ReferenceKernels();

    @Test
    void heuristicModeIsDeterministicAndFollowsItsRules() {
        ConvPlanner planner = new ConvPlanner(ConvPlanner.Mode.HEURISTIC);
        ConvGeometry tiny = ConvGeometry.of(1, 1, 4, 4, 1, 3, 3, 1, 1, Padding.VALID, 1, 1, 1);
        ConvGeometry wino = ConvGeometry.of(1, 16, 16, 16, 16, 3, 3, 1, 1, Padding.SAME, 1, 1, 1);
        ConvGeometry big = ConvGeometry.of(1, 4, 32, 32, 4, 9, 9, 1, 1, Padding.SAME, 1, 1, 1);
        ConvGeometry strided = ConvGeometry.of(1, 16, 16, 16, 16, 3, 3, 2, 2, Padding.SAME, 1, 1, 1);
        assertEquals(ConvAlgorithm.DIRECT, planner.resolve(REF, tiny, DType.FLOAT32, ConvDirection.FORWARD));
        assertEquals(ConvAlgorithm.WINOGRAD, planner.resolve(REF, wino, DType.FLOAT32, ConvDirection.FORWARD));
        assertEquals(ConvAlgorithm.IM2COL, planner.resolve(REF, wino, DType.FLOAT32, ConvDirection.BACKWARD_FILTER));
        assertEquals(ConvAlgorithm.FFT, planner.resolve(REF, big, DType.FLOAT64, ConvDirection.FORWARD));
        assertEquals(ConvAlgorithm.IM2COL, planner.resolve(REF, strided, DType.FLOAT64, ConvDirection.BACKWARD_DATA));
        var skipped = planner.choice(REF, strided, DType.FLOAT64, ConvDirection.BACKWARD_DATA).orElseThrow().skipped();
        assertEquals("winograd needs stride 1, got 2x2", skipped.get(ConvAlgorithm.WINOGRAD));
    }

    @Test
    void benchmarkModeTimesEveryApplicableAlgorithmOnceAndCaches() {
        ConvPlanner planner = new ConvPlanner(ConvPlanner.Mode.BENCHMARK);
        List<ConvPlanner.Choice> seen = new ArrayList<>();
        planner.addListener(seen::add);
        ConvGeometry g = ConvGeometry.of(1, 2, 9, 9, 3, 7, 7, 1, 1, Padding.SAME, 1, 1, 1);
        ConvAlgorithm a = planner.resolve(REF, g, DType.FLOAT32, ConvDirection.FORWARD);
        assertSame(a, planner.resolve(REF, g, DType.FLOAT32, ConvDirection.FORWARD));
        assertEquals(1, seen.size(), "one choice per key, cached");
        ConvPlanner.Choice c = seen.get(0);
        assertEquals(a, c.algorithm());
        assertEquals(java.util.Set.of(ConvAlgorithm.DIRECT, ConvAlgorithm.IM2COL, ConvAlgorithm.FFT), c.nanos().keySet());
        assertEquals("winograd needs a 3x3 or 5x5 kernel, got 7x7", c.skipped().get(ConvAlgorithm.WINOGRAD));
        assertTrue(c.nanos().get(a) <= c.nanos().values().stream().mapToLong(Long::longValue).min().orElseThrow());
        assertEquals(ReferenceKernels.class.getName(), c.key().backend());
        planner.resolve(REF, g, DType.FLOAT64, ConvDirection.FORWARD);
        assertEquals(2, seen.size(), "dtype is part of the key");
    }

    @Test
    void benchmarkModeDoesNotTimeFftOnKernelsBelowSevenBySeven() {
        ConvPlanner planner = new ConvPlanner(ConvPlanner.Mode.BENCHMARK);
        ConvGeometry g = ConvGeometry.of(1, 2, 9, 9, 3, 5, 5, 1, 1, Padding.SAME, 1, 1, 1);
        planner.resolve(REF, g, DType.FLOAT32, ConvDirection.FORWARD);
        ConvPlanner.Choice c = planner.choice(REF, g, DType.FLOAT32, ConvDirection.FORWARD).orElseThrow();
        assertEquals(java.util.Set.of(ConvAlgorithm.DIRECT, ConvAlgorithm.IM2COL), c.nanos().keySet());
        assertEquals("kernels below 7x7 are never faster by FFT", c.skipped().get(ConvAlgorithm.FFT));
        assertEquals("5x5 winograd needs C/G*K/G >= 1024 and outputs of 4x4 or more to repay its transforms",
                c.skipped().get(ConvAlgorithm.WINOGRAD));
        ConvGeometry wide = ConvGeometry.of(1, 32, 6, 6, 32, 5, 5, 1, 1, Padding.SAME, 1, 1, 1);
        planner.resolve(REF, wide, DType.FLOAT32, ConvDirection.FORWARD);
        assertTrue(planner.choice(REF, wide, DType.FLOAT32, ConvDirection.FORWARD).orElseThrow().nanos()
                .containsKey(ConvAlgorithm.WINOGRAD), "32x32 channels: timed");
        ConvGeometry dilated = ConvGeometry.of(1, 2, 15, 15, 3, 3, 3, 1, 1, Padding.SAME, 3, 3, 1);
        planner.resolve(REF, dilated, DType.FLOAT32, ConvDirection.FORWARD);
        assertTrue(planner.choice(REF, dilated, DType.FLOAT32, ConvDirection.FORWARD).orElseThrow().nanos()
                .containsKey(ConvAlgorithm.FFT), "a 3x3 kernel dilated by 3 spans 7x7");
    }

    @Test
    void aRememberedChoiceIsTakenAtFirstUseWithoutTimingAndOnlyForItsKey() {
        ConvPlanner planner = new ConvPlanner(ConvPlanner.Mode.BENCHMARK);
        List<ConvPlanner.Choice> seen = new ArrayList<>();
        planner.addListener(seen::add);
        ConvGeometry g = ConvGeometry.of(1, 2, 9, 9, 3, 5, 5, 1, 1, Padding.SAME, 1, 1, 1);
        ConvGeometry other = ConvGeometry.of(1, 2, 9, 9, 4, 7, 7, 1, 1, Padding.SAME, 1, 1, 1);
        String backend = ReferenceKernels.class.getName();
        ConvPlanner.Key key = new ConvPlanner.Key(backend, g, DType.FLOAT32, ConvDirection.FORWARD);
        ConvPlanner.Key winograd = new ConvPlanner.Key(backend, other, DType.FLOAT32, ConvDirection.FORWARD);
        planner.remember(java.util.Map.of(key, ConvAlgorithm.IM2COL, winograd, ConvAlgorithm.WINOGRAD));
        assertTrue(planner.choices().isEmpty(), "nothing is chosen before a key is met");

        assertEquals(ConvAlgorithm.IM2COL, planner.resolve(REF, g, DType.FLOAT32, ConvDirection.FORWARD));
        assertEquals(ConvPlanner.Mode.PINNED, seen.get(0).mode());
        assertTrue(seen.get(0).nanos().isEmpty(), "taken, not timed");
        // Winograd does not apply to 7x7, so that memory was dropped and the key is timed.
        planner.resolve(REF, other, DType.FLOAT32, ConvDirection.FORWARD);
        assertEquals(ConvPlanner.Mode.BENCHMARK, seen.get(1).mode());
        assertEquals(java.util.Set.of(key.geometry(), other), planner.choices().keySet().stream()
                .map(ConvPlanner.Key::geometry).collect(java.util.stream.Collectors.toSet()));

        ConvPlanner rules = new ConvPlanner(ConvPlanner.Mode.HEURISTIC);
        rules.remember(java.util.Map.of(key, ConvAlgorithm.IM2COL));
        assertEquals(ConvAlgorithm.DIRECT, rules.resolve(REF, g, DType.FLOAT32, ConvDirection.FORWARD),
                "heuristic mode keeps to its rules");
    }

    @Test
    void modeParsesTheSystemPropertyValues() {
        assertEquals(ConvPlanner.Mode.HEURISTIC, ConvPlanner.Mode.parse(" Heuristic"));
        assertEquals(ConvPlanner.Mode.BENCHMARK, ConvPlanner.Mode.parse("benchmark"));
        var e = assertThrows(IllegalArgumentException.class, () -> ConvPlanner.Mode.parse("fastest"));
        assertEquals("faltung.conv.auto='fastest': expected benchmark or heuristic", e.getMessage());
    }
}
