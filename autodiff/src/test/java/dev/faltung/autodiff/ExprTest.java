package dev.faltung.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faltung.kernel.DType;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExprTest {

    @Test
    void anAdamStepEqualsTheSameTensorOperationsBitForBit() {
        Tensor p = Tensor.uniform(1, -1, 1, DType.FLOAT32, 5, 7);
        Tensor g = Tensor.uniform(2, -1, 1, DType.FLOAT32, 5, 7);
        Tensor m = Tensor.uniform(3, -1, 1, DType.FLOAT32, 5, 7);
        Tensor v = Tensor.uniform(4, 0, 1, DType.FLOAT32, 5, 7);
        Tensor m2 = m.mul(0.9).add(g.mul(0.1));
        Tensor v2 = v.mul(0.999).add(g.square().mul(0.001));
        Tensor p2 = p.sub(m2.div(v2.sqrt().div(0.3).add(1e-8)).mul(0.01));

        Expr ge = Expr.of(g);
        Expr me = Expr.of(m).mul(0.9).add(ge.mul(0.1));
        Expr ve = Expr.of(v).mul(0.999).add(ge.square().mul(0.001));
        Expr pe = Expr.of(p).sub(me.div(ve.sqrt().div(0.3).add(1e-8)).mul(0.01));
        Expr.assign(List.of(p, m, v), List.of(pe, me, ve));

        assertArrayEquals(p2.toFloatArray(), p.toFloatArray());
        assertArrayEquals(m2.toFloatArray(), m.toFloatArray());
        assertArrayEquals(v2.toFloatArray(), v.toFloatArray());
    }

    @Test
    void everyInputIsReadBeforeAnyTargetIsWritten() {
        Tensor a = Tensor.of(new double[] {1, 2}, 2), b = Tensor.of(new double[] {10, 20}, 2);
        Expr.assign(List.of(a, b), List.of(Expr.of(b), Expr.of(a)));   // a swap
        assertArrayEquals(new double[] {10, 20}, a.toDoubleArray());
        assertArrayEquals(new double[] {1, 2}, b.toDoubleArray());
    }

    @Test
    void clampAndScalarArithmeticMeanWhatTensorsMean() {
        Tensor x = Tensor.of(new double[] {-3, 0.5, 4}, 3), out = Tensor.zeros(DType.FLOAT64, 3);
        Expr.assign(out, Expr.of(x).clamp(-1, 1).sub(0.5).div(2).neg().abs().sign());
        assertArrayEquals(x.clamp(-1, 1).sub(0.5).div(2).neg().abs().sign().toDoubleArray(), out.toDoubleArray());
    }

    @Test
    void tensorsOfAnotherShapeOrDtypeAreRejectedByName() {
        Tensor a = Tensor.zeros(DType.FLOAT32, 2, 3);
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> Expr.assign(a, Expr.of(Tensor.zeros(DType.FLOAT32, 3, 2))));
        assertTrue(shape.getMessage().contains("input float32 [3, 2]") && shape.getMessage().contains("[2, 3]"),
                shape.getMessage());
        IllegalArgumentException dtype = assertThrows(IllegalArgumentException.class,
                () -> Expr.assign(a, Expr.of(Tensor.zeros(DType.FLOAT64, 2, 3))));
        assertTrue(dtype.getMessage().contains("float64"), dtype.getMessage());
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> Expr.assign(List.of(a, a), List.of(Expr.of(a), Expr.of(a))));
        assertTrue(twice.getMessage().contains("target twice"), twice.getMessage());
    }
}
