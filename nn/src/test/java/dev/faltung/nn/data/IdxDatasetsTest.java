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
        return idx(0x08, shape, data);
    }

    /** An IDX file of type {@code code} (0x08 unsigned byte, 0x0C int, ...) holding {@code data} as given. */
    private static byte[] idx(int code, int[] shape, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * shape.length + data.length);
        b.putInt(code << 8 | shape.length);
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

    /** A dataset of {@code n} 2x2 images per split whose labels are {@code labels} (the same for train and test). */
    private Path writeLabelled(Path d, byte[] labels) throws IOException {
        Files.createDirectories(d);
        int n = labels.length;
        for (String split : new String[] {"train", "t10k"}) {
            Files.write(d.resolve(split + "-images-idx3-ubyte"), idx(new int[] {n, 2, 2}, new byte[4 * n]));
            Files.write(d.resolve(split + "-labels-idx1-ubyte"), idx(new int[] {n}, labels));
        }
        return d;
    }

    @Test
    void aDirectorysClassesAreNumberedUpToItsLargestLabel() throws IOException {
        byte[] balanced = new byte[94];
        for (int i = 0; i < balanced.length; i++) balanced[i] = (byte) (i % 47); // EMNIST-balanced: 47 classes
        TrainTest emnist = IdxDatasets.load(writeLabelled(dir.resolve("emnist"), balanced));
        assertEquals(47, emnist.train().classCount());
        assertEquals(47, emnist.test().classCount());
        assertEquals("46", emnist.train().classNames().get(46));

        TrainTest three = IdxDatasets.load(writeLabelled(dir.resolve("three"), new byte[] {0, 2, 1, 2}));
        assertEquals(IdxDatasets.numberedClasses(3), three.train().classNames());
    }

    @Test
    void theClassCountCoversLabelsSeenOnlyInTheTestSet() throws IOException {
        Path d = writeLabelled(dir.resolve("d"), new byte[] {0, 1});
        Files.write(d.resolve("t10k-labels-idx1-ubyte"), idx(new int[] {2}, new byte[] {4, 1}));
        TrainTest tt = IdxDatasets.load(d);
        assertEquals(5, tt.train().classCount());
        assertEquals(tt.train().classNames(), tt.test().classNames());
    }

    @Test
    void namedClassesStillRejectLabelsBeyondThem() throws IOException {
        Path d = writeLabelled(dir.resolve("d"), new byte[] {0, (byte) 255});
        IOException e = assertThrows(IOException.class, () -> IdxDatasets.load(d, IdxDatasets.FASHION_CLASSES));
        assertTrue(e.getMessage().contains("train-labels-idx1-ubyte") && e.getMessage().contains("label 255 at index 1")
                && e.getMessage().contains("10 classes"), e.getMessage());
    }

    @Test
    void labelsMayBeWiderIntegersButNotNegative() throws IOException {
        Path d = writeLabelled(dir.resolve("d"), new byte[] {0, 1});
        Files.write(d.resolve("train-labels-idx1-ubyte"), idx(0x0C, new int[] {2}, new byte[] {0, 0, 1, 44, 0, 0, 0, 3}));
        assertEquals(300, IdxDatasets.load(d).train().labels()[0]); // 1·256 + 44
        Files.write(d.resolve("train-labels-idx1-ubyte"), idx(0x0C, new int[] {2}, new byte[] {-1, -1, -1, -1, 0, 0, 0, 3}));
        IOException e = assertThrows(IOException.class, () -> IdxDatasets.load(d));
        assertTrue(e.getMessage().contains("label -1 at index 0"), e.getMessage());
        Files.write(d.resolve("train-labels-idx1-ubyte"), idx(0x0D, new int[] {2}, new byte[8]));
        e = assertThrows(IOException.class, () -> IdxDatasets.load(d));
        assertTrue(e.getMessage().contains("expected integer labels of shape [N], got FLOAT [2]"), e.getMessage());
    }

    @Test
    void colourImagesChannelsLastOrFirstAreReadAsChannelsHeightWidth() throws IOException {
        Path d = writeLabelled(dir.resolve("rgb"), new byte[] {3});
        // One 1x2 RGB image: pixel 0 is (1, 2, 3), pixel 1 is (4, 5, 6).
        Files.write(d.resolve("train-images-idx3-ubyte"), idx(new int[] {1, 1, 2, 3}, new byte[] {1, 2, 3, 4, 5, 6}));
        Files.write(d.resolve("t10k-images-idx3-ubyte"), idx(new int[] {1, 3, 1, 2}, new byte[] {1, 4, 2, 5, 3, 6}));
        TrainTest tt = IdxDatasets.load(d);
        assertArrayEquals(new int[] {3, 1, 2}, tt.train().imageShape());
        float[] expected = {1 / 255f, 4 / 255f, 2 / 255f, 5 / 255f, 3 / 255f, 6 / 255f};
        assertArrayEquals(expected, tt.train().image(0));
        assertArrayEquals(expected, tt.test().image(0));

        Files.write(d.resolve("train-images-idx3-ubyte"), idx(new int[] {1, 2, 2, 2}, new byte[8]));
        IOException e = assertThrows(IOException.class, () -> IdxDatasets.load(d));
        assertTrue(e.getMessage().contains("neither 1 nor 3 channels"), e.getMessage());
    }

    @Test
    void trainAndTestImagesMustAgreeInChannelsAndSize() throws IOException {
        Path d = writeLabelled(dir.resolve("d"), new byte[] {0});
        Files.write(d.resolve("t10k-images-idx3-ubyte"), idx(new int[] {1, 2, 2, 3}, new byte[12]));
        IOException e = assertThrows(IOException.class, () -> IdxDatasets.load(d));
        assertTrue(e.getMessage().contains("train images are 1x2x2 (CxHxW) but test images are 3x2x2"), e.getMessage());
    }

    @Test
    void emptyOrPixelFreeImageFilesAreRejectedNamingTheFile() throws IOException {
        Path d = writeLabelled(dir.resolve("d"), new byte[] {0});
        Files.write(d.resolve("t10k-images-idx3-ubyte"), idx(new int[] {0, 2, 2}, new byte[0]));
        Files.write(d.resolve("t10k-labels-idx1-ubyte"), idx(new int[] {0}, new byte[0]));
        IOException empty = assertThrows(IOException.class, () -> IdxDatasets.load(d));
        assertTrue(empty.getMessage().contains("t10k-images-idx3-ubyte: holds no images"), empty.getMessage());

        Files.write(d.resolve("t10k-images-idx3-ubyte"), idx(new int[] {1, 0, 2}, new byte[0]));
        IOException pixelFree = assertThrows(IOException.class, () -> IdxDatasets.load(d));
        assertTrue(pixelFree.getMessage().contains("t10k-images-idx3-ubyte: images of shape [1, 0, 2] have no pixels"),
                pixelFree.getMessage());
    }

    @Test
    void theTestSetAloneNeedsOnlyTheTestFiles() throws IOException {
        Path d = writeLabelled(dir.resolve("d"), new byte[] {0, 5});
        Files.delete(d.resolve("train-images-idx3-ubyte"));
        Files.delete(d.resolve("train-labels-idx1-ubyte"));
        LabelledImages test = IdxDatasets.loadTest(d.toString());
        assertEquals(2, test.size());
        assertEquals(6, test.classCount());
        FileNotFoundException e = assertThrows(FileNotFoundException.class, () -> IdxDatasets.load(d.toString()));
        assertTrue(e.getMessage().contains("lacks train-images-idx3-ubyte, train-labels-idx1-ubyte"), e.getMessage());
    }

    @Test
    void aFileGivenAsTheDatasetIsCalledAFile() throws IOException {
        Path f = Files.writeString(dir.resolve("train-images-idx3-ubyte"), "x");
        FileNotFoundException e = assertThrows(FileNotFoundException.class, () -> IdxDatasets.resolve(f.toString(), Map.of()));
        assertTrue(e.getMessage().contains(f + " is a file, not a directory"), e.getMessage());
    }

    @Test
    void theUncompressedFileIsReadWhereBothFormsArePresent() throws IOException {
        Path d = writeLabelled(dir.resolve("d"), new byte[] {1});
        Files.write(d.resolve("train-labels-idx1-ubyte.gz"), gzip(idx(new int[] {1}, new byte[] {7})));
        assertEquals(1, IdxDatasets.load(d).train().labels()[0]);
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
