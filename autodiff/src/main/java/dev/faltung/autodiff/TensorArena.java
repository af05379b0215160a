package dev.faltung.autodiff;

import dev.faltung.kernel.Buffer;
import dev.faltung.kernel.DType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reuses tensor storage from one iteration of a loop in the next. A training step allocates the
 * same activations and gradients, of the same sizes, every time: tens of MiB per step that die
 * by the end of it. Left to the garbage collector, the heap must hold every step allocated
 * between two collections; recycled here, it holds one step's worth.
 *
 * <pre>{@code
 * try (TensorArena arena = TensorArena.open()) {
 *     for (Batch batch : batches) {
 *         Tensor loss = model.forward(x).crossEntropy(labels);
 *         double value = loss.item();
 *         loss.backward();
 *         optimizer.step();
 *         optimizer.zeroGrad();
 *         arena.recycle(model.namedTensors().values());
 *     }
 * }
 * }</pre>
 *
 * <p>While an arena is open, every tensor this thread creates takes its storage from it (zero
 * filled, as a new tensor's is). {@link #recycle} declares the tensors created since the
 * previous call dead, except those passed to it and tensors sharing their storage: their
 * storage then serves the tensors of the next iteration, so a tensor that is read after the
 * call that recycled it sees another tensor's values. Storage the next iteration did not ask for
 * is left to the garbage collector, so an arena holds at most one iteration's worth.
 * {@link #close} recycles nothing: whatever was created since the last recycle stays valid.
 *
 * <p>An arena belongs to the thread that opened it; other threads allocate as usual. Arenas
 * nest: closing one makes the enclosing one current again. With the system property
 * {@code faltung.arena.poison=true} recycled storage is filled with NaN, so that a tensor used
 * after its iteration shows up as NaN instead of as plausible numbers (the tests run so).
 */
public final class TensorArena implements AutoCloseable {

    private static final ThreadLocal<TensorArena> CURRENT = new ThreadLocal<>();
    private static final boolean POISON = Boolean.getBoolean("faltung.arena.poison");

    private record Size(DType dtype, int elements) {
    }

    private final TensorArena outer;
    private final Thread owner;
    private final Map<Size, ArrayDeque<Buffer>> free = new HashMap<>();
    private final List<Buffer> handedOut = new ArrayList<>();
    private final Map<Integer, ArrayDeque<int[]>> freeIndices = new HashMap<>();
    private final List<int[]> indicesHandedOut = new ArrayList<>();
    private boolean closed;

    private TensorArena(TensorArena outer) {
        this.outer = outer;
        this.owner = Thread.currentThread();
    }

    /** Opens an arena on this thread; tensors created on it from now on take their storage from it. */
    public static TensorArena open() {
        TensorArena arena = new TensorArena(CURRENT.get());
        CURRENT.set(arena);
        return arena;
    }

    /**
     * Ends an iteration: the storage of every tensor created on this thread since the previous
     * call (or since {@link #open}) becomes free for the next iteration, except that of
     * {@code keep} and of their gradients, which stays theirs.
     */
    public void recycle(Iterable<Tensor> keep) {
        requireOwner("recycle");
        if (closed) {
            throw new IllegalStateException("TensorArena.recycle: the arena is closed");
        }
        Map<Buffer, Boolean> kept = new IdentityHashMap<>();
        for (Tensor t : keep) {
            kept.put(t.buffer(), Boolean.TRUE);
            if (t.grad() != null) {
                kept.put(t.grad().buffer(), Boolean.TRUE);
            }
        }
        free.clear(); // storage this iteration did not ask for: not needed again
        for (Buffer b : handedOut) {
            if (kept.containsKey(b)) {
                continue;
            }
            if (POISON) {
                poison(b);
            }
            free.computeIfAbsent(new Size(b.dtype(), b.size()), s -> new ArrayDeque<>()).push(b);
        }
        handedOut.clear();
        freeIndices.clear();
        for (int[] a : indicesHandedOut) {
            if (POISON) {
                Arrays.fill(a, Integer.MIN_VALUE); // an index out of every range
            }
            freeIndices.computeIfAbsent(a.length, n -> new ArrayDeque<>()).push(a);
        }
        indicesHandedOut.clear();
    }

    /** Leaves the arena: the tensors created since the last {@link #recycle} stay valid. */
    @Override
    public void close() {
        requireOwner("close");
        if (closed) {
            return;
        }
        if (CURRENT.get() != this) {
            throw new IllegalStateException("TensorArena.close: an arena opened inside this one is still open");
        }
        closed = true;
        free.clear();
        handedOut.clear();
        freeIndices.clear();
        indicesHandedOut.clear();
        if (outer == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(outer);
        }
    }

    /** Zero-filled storage for a new tensor: from the current arena when there is one, else new. */
    static Buffer allocate(DType dtype, int size) {
        TensorArena arena = CURRENT.get();
        return arena == null ? Buffer.allocate(dtype, size) : arena.take(dtype, size);
    }

    /**
     * A zero-filled index array that lives as long as the tensors made with it (the positions of
     * max pooling's maxima, kept for its backward pass): from the current arena when there is one.
     */
    static int[] indices(int size) {
        TensorArena arena = CURRENT.get();
        if (arena == null) {
            return new int[size];
        }
        ArrayDeque<int[]> same = arena.freeIndices.get(size);
        int[] a;
        if (same == null || same.isEmpty()) {
            a = new int[size];
        } else {
            a = same.pop();
            Arrays.fill(a, 0);
        }
        arena.indicesHandedOut.add(a);
        return a;
    }

    private Buffer take(DType dtype, int size) {
        ArrayDeque<Buffer> same = free.get(new Size(dtype, size));
        Buffer b;
        if (same == null || same.isEmpty()) {
            b = Buffer.allocate(dtype, size);
        } else {
            b = same.pop();
            zero(b);
        }
        handedOut.add(b);
        return b;
    }

    private static void zero(Buffer b) {
        switch (b) {
            case Buffer.F32 f -> Arrays.fill(f.data(), 0f);
            case Buffer.F64 d -> Arrays.fill(d.data(), 0.0);
        }
    }

    private static void poison(Buffer b) {
        switch (b) {
            case Buffer.F32 f -> Arrays.fill(f.data(), Float.NaN);
            case Buffer.F64 d -> Arrays.fill(d.data(), Double.NaN);
        }
    }

    private void requireOwner(String op) {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("TensorArena." + op + ": the arena belongs to thread " + owner.getName()
                    + ", called from " + Thread.currentThread().getName());
        }
    }
}
