package dev.faltung.nn.io;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * Replaces a file all at once: the content goes to a temporary file in the same directory, is
 * flushed and fsynced, then renamed over the target. Readers see the old file or the new one,
 * never a half-written one; if the writer throws (or the process dies) the old file is untouched
 * and, barring a crash, the temporary file is removed.
 */
public final class AtomicFile {

    /** Writes the whole content of a file to the stream it is given. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFile() {
    }

    /** Atomically replaces (or creates) {@code target} with what {@code content} writes. */
    public static void write(Path target, Content content) throws IOException {
        Path absolute = target.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            throw new IOException(absolute + " is a directory; refusing to replace it with a file");
        }
        Path dir = absolute.getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        // Same directory as the target: a rename within one file system is atomic on POSIX.
        Path temp = Files.createTempFile(dir, "." + absolute.getFileName() + ".", ".tmp");
        boolean moved = false;
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                OutputStream out = new BufferedOutputStream(new Sliced(Channels.newOutputStream(channel)), 1 << 16);
                content.writeTo(out);
                out.flush();
                channel.force(true); // the data must be on disk before the rename makes it visible
            }
            keepOrdinaryPermissions(temp, absolute);
            try {
                Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("AtomicFile: the file system of " + absolute
                        + " cannot rename atomically; refusing a non-atomic replace", e);
            }
            moved = true;
            syncDirectory(dir);
        } finally {
            if (!moved) {
                Files.deleteIfExists(temp);
            }
        }
    }

    /**
     * Passes large writes on in pieces of at most 1 MiB: a channel writes a heap array through a
     * temporary direct buffer as large as the write, which the JDK then keeps for the thread (a
     * 13 MB checkpoint tensor written at once left 13 MB of native memory behind).
     */
    private static final class Sliced extends FilterOutputStream {
        private static final int SLICE = 1 << 20;

        Sliced(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            for (int at = off, end = off + len; at < end; at += SLICE) {
                out.write(b, at, Math.min(SLICE, end - at));
            }
        }
    }

    /** Atomically replaces (or creates) {@code target} with {@code bytes}. */
    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    /**
     * A temporary file is created owner-only; the result should carry the permissions the target
     * already has, or those of a freshly created file (rw-r--r--) when it is new.
     */
    private static void keepOrdinaryPermissions(Path temp, Path target) throws IOException {
        if (!temp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        java.util.Set<java.nio.file.attribute.PosixFilePermission> perms = Files.exists(target)
                ? Files.getPosixFilePermissions(target)
                : java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--");
        Files.setPosixFilePermissions(temp, perms);
    }

    /** Makes the rename itself durable; not every platform can open a directory, which is fine. */
    private static void syncDirectory(Path dir) {
        if (dir == null) {
            return;
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Windows and some file systems refuse; the rename has happened either way.
        }
    }
}
