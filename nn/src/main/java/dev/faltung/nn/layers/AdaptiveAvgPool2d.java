package dev.faltung.nn.layers;

import dev.faltung.autodiff.Pooling;
import dev.faltung.autodiff.Tensor;

/**
 * {@code torch.nn.AdaptiveAvgPool2d}: {@code [N,C,H,W] -> [N,C,outH,outW]} where output cell
 * {@code i} averages input rows {@code [floor(i·H/outH), ceil((i+1)·H/outH))} (and likewise
 * columns). Windows may overlap or repeat when the input is smaller than the output.
 */
public final class AdaptiveAvgPool2d extends Layer {

    private final int outH;
    private final int outW;

    public AdaptiveAvgPool2d(int outH, int outW) {
        if (outH <= 0 || outW <= 0) {
            throw new IllegalArgumentException("AdaptiveAvgPool2d: output size must be positive, got " + outH + "x" + outW);
        }
        this.outH = outH;
        this.outW = outW;
    }

    @Override
    public Tensor forward(Tensor x) {
        outputShape(x.shape());
        int h = x.size(2), w = x.size(3);
        if (h == outH && w == outW) {
            return x;
        }
        if (h % outH == 0 && w % outW == 0) {
            int[] k = {h / outH, w / outW};
            return Pooling.avgPool2d(x, k, k, new int[] {0, 0}, false, true);
        }
        // The mean over a rectangle is the mean over its rows of the mean over its columns.
        return pool(pool(x, 2, outH), 3, outW);
    }

    private static Tensor pool(Tensor x, int axis, int out) {
        int in = x.size(axis);
        Tensor[] cells = new Tensor[out];
        for (int i = 0; i < out; i++) {
            int start = Math.floorDiv(i * in, out);
            int end = -Math.floorDiv(-(i + 1) * in, out);
            cells[i] = x.slice(axis, start, end).mean(new int[] {axis}, true);
        }
        return Tensor.concat(axis, cells);
    }

    @Override
    public int[] outputShape(int[] s) {
        requireShape(this, s, 4, -1);
        return new int[] {s[0], s[1], outH, outW};
    }

    @Override
    protected String describe() {
        return outH + "x" + outW;
    }
}
