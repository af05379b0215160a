package dev.faltung.nn.plot;

import dev.faltung.nn.io.ImageFiles;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Training charts drawn with Java2D in headless mode and written atomically as PNG:
 * {@code curves.png} (loss and accuracy per epoch, train and validation) and
 * {@code confusion.png} (a confusion-matrix heat map with counts and class names).
 */
public final class Charts {

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private static final Color TRAIN = new Color(0x1f77b4);
    private static final Color VALIDATION = new Color(0xff7f0e);
    private static final Color GRID = new Color(0xE6E6E6);
    private static final Font FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 14);

    private Charts() {
    }

    /**
     * Per-epoch metrics; validation arrays may be empty (no validation set). Entry i is epoch i+1.
     * Accuracies are fractions in [0, 1].
     */
    public record Curves(double[] trainLoss, double[] validationLoss, double[] trainAccuracy, double[] validationAccuracy) {
        /** Checks that every non-empty series covers the same epochs. */
        public Curves {
            int n = trainLoss.length;
            for (double[] s : new double[][] {validationLoss, trainAccuracy, validationAccuracy}) {
                if (s.length != 0 && s.length != n) {
                    throw new IllegalArgumentException("Charts.Curves: series lengths differ (" + n + " vs " + s.length + ")");
                }
            }
        }
    }

    /** Draws loss (left) and accuracy (right) against epoch and writes {@code file} atomically. */
    public static void curves(Path file, Curves curves) throws IOException {
        ImageFiles.writePng(file, renderCurves(curves));
    }

    static BufferedImage renderCurves(Curves c) {
        int width = 1000;
        int height = 420;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img);
        panel(g, 0, 0, width / 2, height, "Loss", "loss", c.trainLoss(), c.validationLoss(), false);
        panel(g, width / 2, 0, width / 2, height, "Accuracy", "accuracy (%)", c.trainAccuracy(), c.validationAccuracy(), true);
        g.dispose();
        return img;
    }

    private static void panel(Graphics2D g, int ox, int oy, int w, int h, String title, String yLabel,
                              double[] train, double[] validation, boolean percent) {
        int left = ox + 70;
        int right = ox + w - 20;
        int top = oy + 40;
        int bottom = oy + h - 55;
        int epochs = Math.max(train.length, validation.length);
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double[] s : new double[][] {train, validation}) {
            for (double v : s) {
                double y = percent ? 100 * v : v;
                if (Double.isFinite(y)) {
                    lo = Math.min(lo, y);
                    hi = Math.max(hi, y);
                }
            }
        }
        if (!(lo <= hi)) { // nothing finite to plot
            lo = 0;
            hi = 1;
        }
        if (percent) {
            lo = Math.max(0, lo);
            hi = Math.min(100, hi);
        } else {
            lo = Math.min(0, lo); // loss from zero shows how far from perfect it is
        }
        double[] yTicks = niceTicks(lo, hi, 6);
        double yMin = yTicks[0];
        double yMax = yTicks[yTicks.length - 1];
        double xMin = 1;
        double xMax = Math.max(2, epochs);
        double[] xTicks = niceTicks(xMin, xMax, 8);

        g.setFont(TITLE);
        g.setColor(Color.BLACK);
        centred(g, title, (left + right) / 2, oy + 24);
        g.setFont(FONT);
        FontMetrics fm = g.getFontMetrics();
        for (double t : yTicks) {
            int y = (int) Math.round(map(t, yMin, yMax, bottom, top));
            g.setColor(GRID);
            g.drawLine(left, y, right, y);
            g.setColor(Color.BLACK);
            g.drawLine(left - 5, y, left, y);
            String s = format(t);
            g.drawString(s, left - 8 - fm.stringWidth(s), y + fm.getAscent() / 2 - 1);
        }
        for (double t : xTicks) {
            if (t < xMin || t > xMax || t != Math.rint(t)) continue; // epochs are whole numbers
            int x = (int) Math.round(map(t, xMin, xMax, left, right));
            g.setColor(GRID);
            g.drawLine(x, top, x, bottom);
            g.setColor(Color.BLACK);
            g.drawLine(x, bottom, x, bottom + 5);
            centred(g, format(t), x, bottom + 8 + fm.getAscent());
        }
        g.setColor(Color.BLACK);
        g.drawRect(left, top, right - left, bottom - top);
        centred(g, "epoch", (left + right) / 2, bottom + 40);
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2);
        centred(g, yLabel, -(top + bottom) / 2, ox + 18);
        g.setTransform(saved);

        series(g, train, percent, TRAIN, xMin, xMax, yMin, yMax, left, right, top, bottom);
        series(g, validation, percent, VALIDATION, xMin, xMax, yMin, yMax, left, right, top, bottom);

        // Legend in the upper right corner of the plot area.
        List<String> names = new ArrayList<>();
        List<Color> colours = new ArrayList<>();
        if (train.length > 0) { names.add("train"); colours.add(TRAIN); }
        if (validation.length > 0) { names.add("validation"); colours.add(VALIDATION); }
        int lw = 0;
        for (String s : names) lw = Math.max(lw, fm.stringWidth(s));
        int bx = right - lw - 44;
        int by = top + 8;
        if (!names.isEmpty()) {
            g.setColor(new Color(255, 255, 255, 220));
            g.fillRect(bx, by, lw + 36, 18 * names.size() + 6);
            g.setColor(Color.GRAY);
            g.drawRect(bx, by, lw + 36, 18 * names.size() + 6);
        }
        for (int i = 0; i < names.size(); i++) {
            int y = by + 14 + 18 * i;
            g.setColor(colours.get(i));
            g.setStroke(new BasicStroke(2.5f));
            g.drawLine(bx + 6, y - 4, bx + 26, y - 4);
            g.setStroke(new BasicStroke(1f));
            g.setColor(Color.BLACK);
            g.drawString(names.get(i), bx + 30, y);
        }
    }

    private static void series(Graphics2D g, double[] s, boolean percent, Color colour, double xMin, double xMax,
                               double yMin, double yMax, int left, int right, int top, int bottom) {
        g.setColor(colour);
        g.setStroke(new BasicStroke(2.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        Path2D.Double path = new Path2D.Double();
        boolean open = false;
        for (int i = 0; i < s.length; i++) {
            double v = percent ? 100 * s[i] : s[i];
            if (!Double.isFinite(v)) { // a diverged epoch breaks the line rather than wrecking the scale
                open = false;
                continue;
            }
            double x = map(i + 1, xMin, xMax, left, right);
            double y = map(v, yMin, yMax, bottom, top);
            if (open) path.lineTo(x, y); else path.moveTo(x, y);
            open = true;
            g.fillOval((int) Math.round(x) - 3, (int) Math.round(y) - 3, 7, 7);
        }
        g.draw(path);
        g.setStroke(new BasicStroke(1f));
    }

    /** Draws a confusion matrix (rows: true class, columns: predicted) and writes {@code file} atomically. */
    public static void confusion(Path file, long[][] counts, List<String> classNames) throws IOException {
        ImageFiles.writePng(file, renderConfusion(counts, classNames));
    }

    static BufferedImage renderConfusion(long[][] counts, List<String> names) {
        int k = names.size();
        if (counts.length != k) {
            throw new IllegalArgumentException("Charts.confusion: " + counts.length + " rows for " + k + " classes");
        }
        for (long[] row : counts) {
            if (row.length != k) {
                throw new IllegalArgumentException("Charts.confusion: a row has " + row.length + " columns for " + k + " classes");
            }
        }
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D pg = probe.createGraphics();
        FontMetrics fm = pg.getFontMetrics(FONT);
        int labelWidth = 0;
        for (String s : names) labelWidth = Math.max(labelWidth, fm.stringWidth(s));
        pg.dispose();
        int cell = Math.max(36, Math.min(60, 600 / Math.max(1, k)));
        int left = labelWidth + 40;
        int top = 50;
        int gridSize = cell * k;
        int width = left + gridSize + 30;
        int height = top + gridSize + labelWidth + 45;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img);

        long total = 0;
        long correct = 0;
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                total += counts[i][j];
                if (i == j) correct += counts[i][j];
            }
        }
        g.setFont(TITLE);
        g.setColor(Color.BLACK);
        String title = String.format(Locale.ROOT, "Confusion matrix (accuracy %.2f%% of %d)",
                total == 0 ? 0.0 : 100.0 * correct / total, total);
        centred(g, title, width / 2, 24);

        Font cellFont = new Font(Font.SANS_SERIF, Font.PLAIN, cell >= 48 ? 12 : 10);
        for (int i = 0; i < k; i++) {
            long rowTotal = 0;
            for (long v : counts[i]) rowTotal += v;
            for (int j = 0; j < k; j++) {
                // Shade by the fraction of the true class, so rare classes are as readable as common ones.
                double f = rowTotal == 0 ? 0 : (double) counts[i][j] / rowTotal;
                Color fill = blend(new Color(0xF7FBFF), new Color(0x08306B), Math.sqrt(f));
                int x = left + j * cell;
                int y = top + i * cell;
                g.setColor(fill);
                g.fillRect(x, y, cell, cell);
                g.setColor(Color.WHITE);
                g.drawRect(x, y, cell, cell);
                g.setFont(cellFont);
                g.setColor(Math.sqrt(f) > 0.55 ? Color.WHITE : Color.BLACK);
                centred(g, Long.toString(counts[i][j]), x + cell / 2, y + cell / 2 + g.getFontMetrics().getAscent() / 2 - 1);
            }
        }
        g.setFont(FONT);
        g.setColor(Color.BLACK);
        for (int i = 0; i < k; i++) {
            String s = names.get(i);
            int y = top + i * cell + cell / 2 + fm.getAscent() / 2 - 1;
            g.drawString(s, left - 6 - fm.stringWidth(s), y);
        }
        AffineTransform saved = g.getTransform();
        for (int j = 0; j < k; j++) {
            String s = names.get(j);
            int x = left + j * cell + cell / 2 + fm.getAscent() / 2 - 1;
            g.setTransform(saved);
            g.translate(x, top + gridSize + 6);
            g.rotate(Math.PI / 2); // vertical text: long class names never overlap
            g.drawString(s, 0, 0);
        }
        g.setTransform(saved);
        centred(g, "predicted", left + gridSize / 2, height - 10);
        g.rotate(-Math.PI / 2);
        centred(g, "true", -(top + gridSize / 2), 16);
        g.setTransform(saved);
        g.dispose();
        return img;
    }

    private static Graphics2D canvas(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        return g;
    }

    private static void centred(Graphics2D g, String s, int x, int baseline) {
        g.drawString(s, x - g.getFontMetrics().stringWidth(s) / 2, baseline);
    }

    private static double map(double v, double a, double b, double to0, double to1) {
        return to0 + (v - a) / (b - a) * (to1 - to0);
    }

    private static Color blend(Color a, Color b, double t) {
        return new Color((int) Math.round(a.getRed() + t * (b.getRed() - a.getRed())),
                (int) Math.round(a.getGreen() + t * (b.getGreen() - a.getGreen())),
                (int) Math.round(a.getBlue() + t * (b.getBlue() - a.getBlue())));
    }

    /**
     * Tick positions covering [lo, hi] with a step of 1, 2 or 5 times a power of ten
     * (Heckbert, "Nice numbers for graph labels", Graphics Gems 1990); first and last ticks
     * enclose the range.
     */
    static double[] niceTicks(double lo, double hi, int target) {
        if (hi - lo < 1e-12) {
            hi = lo + 1;
        }
        double raw = (hi - lo) / Math.max(1, target - 1);
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double r = raw / mag;
        double step = (r < 1.5 ? 1 : r < 3 ? 2 : r < 7 ? 5 : 10) * mag;
        double start = Math.floor(lo / step) * step;
        double end = Math.ceil(hi / step) * step;
        int n = (int) Math.round((end - start) / step) + 1;
        double[] t = new double[n];
        for (int i = 0; i < n; i++) t[i] = start + i * step;
        return t;
    }

    private static String format(double v) {
        if (Math.abs(v - Math.rint(v)) < 1e-9) return Long.toString(Math.round(v));
        String s = String.format(Locale.ROOT, "%.4f", v);
        return s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
}
