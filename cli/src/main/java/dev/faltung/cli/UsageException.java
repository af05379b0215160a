package dev.faltung.cli;

/** Bad command-line usage: reported with the command's usage and exit code 2. */
public final class UsageException extends RuntimeException {

    public UsageException(String message) {
        super(message);
    }
}
