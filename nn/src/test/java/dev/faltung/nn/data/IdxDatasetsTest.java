package dev.faltung.nn.data;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdxDatasetsTest {

    @TempDir
    Path dir;

    private static byte[] idx(int[] shape, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * shape.length + data.length);
        b.putInt(0x0800 | shape.length);
        for (int d : shape) b.putInt(d);
        return b.put(data).array();
    }

    private static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
            gz.write(raw);
        }
        return bos.toByteArray();
    }

    /** A miniature MNIST: 3 training and 2 test images of 2x2 pixels; the test files gzipped. */
    private Path writeMiniMnist(Path d) throws IOException {
        Files.createDirectories(d);
        Files.write(d.resolve("train-images-idx3-ubyte"), idx(new int[] {3, 2, 2},
                new byte[] {0, (byte) 255, 51, 102, 1, 2, 3, 4, 5, 6, 7, 8}));
        Files.write(d.resolve("train-labels-idx1-ubyte"), idx(new int[] {3}, new byte[] {7, 0, 9}));
        Files.write(d.resolve("t10k-images-idx3-ubyte.gz"), gzip(idx(new int[] {2, 2, 2}, new byte[8])));
        Files.write(d.resolve("t10k-labels-idx1-ubyte.gz"), gzip(idx(new int[] {2}, new byte[] {1, 2})));
        return d;
    }

    @Test
    void loadsTheFourFilesPlainOrGzipped() throws IOException {
        TrainTest tt = IdxDatasets.load(writeMiniMnist(dir.resolve("mini")), IdxDatasets.DIGIT_CLASSES);
        assertEquals(3, tt.train().size());
        assertArrayEquals(new int[] {1, 2, 2}, tt.train().imageShape());
        assertArrayEquals(new float[] {0f, 1f, 0.2f, 0.4f}, tt.train().image(0));
        assertArrayEquals(new int[] {7, 0, 9}, tt.train().labels());
        assertArrayEquals(new int[] {1, 2}, tt.test().labels());
    }

    @Test
    void namedDatasetsAreFoundUnderFaltungData() throws IOException {
        writeMiniMnist(dir.resolve("mnist"));
        Map<String, String> env = Map.of(IdxDatasets.DATA_ENV, dir.toString());
        assertEquals(dir.resolve("mnist"), IdxDatasets.resolve("mnist", env));
        Path direct = writeMiniMnist(dir.resolve("elsewhere"));
        assertEquals(direct, IdxDatasets.resolve(direct.toString(), Map.of()));
        assertEquals(direct, IdxDatasets.resolve("fashion-mnist", Map.of(IdxDatasets.DATA_ENV, direct.toString())),
                "$FALTUNG_DATA may hold the four files directly");
    }

    @Test
    void aMissingDatasetSaysHowToGetIt() {
        Map<String, String> env = Map.of(IdxDatasets.DATA_ENV, dir.toString());
        Path noSystemDatasets = dir.resolve("usr-share-datasets");
        FileNotFoundException fashion = assertThrows(FileNotFoundException.class,
                () -> IdxDatasets.resolve("fashion-mnist", env, noSystemDatasets));
        assertTrue(fashion.getMessage().contains("apt-get install dataset-fashion-mnist")
                && fashion.getMessage().contains("--data DIR"), fashion.getMessage());
        FileNotFoundException mnist = assertThrows(FileNotFoundException.class, () -> IdxDatasets.resolve("mnist", env, noSystemDatasets));
        assertTrue(mnist.getMessage().contains("--data DIR") && mnist.getMessage().contains("train-images-idx3-ubyte"),
                mnist.getMessage());
        FileNotFoundException other = assertThrows(FileNotFoundException.class,
                () -> IdxDatasets.resolve(dir.resolve("nope").toString(), env));
        assertTrue(other.getMessage().contains("nope"), other.getMessage());
    }

    @Test
    void rejectsLabelsThatDoNotMatchTheImages() throws IOException {
        Path d = writeMiniMnist(dir.resolve("bad"));
        Files.write(d.resolve("train-labels-idx1-ubyte"), idx(new int[] {2}, new byte[] {1, 2}));
        IOException e = assertThrows(IOException.class, () -> IdxDatasets.load(d, IdxDatasets.DIGIT_CLASSES));
        assertTrue(e.getMessage().contains("2 labels but") && e.getMessage().contains("3 images"), e.getMessage());
        Files.write(d.resolve("train-labels-idx1-ubyte"), idx(new int[] {3}, new byte[] {1, 2, 10}));
        IOException label = assertThrows(IOException.class, () -> IdxDatasets.load(d, IdxDatasets.DIGIT_CLASSES));
        assertTrue(label.getMessage().contains("label 10"), label.getMessage());
    }

    @Test
    void theSystemDatasetsDirectoryIsSearchedAfterFaltungData() throws IOException {
        Path system = dir.resolve("system");
        writeMiniMnist(system.resolve("fashion-mnist"));
        assertEquals(system.resolve("fashion-mnist"), IdxDatasets.resolve("fashion-mnist", Map.of(), system));
        Path mine = writeMiniMnist(dir.resolve("mine/fashion-mnist"));
        assertEquals(mine, IdxDatasets.resolve("fashion-mnist", Map.of(IdxDatasets.DATA_ENV, dir.resolve("mine").toString()), system));
    }

    @Test
    void withoutDataTheEmbeddedShapesAreUsed() throws IOException {
        TrainTest tt = Datasets.load(null, 5);
        assertEquals(6000, tt.train().size());
        assertEquals(SyntheticShapes.CLASSES, tt.test().classNames());
        assertArrayEquals(SyntheticShapes.images(3, 5, 1).images(), tt.test().head(3).images());
        assertTrue(Datasets.describe(null).contains("synthetic"));
    }

    @Test
    void readsDebiansFashionMnistWhenInstalled() throws IOException {
        Path debian = Path.of("/usr/share/datasets/fashion-mnist");
        Assumptions.assumeTrue(Files.isDirectory(debian), "dataset-fashion-mnist is not installed");
        TrainTest tt = IdxDatasets.load(debian, IdxDatasets.FASHION_CLASSES);
        assertEquals(60_000, tt.train().size());
        assertEquals(10_000, tt.test().size());
        assertArrayEquals(new int[] {1, 28, 28}, tt.test().imageShape());
        assertEquals(List.of("T-shirt/top", "Trouser"), tt.train().classNames().subList(0, 2));
        assertEquals(9, tt.train().labels()[0], "the first training image of Fashion-MNIST is an ankle boot");
    }
}
