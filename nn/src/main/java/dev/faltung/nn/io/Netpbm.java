package dev.faltung.nn.io;

import dev.faltung.nn.data.Image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Netpbm images (<a href="https://netpbm.sourceforge.net/doc/pgm.html">netpbm.sourceforge.net</a>):
 * graymaps P2 (ASCII) and P5 (binary) with one channel, pixmaps P3 and P6 with three; maxval up
 * to 65535 (binary samples of two big-endian bytes above 255). Sizes are checked against the
 * file before anything is allocated for them.
 */
final class Netpbm {

    private Netpbm() {
    }

    /** True when {@code head} (the first two bytes of a file) is the magic of a format read here. */
    static boolean isNetpbm(byte[] head) {
        return head.length == 2 && head[0] == 'P' && (head[1] == '2' || head[1] == '3' || head[1] == '5' || head[1] == '6');
    }

    /** Decides, from an image's height and width, the subsampling step to read it with, or refuses it. */
    @FunctionalInterface
    interface Sizing {
        int step(long height, long width) throws IOException;
    }

    /**
     * Reads {@code file}, keeping every s-th pixel of every s-th row from the first (as ImageIO's
     * source subsampling does), s being what {@code sizing} decides once the header is read.
     */
    static Image read(Path file, Sizing sizing) throws IOException {
        if (Files.size(file) > Integer.MAX_VALUE - 8) {
            throw new MalformedFileException(file, "a Netpbm file of " + Files.size(file) + " bytes is too large to read");
        }
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length < 2 || !isNetpbm(new byte[] {bytes[0], bytes[1]})) {
            throw new MalformedFileException(file, "not a PGM/PPM file (expected magic P2, P3, P5 or P6)");
        }
        boolean binary = bytes[1] == '5' || bytes[1] == '6';
        int channels = bytes[1] == '3' || bytes[1] == '6' ? 3 : 1;
        String kind = channels == 1 ? "PGM" : "PPM";
        int[] pos = {2};
        long w = headerInt(bytes, pos, file, kind + " width");
        long h = headerInt(bytes, pos, file, kind + " height");
        long max = headerInt(bytes, pos, file, kind + " maxval");
        int step = sizing.step(h, w);
        if (max < 1 || max > 65535) {
            throw new MalformedFileException(file, kind + " maxval " + max + " is not in [1, 65535]");
        }
        long samples = w * h * channels;
        int sampleBytes = max > 255 ? 2 : 1;
        int start = pos[0] + 1; // exactly one whitespace byte separates maxval from a binary raster
        long available = Math.max(0, (long) bytes.length - (binary ? start : pos[0]));
        // An ASCII sample takes at least a digit and a separator: a short file cannot claim many.
        long needed = binary ? samples * sampleBytes : 2 * samples - 1;
        if (available < needed) {
            throw new MalformedFileException(file, "truncated " + kind + " raster: " + w + "x" + h + " needs "
                    + (binary ? needed + " bytes" : samples + " samples (at least " + needed + " bytes)")
                    + ", file has " + available);
        }
        int ow = (int) ((w + step - 1) / step);
        int oh = (int) ((h + step - 1) / step);
        int plane = ow * oh;
        float[] px = new float[channels * plane];
        for (long i = 0; i < samples; i++) {
            long v;
            if (binary) {
                int at = (int) (start + i * sampleBytes);
                v = sampleBytes == 1 ? bytes[at] & 0xFF : ((bytes[at] & 0xFF) << 8) | (bytes[at + 1] & 0xFF);
            } else {
                v = headerInt(bytes, pos, file, kind + " sample " + i);
            }
            if (v > max) {
                throw new MalformedFileException(file, kind + " sample " + i + " is " + v + ", above maxval " + max);
            }
            long pixel = i / channels;
            long y = pixel / w;
            long x = pixel % w;
            if (y % step == 0 && x % step == 0) {
                px[(int) ((i % channels) * plane + (y / step) * ow + x / step)] = (float) ((double) v / max);
            }
        }
        return new Image(channels, oh, ow, px);
    }

    /** The next decimal integer of a Netpbm header or ASCII raster, skipping whitespace and '#' comments. */
    private static long headerInt(byte[] b, int[] pos, Path file, String what) throws MalformedFileException {
        int p = pos[0];
        while (p < b.length) {
            if (b[p] == '#') {
                while (p < b.length && b[p] != '\n' && b[p] != '\r') p++;
            } else if (Character.isWhitespace(b[p])) {
                p++;
            } else {
                break;
            }
        }
        long v = 0;
        int start = p;
        while (p < b.length && b[p] >= '0' && b[p] <= '9') {
            v = v * 10 + (b[p] - '0');
            if (v > Integer.MAX_VALUE) {
                throw new MalformedFileException(file, what + " is absurdly large");
            }
            p++;
        }
        if (p == start) {
            throw new MalformedFileException(file, what + " missing or not a number"
                    + (p < b.length ? " at byte " + p : " (truncated)"));
        }
        pos[0] = p;
        return v;
    }
}
