package dev.faltung.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.faltung.kernel.DType;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class TensorArenaTest {

    private static final int[] NO_POOL = {0, 0};

    @Test
    void storageOfOneIterationServesTheNextZeroFilled() {
        try (TensorArena arena = TensorArena.open()) {
            Tensor first = Tensor.full(3.0, DType.FLOAT32, 4, 5);
            arena.recycle(List.of());
            Tensor second = Tensor.zeros(DType.FLOAT32, 5, 4); // same size, any shape
            assertSame(first.buffer(), second.buffer());
            assertArrayEquals(new float[20], second.toFloatArray());
            Tensor otherDType = Tensor.zeros(DType.FLOAT64, 20);
            assertNotSame(first.buffer(), otherDType.buffer());
        }
    }

    @Test
    void keptTensorsAndTheirGradientsKeepTheirStorage() {
        try (TensorArena arena = TensorArena.open()) {
            Tensor kept = Tensor.full(2.0, DType.FLOAT64, 3);
            Tensor grad = Tensor.full(5.0, DType.FLOAT64, 3);
            kept.setGrad(grad);
            arena.recycle(List.of(kept));
            for (int i = 0; i < 3; i++) {
                Tensor.full(-1.0, DType.FLOAT64, 3);
                arena.recycle(List.of());
            }
            assertArrayEquals(new double[] {2, 2, 2}, kept.toDoubleArray());
            assertArrayEquals(new double[] {5, 5, 5}, grad.toDoubleArray());
        }
    }

    @Test
    void storageAnIterationDidNotAskForIsLeftToTheCollector() {
        try (TensorArena arena = TensorArena.open()) {
            Tensor first = Tensor.zeros(DType.FLOAT32, 8);
            arena.recycle(List.of());
            arena.recycle(List.of()); // an iteration without a tensor of 8 floats
            assertNotSame(first.buffer(), Tensor.zeros(DType.FLOAT32, 8).buffer());
        }
    }

    @Test
    void maxPoolingIndicesAreRecycledToo() {
        Tensor x = Tensor.uniform(1, -1, 1, DType.FLOAT32, 2, 3, 4, 4).requiresGrad(true);
        int[] two = {2, 2};
        try (TensorArena arena = TensorArena.open()) {
            for (int i = 0; i < 3; i++) {
                Pooling.maxPool2d(x, two, two, NO_POOL, false).sum().backward();
                arena.recycle(List.of(x));
            }
        }
        Tensor expected = x.grad().copy();
        x.zeroGrad();
        for (int i = 0; i < 3; i++) {
            Pooling.maxPool2d(x, two, two, NO_POOL, false).sum().backward();
        }
        assertArrayEquals(expected.toFloatArray(), x.grad().toFloatArray());
    }

    @Test
    void aTrainingLoopInAnArenaComputesBitForBitWhatItComputesWithout() {
        float[] withArena = train(true);
        float[] without = train(false);
        assertArrayEquals(without, withArena);
    }

    /** Ten steps of gradient descent on a conv → relu → pool → linear net; returns the final weights. */
    private static float[] train(boolean inArena) {
        Tensor w = Tensor.normal(3, 0, 0.3, DType.FLOAT32, 4, 2, 3, 3).requiresGrad(true);
        Tensor v = Tensor.normal(4, 0, 0.3, DType.FLOAT32, 3, 4 * 3 * 3).requiresGrad(true);
        Tensor x = Tensor.normal(5, 0, 1, DType.FLOAT32, 6, 2, 8, 8);
        int[] labels = {0, 1, 2, 0, 1, 2};
        int[] two = {2, 2};
        TensorArena arena = inArena ? TensorArena.open() : null;
        try {
            for (int step = 0; step < 10; step++) {
                Tensor h = Convolution.conv2d(x, w, null, ConvSpec.DEFAULT).relu();
                Tensor logits = Pooling.maxPool2d(h, two, two, NO_POOL, false).reshape(6, 36).linear(v, null);
                logits.crossEntropy(labels).backward();
                try (NoGrad ignored = NoGrad.enter()) {
                    for (Tensor p : List.of(w, v)) {
                        Expr.assign(p, Expr.of(p).sub(Expr.of(p.grad()).mul(0.1)));
                        p.zeroGrad();
                    }
                }
                if (arena != null) {
                    arena.recycle(List.of(w, v, x));
                }
            }
        } finally {
            if (arena != null) {
                arena.close();
            }
        }
        float[] out = new float[w.numel() + v.numel()];
        System.arraycopy(w.toFloatArray(), 0, out, 0, w.numel());
        System.arraycopy(v.toFloatArray(), 0, out, w.numel(), v.numel());
        return out;
    }

    @Test
    void closingKeepsTheLastIterationsTensorsAndRestoresTheEnclosingArena() {
        try (TensorArena outer = TensorArena.open()) {
            Tensor outerTensor = Tensor.full(1.0, DType.FLOAT32, 6);
            Tensor innerTensor;
            try (TensorArena inner = TensorArena.open()) {
                innerTensor = Tensor.full(7.0, DType.FLOAT32, 6);
            }
            outer.recycle(List.of()); // recycles outerTensor's storage only
            Tensor next = Tensor.zeros(DType.FLOAT32, 6);
            assertSame(outerTensor.buffer(), next.buffer());
            assertArrayEquals(new float[] {7, 7, 7, 7, 7, 7}, innerTensor.toFloatArray());
        }
    }

    @Test
    void anArenaBelongsToTheThreadThatOpenedIt() throws Exception {
        try (TensorArena arena = TensorArena.open()) {
            Tensor theirs = CompletableFuture.supplyAsync(() -> Tensor.zeros(DType.FLOAT32, 16)).get();
            arena.recycle(List.of());
            assertNotSame(theirs.buffer(), Tensor.zeros(DType.FLOAT32, 16).buffer(),
                    "another thread's tensors never join the arena");
            CompletionException e = assertThrows(CompletionException.class,
                    () -> CompletableFuture.runAsync(() -> arena.recycle(List.of())).join());
            assertTrue(e.getCause() instanceof IllegalStateException
                    && e.getCause().getMessage().contains("belongs to thread"), String.valueOf(e.getCause()));
        }
    }

    @Test
    void underPoisonATensorReadAfterItsIterationIsNaN() {
        assumeTrue(Boolean.getBoolean("faltung.arena.poison"), "the test JVMs set faltung.arena.poison");
        try (TensorArena arena = TensorArena.open()) {
            Tensor stale = Tensor.full(4.0, DType.FLOAT64, 2);
            arena.recycle(List.of());
            assertTrue(Double.isNaN(stale.get(0)), "stale storage must read as NaN, not " + stale.get(0));
            assertEquals(0.0, Tensor.zeros(DType.FLOAT64, 2).get(1), "new tensors start at zero");
        }
    }
}
