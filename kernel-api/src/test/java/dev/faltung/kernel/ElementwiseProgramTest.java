package dev.faltung.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faltung.kernel.reference.ReferenceKernels;
import org.junit.jupiter.api.Test;

/** The program model and the SPI's default evaluation, which every backend inherits. */
class ElementwiseProgramTest {

    private final Kernels kernels = new ReferenceKernels();

    /** v0 = a, v1 = b, v2 = a·b, v3 = v2 + 1; outputs (v3, v0). */
    private static ElementwiseProgram mulAddOne() {
        ElementwiseProgram.Builder p = new ElementwiseProgram.Builder();
        int a = p.input(), b = p.input();
        int ab = p.binary(BinaryOp.MUL, a, b);
        int r = p.unary(UnaryOp.ADD_SCALAR, 1, ab);
        return p.output(r).output(a).build();
    }

    @Test
    void computesEveryOutputFromTheInputs() {
        Buffer a = Buffer.of(1.0, 2, 3), b = Buffer.of(4.0, 5, 6);
        Buffer r = Buffer.allocate(DType.FLOAT64, 3), copyOfA = Buffer.allocate(DType.FLOAT64, 3);
        kernels.elementwise(mulAddOne(), new Buffer[] {a, b}, new Buffer[] {r, copyOfA});
        assertArrayEquals(new double[] {5, 11, 19}, r.toDoubles());
        assertArrayEquals(new double[] {1, 2, 3}, copyOfA.toDoubles());
    }

    @Test
    void outputsMayOverwriteTheirInputs() {
        // a ← a·b + 1 while the second output receives the OLD a.
        Buffer a = Buffer.of(1.0, 2, 3), b = Buffer.of(4.0, 5, 6), old = Buffer.allocate(DType.FLOAT64, 3);
        kernels.elementwise(mulAddOne(), new Buffer[] {a, b}, new Buffer[] {a, old});
        assertArrayEquals(new double[] {5, 11, 19}, a.toDoubles());
        assertArrayEquals(new double[] {1, 2, 3}, old.toDoubles());
    }

    @Test
    void lastUseMarksOutputsAsLiveToTheEnd() {
        int[] last = mulAddOne().lastUse();
        assertArrayEquals(new int[] {4, 2, 3, 4}, last);
    }

    @Test
    void rejectsOperandsThatDoNotFitTheProgram() {
        Buffer a = Buffer.of(1.0, 2, 3), shortB = Buffer.of(1.0, 2);
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class, () -> kernels.elementwise(
                mulAddOne(), new Buffer[] {a, shortB}, new Buffer[] {a, a.copy()}));
        assertTrue(size.getMessage().contains("share dtype and size"), size.getMessage());
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class, () -> kernels.elementwise(
                mulAddOne(), new Buffer[] {a}, new Buffer[] {a, a.copy()}));
        assertTrue(count.getMessage().contains("reads 2"), count.getMessage());
        IllegalArgumentException forward = assertThrows(IllegalArgumentException.class,
                () -> new ElementwiseProgram.Builder().unary(UnaryOp.NEG, 0, 0));
        assertTrue(forward.getMessage().contains("does not exist"), forward.getMessage());
    }

    @Test
    void describesItsSteps() {
        assertEquals("ElementwiseProgram[v0=Input[input=0]; v1=Input[input=1]; v2=Binary[op=MUL, a=0, b=1]; "
                + "v3=Unary[op=ADD_SCALAR, alpha=1.0, x=2]; outputs [3, 0]]", mulAddOne().toString());
    }
}
