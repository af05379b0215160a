package dev.faltung.nn.io;

import dev.faltung.nn.data.Image;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageFilesTest {

    @TempDir
    Path dir;

    @Test
    void readsAsciiPgmWithComments() throws IOException {
        Path f = dir.resolve("a.pgm");
        Files.writeString(f, "P2\n# made by hand\n3 2 # width height\n4\n0 1 2\n3 4 0\n", StandardCharsets.US_ASCII);
        Image img = ImageFiles.read(f);
        assertArrayEquals(new int[] {1, 2, 3}, new int[] {img.channels(), img.height(), img.width()});
        assertArrayEquals(new float[] {0, 0.25f, 0.5f, 0.75f, 1, 0}, img.pixels());
    }

    @Test
    void readsBinaryPgmOfEightAndSixteenBits() throws IOException {
        Path f8 = dir.resolve("b.pgm");
        byte[] h8 = "P5 2 1 255\n".getBytes(StandardCharsets.US_ASCII);
        byte[] d8 = new byte[h8.length + 2];
        System.arraycopy(h8, 0, d8, 0, h8.length);
        d8[h8.length] = (byte) 255;
        d8[h8.length + 1] = 10; // '\n' as a sample: the raster starts after exactly one whitespace byte
        Files.write(f8, d8);
        assertArrayEquals(new float[] {1f, 10 / 255f}, ImageFiles.read(f8).pixels());

        Path f16 = dir.resolve("c.pgm");
        byte[] h16 = "P5\n1 1\n65535\n".getBytes(StandardCharsets.US_ASCII);
        byte[] d16 = new byte[h16.length + 2];
        System.arraycopy(h16, 0, d16, 0, h16.length);
        d16[h16.length] = (byte) 0x80;
        Files.write(f16, d16);
        assertEquals(0x8000 / 65535f, ImageFiles.read(f16).pixels()[0], 1e-7f);
    }

    @Test
    void rejectsBrokenPgm() throws IOException {
        assertRejected("P5 4 4 255\n\u0001\u0002", "truncated PGM raster");
        assertRejected("P2 2 1 10\n3", "truncated");
        assertRejected("P2 1 1 10\n11", "above maxval");
        assertRejected("P2 0 1 10\n", "empty");
        assertRejected("P2 99999 99999 255\n", "above");
        assertRejected("P2 1 1 70000\n1", "maxval 70000");
        assertRejected("P2 x", "width");
        assertRejected("not an image at all", "not an image");
    }

    @Test
    void pngRoundTripsGrayAndRgbAndJpegReadsAsRgb() throws IOException {
        Image gray = new Image(1, 2, 3, new float[] {0, 1, 0.2f, 0.4f, 0.6f, 0.8f});
        Path g = dir.resolve("g.png");
        ImageFiles.writePng(g, gray);
        assertArrayEquals(gray.pixels(), ImageFiles.read(g).pixels(), 0.6f / 255);

        Image rgb = new Image(3, 1, 2, new float[] {1, 0, 0, 1, 0.5f, 0});
        Path c = dir.resolve("c.png");
        ImageFiles.writePng(c, rgb);
        Image back = ImageFiles.read(c);
        assertEquals(3, back.channels());
        assertArrayEquals(rgb.pixels(), back.pixels(), 0.6f / 255);

        BufferedImage flat = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) for (int x = 0; x < 8; x++) flat.setRGB(x, y, 0x808080);
        Path j = dir.resolve("flat.jpg");
        assertTrue(ImageIO.write(flat, "jpeg", j.toFile()));
        Image jpeg = ImageFiles.readAs(j, 1, 4, 4);
        assertArrayEquals(new int[] {1, 4, 4}, new int[] {jpeg.channels(), jpeg.height(), jpeg.width()});
        for (float v : jpeg.pixels()) assertEquals(128 / 255f, v, 3 / 255f);

        Path pgm = dir.resolve("round.pgm");
        ImageFiles.writePgm(pgm, gray);
        assertArrayEquals(gray.pixels(), ImageFiles.read(pgm).pixels(), 0.6f / 255);
    }

    @Test
    void readsPpmAsRgb() throws IOException {
        Path ascii = dir.resolve("a.ppm");
        Files.writeString(ascii, "P3 2 1 255\n255 0 0  0 0 255\n", StandardCharsets.US_ASCII);
        Image img = ImageFiles.read(ascii);
        assertEquals(3, img.channels());
        assertArrayEquals(new float[] {1, 0, 0, 0, 0, 1}, img.pixels()); // planes R, G, B of 2 pixels
        Path binary = dir.resolve("b.ppm");
        byte[] h = "P6 1 1 255\n".getBytes(StandardCharsets.US_ASCII);
        byte[] d = java.util.Arrays.copyOf(h, h.length + 3);
        d[h.length] = (byte) 255;
        Files.write(binary, d);
        assertArrayEquals(new float[] {1, 0, 0}, ImageFiles.read(binary).pixels());
    }

    @Test
    void anAsciiRasterClaimingMorePixelsThanTheFileHoldsIsRefusedBeforeAllocating() throws IOException {
        assertRejected("P2 5000 5000 255\n1 2 3", "needs 25000000 samples");
    }

    @Test
    void truncatedAndCorruptFilesAreErrorsNamingTheFile() throws IOException {
        BufferedImage photo = new BufferedImage(256, 256, BufferedImage.TYPE_INT_RGB);
        java.util.Random noise = new java.util.Random(1);
        for (int y = 0; y < 256; y++) for (int x = 0; x < 256; x++) photo.setRGB(x, y, noise.nextInt());
        Path jpg = dir.resolve("photo.jpg");
        assertTrue(ImageIO.write(photo, "jpeg", jpg.toFile()));
        byte[] jpeg = Files.readAllBytes(jpg);
        Files.write(jpg, java.util.Arrays.copyOf(jpeg, jpeg.length / 2));
        assertMalformed(jpg, "truncated JPEG image");

        Path png = dir.resolve("photo.png");
        ImageFiles.writePng(png, photo);
        byte[] bytes = Files.readAllBytes(png);
        Files.write(png, java.util.Arrays.copyOf(bytes, bytes.length - 30));
        assertMalformed(png, "cannot decode this PNG image");
    }

    @Test
    void aHeaderClaimingAHugeImageIsRefusedBeforeDecoding() throws IOException {
        // A valid PNG signature and IHDR for 100000 x 100000 pixels, and no image data.
        java.nio.ByteBuffer ihdr = java.nio.ByteBuffer.allocate(17).put("IHDR".getBytes(StandardCharsets.US_ASCII))
                .putInt(100_000).putInt(100_000).put(new byte[] {8, 0, 0, 0, 0});
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(ihdr.array());
        java.nio.ByteBuffer png = java.nio.ByteBuffer.allocate(8 + 4 + 17 + 4)
                .put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}).putInt(13).put(ihdr.array())
                .putInt((int) crc.getValue());
        Path bomb = dir.resolve("bomb.png");
        Files.write(bomb, png.array());
        assertMalformed(bomb, "image size 100000x100000 is empty or above 268435456 pixels");
    }

    @Test
    void aLargeImageIsDecodedSubsampledForASmallTarget() throws IOException {
        // 1200 x 600 of vertical stripes 100 pixels wide; read for a 6 x 12 input.
        BufferedImage big = new BufferedImage(1200, 600, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 600; y++) for (int x = 0; x < 1200; x++) big.getRaster().setSample(x, y, 0, x / 100 % 2 * 255);
        Path png = dir.resolve("big.png");
        ImageFiles.writePng(png, big);
        Image small = ImageFiles.readAs(png, 1, 6, 12);
        assertArrayEquals(new int[] {1, 6, 12}, new int[] {small.channels(), small.height(), small.width()});
        for (int x = 0; x < 12; x++) assertEquals(x % 2, small.pixels()[x], 1e-6f, "column " + x);
    }

    @Test
    void aDirectoryOrAMissingFileIsNamed() throws IOException {
        assertMalformed(dir, "is a directory, not an image file");
        java.nio.file.NoSuchFileException e = assertThrows(java.nio.file.NoSuchFileException.class,
                () -> ImageFiles.read(dir.resolve("none.png")));
        assertTrue(e.getMessage().endsWith("none.png: no such image file"), e.getMessage());
    }

    @Test
    void sixteenBitGrayAndAlphaImagesKeepTheirChannels() throws IOException {
        BufferedImage gray16 = new BufferedImage(1, 1, BufferedImage.TYPE_USHORT_GRAY);
        gray16.getRaster().setSample(0, 0, 0, 0x8000);
        Path g = dir.resolve("g16.png");
        ImageFiles.writePng(g, gray16);
        Image read = ImageFiles.read(g);
        assertEquals(1, read.channels());
        assertEquals(0x8000 / 65535f, read.pixels()[0], 1e-6f);

        BufferedImage rgba = new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB);
        rgba.setRGB(0, 0, 0x10FF8000); // nearly transparent orange: the colour counts, the alpha does not
        Path c = dir.resolve("rgba.png");
        ImageFiles.writePng(c, rgba);
        assertArrayEquals(new float[] {1, 128 / 255f, 0}, ImageFiles.read(c).pixels(), 1e-6f);
    }

    private static void assertMalformed(Path file, String expected) {
        MalformedFileException e = assertThrows(MalformedFileException.class, () -> ImageFiles.readAs(file, 1, 28, 28));
        assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains(expected),
                "expected '" + expected + "' in: " + e.getMessage());
    }

    private void assertRejected(String content, String expected) throws IOException {
        Path f = dir.resolve("bad.pgm");
        Files.write(f, content.getBytes(StandardCharsets.ISO_8859_1));
        MalformedFileException e = assertThrows(MalformedFileException.class, () -> ImageFiles.read(f));
        assertTrue(e.getMessage().contains(expected) && e.getMessage().contains("bad.pgm"),
                "expected '" + expected + "' in: " + e.getMessage());
    }
}
