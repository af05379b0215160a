package dev.faltung.proofs.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.faltung.autodiff.GradCheck;
import dev.faltung.autodiff.Tensor;
import dev.faltung.kernel.DType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every differentiable tensor operation's backward rule agrees with central differences on
 * random shapes: in float64 tightly, and in float32 (forward and backward run in float32,
 * compared with the float64 numeric derivative) loosely.
 */
class GradientProofs {

    /** Tensor methods that return tensors but have no gradient to check, with the reason. */
    private static final Set<String> NOT_DIFFERENTIABLE = Set.of(
            "gt", "eq", "sign",                 // step functions: gradient zero almost everywhere
            "detach", "copy", "grad",           // no history by definition
            "requiresGrad",                     // a property setter
            "of", "scalar", "zeros", "ones", "full", "uniform", "normal", "bernoulli"); // constructors

    @TestFactory
    Iterable<DynamicTest> gradientsAgreeWithCentralDifferencesInFloat64() {
        return OpSpecs.ALL.stream().map(spec -> DynamicTest.dynamicTest(spec.name(), () ->
                qt().withExamples(12).withShrinkCycles(20)
                        .forAll(integers().between(1, 3), integers().between(1, 4), integers().between(0, 7), longs().all())
                        .checkAssert((rank, dim, variant, seed) -> {
                            Tensor[] inputs = inputs(spec, rank, dim, variant, seed, DType.FLOAT64);
                            GradCheck.check(spec.op(), 1e-6, 1e-7, 1e-5, inputs);
                        }))).toList();
    }

    @TestFactory
    Iterable<DynamicTest> float32GradientsAreCloseToFloat64() {
        return OpSpecs.ALL.stream().map(spec -> DynamicTest.dynamicTest(spec.name(), () ->
                qt().withExamples(8).withShrinkCycles(20)
                        .forAll(integers().between(1, 3), integers().between(1, 4), integers().between(0, 7), longs().all())
                        .checkAssert((rank, dim, variant, seed) -> {
                            Tensor[] x64 = inputs(spec, rank, dim, variant, seed, DType.FLOAT64);
                            Tensor[] x32 = new Tensor[x64.length];
                            for (int i = 0; i < x64.length; i++) {
                                x32[i] = x64[i].detach().to(DType.FLOAT32).requiresGrad(true);
                            }
                            Tensor y64 = spec.op().apply(x64);
                            Tensor y32 = spec.op().apply(x32);
                            Approx.assertClose(spec.name() + " forward", y64, y32, 2e-5);
                            y64.mul(Tensor.normal(3, 0, 1, DType.FLOAT64, y64.shape())).sum().backward();
                            y32.mul(Tensor.normal(3, 0, 1, DType.FLOAT32, y32.shape())).sum().backward();
                            for (int i = 0; i < x64.length; i++) {
                                Approx.assertClose(spec.name() + " gradient of input " + i, x64[i].grad(), x32[i].grad(), 1e-4);
                            }
                        }))).toList();
    }

    static Tensor[] inputs(OpSpec spec, int rank, int dim, int variant, long seed, DType dtype) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] base = new int[rank];
        for (int i = 0; i < rank; i++) {
            base[i] = 1 + (dim + i * 2) % 4;
        }
        int[][] shapes = spec.shapes().shapes(base, variant);
        Tensor[] x = new Tensor[shapes.length];
        for (int i = 0; i < shapes.length; i++) {
            x[i] = spec.domain().make(rnd, dtype, shapes[i]).requiresGrad(true);
        }
        return x;
    }

    @Test
    void everyDifferentiableTensorMethodHasASpec() {
        Set<String> covered = OpSpecs.ALL.stream().map(OpSpec::covers).collect(Collectors.toSet());
        Set<String> missing = new TreeSet<>();
        for (Method m : Tensor.class.getMethods()) {
            if (m.getReturnType() == Tensor.class && m.getDeclaringClass() == Tensor.class
                    && Modifier.isPublic(m.getModifiers())
                    && !NOT_DIFFERENTIABLE.contains(m.getName()) && !covered.contains(m.getName())) {
                missing.add(m.getName());
            }
        }
        assertTrue(missing.isEmpty(), "differentiable Tensor methods without an OpSpec: " + missing);
    }

    @Test
    void gradCheckCatchesAWrongBackwardRule() {
        Tensor x = Tensor.of(new double[] {0.3, -0.2, 0.9}, 3).requiresGrad(true);
        // detach() hides the square's dependence on x from backward, but not from the finite difference.
        AssertionError e = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
                () -> GradCheck.check(in -> in[0].tanh().add(in[0].detach().square()), x));
        assertTrue(e.getMessage().contains("analytic"), e.getMessage());
        assertEquals(3, GradCheck.check(in -> in[0].tanh(), x).elementsChecked());
    }
}
