package dev.faltung.nn.zoo;

import dev.faltung.autodiff.Tensor;
import dev.faltung.nn.Seeds;
import dev.faltung.nn.layers.Conv1d;
import dev.faltung.nn.layers.Dense;
import dev.faltung.nn.layers.Dropout;
import dev.faltung.nn.layers.Embedding;
import dev.faltung.nn.layers.Layer;
import java.util.Arrays;

/**
 * The sentence classifier of Kim 2014 ("CNN-rand"): token indices {@code [N, L]} → embedding
 * {@code [N, L, D]} → for each width w in {3, 4, 5} a 1-D convolution with 100 maps over the
 * sequence, ReLU and max-over-time pooling → concatenation {@code [N, 300]} → dropout 0.5 →
 * dense to the classes. The input tensor holds whole-number token ids.
 */
public final class TextCnn extends Layer {

    private static final int[] WIDTHS = {3, 4, 5};
    private static final int MAPS = 100;

    private final int seqLen;
    private final int classes;
    private final Embedding embedding;
    private final Conv1d[] convs = new Conv1d[WIDTHS.length];
    private final Dropout dropout;
    private final Dense fc;

    public TextCnn(int vocabulary, int seqLen, int embeddingDim, int classes, long seed) {
        if (seqLen < WIDTHS[WIDTHS.length - 1]) {
            throw new IllegalArgumentException("textcnn: sequence length " + seqLen + " is shorter than the widest filter "
                    + WIDTHS[WIDTHS.length - 1]);
        }
        this.seqLen = seqLen;
        this.classes = classes;
        embedding = addChild("embedding", new Embedding(vocabulary, embeddingDim, Seeds.derive(seed, 0)));
        for (int i = 0; i < WIDTHS.length; i++) {
            convs[i] = addChild("conv" + WIDTHS[i], new Conv1d(embeddingDim, MAPS, WIDTHS[i], Seeds.derive(seed, 1 + i)));
        }
        dropout = addChild("dropout", new Dropout(0.5, Seeds.derive(seed, 10)));
        fc = addChild("fc", new Dense(MAPS * WIDTHS.length, classes, Seeds.derive(seed, 11)));
    }

    @Override
    public Tensor forward(Tensor tokens) {
        outputShape(tokens.shape());
        Tensor e = embedding.forward(tokens).transpose(1, 2); // [N, D, L]: channels are embedding dimensions
        Tensor[] pooled = new Tensor[convs.length];
        for (int i = 0; i < convs.length; i++) {
            pooled[i] = convs[i].forward(e).relu().max(2); // max over time: [N, 100]
        }
        return fc.forward(dropout.forward(Tensor.concat(1, pooled)));
    }

    @Override
    public int[] outputShape(int[] s) {
        if (s.length != 2 || s[1] != seqLen) {
            throw new IllegalArgumentException("textcnn: expected token ids [N, " + seqLen + "], got " + Arrays.toString(s));
        }
        return new int[] {s[0], classes};
    }

    @Override
    protected String describe() {
        return "seqLen=" + seqLen + ", widths=" + Arrays.toString(WIDTHS) + "x" + MAPS;
    }
}
