package dev.faltung.kernel.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.faltung.kernel.BinaryOp;
import dev.faltung.kernel.Buffer;
import dev.faltung.kernel.DType;
import dev.faltung.kernel.ElementwiseProgram;
import dev.faltung.kernel.UnaryOp;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A fused program gives exactly the bits of its steps run one by one through this backend's
 * unary and binary kernels, at sizes around the chunk and vector boundaries and above the
 * threading threshold, with outputs that overwrite inputs.
 */
class FloatProgramsTest {

    private static final SimdKernels KERNELS = new SimdKernels(2);
    private static final int[] SIZES = {1, 7, 17, FloatPrograms.CHUNK - 1, FloatPrograms.CHUNK + 1,
        3 * FloatPrograms.CHUNK + 5, (1 << 16) + 33};
    /**
     * exp, tanh and sigmoid included: VectorMath gives the same bits before and after the JIT
     * compiles a loop (the Vector API's own exp did not, so fused and unfused differed by an ulp).
     */
    private static final UnaryOp[] UNARY = {UnaryOp.NEG, UnaryOp.ABS, UnaryOp.SQRT, UnaryOp.SQUARE, UnaryOp.SCALE,
        UnaryOp.ADD_SCALAR, UnaryOp.EXP, UnaryOp.TANH, UnaryOp.RELU, UnaryOp.GREATER_SCALAR, UnaryOp.SIGMOID};
    private static final BinaryOp[] BINARY = {BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL, BinaryOp.DIV,
        BinaryOp.MAX, BinaryOp.GREATER};

    private static ElementwiseProgram randomProgram(Random rnd, int inputs, int steps, int outputs) {
        ElementwiseProgram.Builder b = new ElementwiseProgram.Builder();
        int values = 0;
        for (int i = 0; i < inputs; i++, values++) {
            b.input();
        }
        for (int i = 0; i < steps; i++, values++) {
            if (rnd.nextBoolean()) {
                b.unary(UNARY[rnd.nextInt(UNARY.length)], rnd.nextDouble() * 2 - 0.5, rnd.nextInt(values));
            } else {
                b.binary(BINARY[rnd.nextInt(BINARY.length)], rnd.nextInt(values), rnd.nextInt(values));
            }
        }
        for (int j = 0; j < outputs; j++) {
            b.output(rnd.nextInt(values));
        }
        return b.build();
    }

    /** The steps one kernel call each: what the SPI's default does. */
    private static float[][] unfused(ElementwiseProgram p, Buffer[] in, int n) {
        List<ElementwiseProgram.Step> steps = p.steps();
        Buffer[] v = new Buffer[steps.size()];
        int[] shape = {n};
        for (int i = 0; i < v.length; i++) {
            v[i] = switch (steps.get(i)) {
                case ElementwiseProgram.Input x -> in[x.input()].copy();
                case ElementwiseProgram.Unary u -> {
                    Buffer out = Buffer.allocate(DType.FLOAT32, n);
                    KERNELS.unary(u.op(), u.alpha(), v[u.x()], out);
                    yield out;
                }
                case ElementwiseProgram.Binary b -> {
                    Buffer out = Buffer.allocate(DType.FLOAT32, n);
                    KERNELS.binary(b.op(), v[b.a()], shape, v[b.b()], shape, out, shape);
                    yield out;
                }
            };
        }
        float[][] out = new float[p.outputCount()][];
        for (int j = 0; j < out.length; j++) {
            out[j] = ((Buffer.F32) v[p.output(j)]).data().clone();
        }
        return out;
    }

    @Test
    void fusedProgramsGiveTheBitsOfTheirStepsRunOneByOne() {
        Random rnd = new Random(3);
        for (int trial = 0; trial < 30; trial++) {
            int inputs = 1 + rnd.nextInt(3);
            ElementwiseProgram p = randomProgram(rnd, inputs, 1 + rnd.nextInt(12), 1 + rnd.nextInt(3));
            for (int n : SIZES) {
                Buffer[] in = new Buffer[inputs];
                for (int i = 0; i < inputs; i++) {
                    in[i] = Buffer.of(Check.randomFloats(rnd, n, -3, 3));
                }
                float[][] want = unfused(p, in, n);
                // The first output overwrites input 0, the way an optimizer updates a parameter.
                Buffer[] out = new Buffer[p.outputCount()];
                out[0] = in[0];
                for (int j = 1; j < out.length; j++) {
                    out[j] = Buffer.allocate(DType.FLOAT32, n);
                }
                KERNELS.elementwise(p, in, out);
                for (int j = 0; j < out.length; j++) {
                    float[] got = ((Buffer.F32) out[j]).data();
                    for (int i = 0; i < n; i++) {
                        if (Float.floatToIntBits(got[i]) != Float.floatToIntBits(want[j][i])) {
                            assertEquals(want[j][i], got[i], p + " size " + n + " output " + j + " index " + i);
                        }
                    }
                }
            }
        }
    }

    @Test
    void float64RunsTheStepsOnTheReferenceBackend() {
        ElementwiseProgram.Builder b = new ElementwiseProgram.Builder();
        int x = b.input();
        ElementwiseProgram p = b.output(b.unary(UnaryOp.SQUARE, 0, x)).build();
        Buffer v = Buffer.of(1.5, -2, 3);
        KERNELS.elementwise(p, new Buffer[] {v}, new Buffer[] {v});
        assertEquals(List.of(2.25, 4.0, 9.0), java.util.Arrays.stream(v.toDoubles()).boxed().toList());
    }
}
