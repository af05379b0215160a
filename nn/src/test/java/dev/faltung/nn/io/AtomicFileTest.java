package dev.faltung.nn.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AtomicFileTest {

    @TempDir
    Path dir;

    @Test
    void newFilesAreWorldReadableAndReplacementsKeepTheirPermissions() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"),
                "POSIX permissions are not supported on this file system");
        Path f = dir.resolve("model.bin");
        AtomicFile.write(f, new byte[] {1});
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw----"));
        AtomicFile.write(f, new byte[] {2});
        assertEquals("rw-rw----", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    }

    @Test
    void createsAndReplacesFiles() throws IOException {
        Path f = dir.resolve("sub/out.bin");
        AtomicFile.write(f, new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(f));
        AtomicFile.write(f, new byte[] {9});
        assertArrayEquals(new byte[] {9}, Files.readAllBytes(f));
        assertEquals(1, listing(f.getParent()).length, "only the target remains in the directory");
    }

    @Test
    void aWriterThatFailsHalfwayLeavesTheOldFileByteIdenticalAndNoTempFile() throws IOException {
        Path f = dir.resolve("model.safetensors");
        byte[] old = new byte[10_000];
        for (int i = 0; i < old.length; i++) old[i] = (byte) (i * 31);
        Files.write(f, old);

        IOException crash = assertThrows(IOException.class, () -> AtomicFile.write(f, out -> {
            out.write(new byte[200_000]); // more than the buffer, so bytes have reached the temp file
            throw new IOException("simulated crash halfway");
        }));
        assertEquals("simulated crash halfway", crash.getMessage());
        assertArrayEquals(old, Files.readAllBytes(f));
        assertArrayEquals(new String[] {"model.safetensors"}, listing(dir));
    }

    @Test
    void aRuntimeFailureAlsoCleansUp() throws IOException {
        Path f = dir.resolve("x.npy");
        assertThrows(IllegalStateException.class, () -> AtomicFile.write(f, out -> {
            out.write(1);
            throw new IllegalStateException("boom");
        }));
        assertArrayEquals(new String[0], listing(dir));
    }

    @Test
    void aDirectoryInTheWayIsNotReplaced() throws IOException {
        Path d = Files.createDirectory(dir.resolve("model.safetensors"));
        IOException e = assertThrows(IOException.class, () -> AtomicFile.write(d, new byte[] {1}));
        assertEquals(d + " is a directory; refusing to replace it with a file", e.getMessage());
        assertArrayEquals(new String[] {"model.safetensors"}, listing(dir));
    }

    private static String[] listing(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toArray(String[]::new);
        }
    }
}
