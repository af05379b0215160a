package dev.faltung.cli;

import dev.faltung.nn.data.LabelledImages;
import dev.faltung.nn.data.SyntheticShapes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntUnaryOperator;

/** Writes small MNIST-style dataset directories (the four IDX files) made from the embedded shapes. */
final class IdxFixtures {

    private IdxFixtures() {
    }

    /**
     * A directory of {@code train} and {@code test} 1-channel shape images, each padded with
     * {@code pad} black pixels on every side, image {@code i} labelled {@code label(i)}.
     */
    static Path write(Path dir, int train, int test, int pad, IntUnaryOperator label) throws IOException {
        Files.createDirectories(dir);
        writeSplit(dir, "train", SyntheticShapes.images(train, 7, 0), pad, label);
        writeSplit(dir, "t10k", SyntheticShapes.images(test, 7, 1), pad, label);
        return dir;
    }

    private static void writeSplit(Path dir, String split, LabelledImages images, int pad, IntUnaryOperator label)
            throws IOException {
        int n = images.size();
        int h = images.height() + 2 * pad;
        int w = images.width() + 2 * pad;
        ByteBuffer px = ByteBuffer.allocate(16 + n * h * w).putInt(0x0803).putInt(n).putInt(h).putInt(w);
        ByteBuffer lb = ByteBuffer.allocate(8 + n).putInt(0x0801).putInt(n);
        for (int i = 0; i < n; i++) {
            float[] img = images.image(i);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int sy = y - pad;
                    int sx = x - pad;
                    boolean inside = sy >= 0 && sy < images.height() && sx >= 0 && sx < images.width();
                    px.put((byte) (inside ? Math.round(img[sy * images.width() + sx] * 255) : 0));
                }
            }
            lb.put((byte) label.applyAsInt(i));
        }
        Files.write(dir.resolve(split + "-images-idx3-ubyte"), px.array());
        Files.write(dir.resolve(split + "-labels-idx1-ubyte"), lb.array());
    }
}
