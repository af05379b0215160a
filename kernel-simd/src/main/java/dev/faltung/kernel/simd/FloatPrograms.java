package dev.faltung.kernel.simd;

import dev.faltung.kernel.ElementwiseProgram;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * float32 {@link ElementwiseProgram}s in one pass: the elements are cut into chunks of
 * {@link #CHUNK}, and each chunk runs the whole program through {@link FloatElementwise}'s loops
 * (the same code, hence the same bits, as the unfused ops) on scratch slots that stay in L1,
 * reusing a slot once its value is dead. Chunks are split across the worker pool; element-wise
 * results do not depend on the split. Thread-safe; scratch is per thread.
 */
final class FloatPrograms {

    static final int CHUNK = 1024;
    /** Below this many elements the program runs on the calling thread alone. */
    private static final int PARALLEL_THRESHOLD = 1 << 16;

    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[1][0]);

    private final WorkerPool pool;

    FloatPrograms(WorkerPool pool) {
        this.pool = pool;
    }

    /**
     * Where each value lives: computed values (and inputs that are also stored, which must be
     * copied before any output is written) in scratch slot {@code slot[v]}; other inputs are
     * read in place ({@code slot[v] == -1}).
     */
    private record Plan(int[] slot, int slots) {
        static Plan of(ElementwiseProgram p) {
            int count = p.steps().size();
            int[] last = p.lastUse();
            int[] slot = new int[count];
            boolean[] stored = new boolean[count];
            for (int j = 0; j < p.outputCount(); j++) {
                stored[p.output(j)] = true;
            }
            Deque<Integer> free = new ArrayDeque<>();
            int slots = 0;
            for (int i = 0; i < count; i++) {
                boolean input = p.steps().get(i) instanceof ElementwiseProgram.Input;
                if (input && !stored[i]) {
                    slot[i] = -1;
                } else {
                    slot[i] = free.isEmpty() ? slots++ : free.pop();
                }
                // Operands whose last reader is this step free their slots for later steps.
                for (int v : operands(p.steps().get(i))) {
                    if (last[v] == i && slot[v] >= 0) {
                        free.push(slot[v]);
                    }
                }
                if (last[i] < 0 && slot[i] >= 0) {
                    free.push(slot[i]);
                }
            }
            return new Plan(slot, slots);
        }

        private static int[] operands(ElementwiseProgram.Step s) {
            return switch (s) {
                case ElementwiseProgram.Input in -> new int[0];
                case ElementwiseProgram.Unary u -> new int[] {u.x()};
                case ElementwiseProgram.Binary b -> b.a() == b.b() ? new int[] {b.a()} : new int[] {b.a(), b.b()};
            };
        }
    }

    void run(ElementwiseProgram program, float[][] in, float[][] out, int n) {
        if (n == 0 || out.length == 0) {
            return;
        }
        Plan plan = Plan.of(program);
        int chunks = (n + CHUNK - 1) / CHUNK;
        int tasks = n < PARALLEL_THRESHOLD ? 1 : Math.min(pool.threads(), chunks);
        pool.run(tasks, t -> {
            float[] scratch = scratch(plan.slots() * CHUNK);
            // Where each step's values are, per chunk: once per task, not per chunk.
            float[][] arr = new float[program.steps().size()][];
            int[] off = new int[program.steps().size()];
            int from = (int) ((long) chunks * t / tasks), to = (int) ((long) chunks * (t + 1) / tasks);
            for (int c = from; c < to; c++) {
                int start = c * CHUNK;
                chunk(program, plan, in, out, start, Math.min(CHUNK, n - start), scratch, arr, off);
            }
        });
    }

    private static void chunk(ElementwiseProgram p, Plan plan, float[][] in, float[][] out, int start, int len,
                              float[] scratch, float[][] arr, int[] off) {
        int count = p.steps().size();
        for (int i = 0; i < count; i++) {
            int s = plan.slot()[i];
            float[] dst = s < 0 ? null : scratch;
            int at = s * CHUNK;
            switch (p.steps().get(i)) {
                case ElementwiseProgram.Input input -> {
                    if (s < 0) {
                        arr[i] = in[input.input()];
                        off[i] = start;
                        continue;
                    }
                    System.arraycopy(in[input.input()], start, scratch, at, len);
                }
                case ElementwiseProgram.Unary u ->
                        FloatElementwise.unary(u.op(), u.alpha(), arr[u.x()], off[u.x()], dst, at, len);
                case ElementwiseProgram.Binary b ->
                        FloatElementwise.binary(b.op(), arr[b.a()], off[b.a()], arr[b.b()], off[b.b()], dst, at, len);
            }
            arr[i] = scratch;
            off[i] = at;
        }
        for (int j = 0; j < out.length; j++) {
            int v = p.output(j);
            System.arraycopy(arr[v], off[v], out[j], start, len);
        }
    }

    private static float[] scratch(int size) {
        float[][] holder = SCRATCH.get();
        if (holder[0].length < size) {
            holder[0] = new float[size];
        }
        return holder[0];
    }
}
