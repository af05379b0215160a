package dev.faltung.nn.io;

import java.io.IOException;
import java.nio.file.Path;

/** A file that is not what its format requires (bad magic, truncated, hostile sizes); the message names the file. */
public final class MalformedFileException extends IOException {

    private final transient Path file;

    public MalformedFileException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    public MalformedFileException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** The offending file. */
    public Path file() {
        return file;
    }
}
