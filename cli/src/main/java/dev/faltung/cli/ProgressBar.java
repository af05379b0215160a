package dev.faltung.cli;

import dev.faltung.nn.train.BatchProgress;
import java.io.PrintStream;
import java.lang.reflect.Method;

/**
 * A one-line progress bar redrawn in place with carriage returns: epoch, a bar, running loss and
 * accuracy, images/s and the epoch's ETA. Redraws at most every 100 ms so a fast loop is not
 * slowed by the terminal.
 */
final class ProgressBar {

    private static final int WIDTH = 24;
    private static final long MIN_REDRAW_NANOS = 100_000_000L;

    private final PrintStream out;
    private long lastDraw;
    private boolean drawn;

    ProgressBar(PrintStream out) {
        this.out = out;
    }

    /**
     * Whether standard output and error are an interactive terminal. Before JDK 22
     * {@code System.console()} is null unless they are; from JDK 22 it may exist for redirected
     * streams too, and {@code Console.isTerminal()} tells the difference.
     */
    static boolean onTerminal() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            Method isTerminal = console.getClass().getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    void update(BatchProgress p) {
        long now = System.nanoTime();
        if (p.batch() < p.batches() && drawn && now - lastDraw < MIN_REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        drawn = true;
        int filled = (int) Math.round(WIDTH * (double) p.batch() / p.batches());
        String bar = "#".repeat(filled) + ".".repeat(WIDTH - filled);
        out.printf("\repoch %d/%d [%s] %d/%d loss %.4f acc %.2f%% %.0f img/s ETA %s  ", p.epoch(), p.epochs(), bar,
                p.batch(), p.batches(), p.loss(), 100 * p.accuracy(), p.imagesPerSecond(),
                duration(p.epochSecondsLeft()));
        out.flush();
    }

    /** Clears the bar's line so the next output starts clean. */
    void clear() {
        if (drawn) {
            out.print("\r" + " ".repeat(110) + "\r");
            out.flush();
            drawn = false;
        }
    }

    static String duration(double seconds) {
        if (Double.isNaN(seconds) || seconds < 0) {
            return "--:--";
        }
        long s = Math.round(seconds);
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format("%02d:%02d", s / 60, s % 60);
    }
}
