package dev.faltung.nn.layers;

import dev.faltung.autodiff.Tensor;
import dev.faltung.nn.Seeds;

/**
 * Maxout unit of Goodfellow et al. 2013: {@code h_i(x) = max_{j<k} (x·W_ij + b_ij)} — each of
 * {@code out} outputs is the maximum of {@code k} affine pieces. Input {@code [N, in]}, output
 * {@code [N, out]}; the pieces are one Dense layer {@code in -> out·k} (child {@code linear}),
 * piece j of unit i at column {@code i·k + j}.
 */
public final class Maxout extends Layer {

    private final int in;
    private final int out;
    private final int pieces;
    private final Dense linear;

    public Maxout(int in, int out, int pieces, long seed) {
        if (pieces <= 0) {
            throw new IllegalArgumentException("Maxout: need at least one piece, got " + pieces);
        }
        this.in = in;
        this.out = out;
        this.pieces = pieces;
        this.linear = addChild("linear", new Dense(in, out * pieces, Seeds.derive(seed, 0)));
    }

    @Override
    public Tensor forward(Tensor x) {
        int[] os = outputShape(x.shape());
        return linear.forward(x).reshape(os[0], out, pieces).max(2);
    }

    @Override
    public int[] outputShape(int[] s) {
        requireShape(this, s, 2, in);
        return new int[] {s[0], out};
    }

    @Override
    protected String describe() {
        return in + ", " + out + ", pieces=" + pieces;
    }
}
