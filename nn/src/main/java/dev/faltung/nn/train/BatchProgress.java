package dev.faltung.nn.train;

/**
 * Progress within an epoch after batch {@code batch} (1-based) of {@code batches}: the running
 * mean loss and accuracy of the epoch so far, images seen in the epoch and seconds since it began.
 */
public record BatchProgress(int epoch, int epochs, int batch, int batches, long images, double loss,
                            double accuracy, double seconds) {

    /** Training throughput of this epoch so far. */
    public double imagesPerSecond() {
        return seconds > 0 ? images / seconds : 0;
    }

    /** Estimated seconds left in this epoch at the current rate. */
    public double epochSecondsLeft() {
        return batch == 0 ? Double.NaN : seconds / batch * (batches - batch);
    }
}
