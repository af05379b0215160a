package dev.faltung.proofs.opencl;

import java.util.SplittableRandom;

/**
 * Random sizes and data for one example, drawn from its seed (a failing seed reproduces it).
 * Sizes favour the ones that break SIMD and GPU code: 1, 7, 33 (a vector or work-group plus a
 * tail), 64/65 (a whole group, and one more), with an occasional large one spanning many groups.
 */
final class Draw {

    private static final int[] AWKWARD = {1, 7, 33, 64, 65, 2, 3, 5};
    private static final int[] DIMS = {1, 1, 2, 3, 5, 7, 33};

    final SplittableRandom r;

    Draw(long seed) {
        r = new SplittableRandom(seed);
    }

    /** An element count for a flat buffer. */
    int size() {
        return switch (r.nextInt(6)) {
            case 0, 1 -> AWKWARD[r.nextInt(AWKWARD.length)];
            case 2 -> 100 + r.nextInt(1100);
            default -> 1 + r.nextInt(70);
        };
    }

    /** One axis of a multi-dimensional shape (kept small so rank-4 shapes stay cheap). */
    int dim() {
        return DIMS[r.nextInt(DIMS.length)];
    }

    /** A shape of rank {@code minRank .. maxRank}; rank 0 is a scalar. */
    int[] shape(int minRank, int maxRank) {
        int[] s = new int[minRank + r.nextInt(maxRank - minRank + 1)];
        for (int i = 0; i < s.length; i++) {
            s[i] = dim();
        }
        return s;
    }

    /**
     * An operand that broadcasts to {@code out}: each axis kept or set to 1, and some leading
     * axes dropped (NumPy's rules, right-aligned).
     */
    int[] broadcastOperand(int[] out) {
        int drop = out.length == 0 ? 0 : r.nextInt(out.length + 1);
        int[] s = new int[out.length - drop];
        for (int i = 0; i < s.length; i++) {
            s[i] = r.nextInt(3) == 0 ? 1 : out[drop + i];
        }
        return s;
    }

    float[] floats(int n, double lo, double hi) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextDouble(lo, hi);
        }
        return v;
    }

    /** Small integers as floats: ties and exact zeros on purpose. */
    float[] integers(int n, int lo, int hi) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = lo + r.nextInt(hi - lo + 1);
        }
        return v;
    }

    int between(int lo, int hi) {
        return lo + r.nextInt(hi - lo + 1);
    }

    boolean chance(int oneIn) {
        return r.nextInt(oneIn) == 0;
    }

    <T> T pick(T[] values) {
        return values[r.nextInt(values.length)];
    }

    static int product(int[] shape) {
        int p = 1;
        for (int d : shape) {
            p *= d;
        }
        return p;
    }
}
