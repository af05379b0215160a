package dev.faltung.nn.train;

/**
 * Metrics of a model on a labelled set: mean cross-entropy loss, top-1 accuracy, top-5 accuracy
 * (the label is among the five most probable classes; with fewer than five classes always 1), the
 * number of images, and the confusion matrix {@code confusion[label][predicted]}.
 */
public record Evaluation(double loss, double accuracy, double top5, int count, int[][] confusion) {

    /** Images whose predicted class is their label. */
    public long correct() {
        long c = 0;
        for (int i = 0; i < confusion.length; i++) {
            c += confusion[i][i];
        }
        return c;
    }
}
