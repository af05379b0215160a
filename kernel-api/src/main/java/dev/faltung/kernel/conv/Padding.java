package dev.faltung.kernel.conv;

/**
 * Padding of one convolution, resolved per spatial axis to amounts before and after.
 * <ul>
 *   <li>{@code valid}: none.</li>
 *   <li>{@code full}: {@code dilation·(k-1)} on each side.</li>
 *   <li>{@code same}: output {@code ceil(in/stride)}; total padding
 *       {@code max((out-1)·stride + dilation·(k-1) + 1 - in, 0)}, the smaller half before, the
 *       rest after (TensorFlow's rule; equals PyTorch's {@code padding='same'} at stride 1).</li>
 *   <li>explicit: the given amounts; output {@code floor((in + before + after - dilation·(k-1) - 1)/stride) + 1}.</li>
 * </ul>
 */
public sealed interface Padding {

    /** {@code {before, after}} for one axis. */
    int[] resolve(int in, int kernel, int stride, int dilation, int axis);

    Padding VALID = new Named("valid");
    Padding SAME = new Named("same");
    Padding FULL = new Named("full");

    /** Symmetric explicit padding: {@code ph} rows above and below, {@code pw} columns left and right. */
    static Padding of(int ph, int pw) {
        return new Explicit(ph, ph, pw, pw);
    }

    /** Explicit padding, top/bottom/left/right. */
    static Padding of(int top, int bottom, int left, int right) {
        return new Explicit(top, bottom, left, right);
    }

    /**
     * Parses the command-line forms {@code valid}, {@code same}, {@code full}, {@code P},
     * {@code PH,PW} and {@code PT,PB,PL,PR}.
     */
    static Padding parse(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        switch (t) {
            case "valid": return VALID;
            case "same": return SAME;
            case "full": return FULL;
            default: break;
        }
        String[] parts = t.split(",");
        int[] v = new int[parts.length];
        try {
            for (int i = 0; i < parts.length; i++) v[i] = Integer.parseInt(parts[i].trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("padding '" + text
                    + "': expected valid, same, full, P, PH,PW or PT,PB,PL,PR");
        }
        return switch (v.length) {
            case 1 -> of(v[0], v[0]);
            case 2 -> of(v[0], v[1]);
            case 4 -> of(v[0], v[1], v[2], v[3]);
            default -> throw new IllegalArgumentException("padding '" + text
                    + "': expected 1, 2 or 4 integers, got " + v.length);
        };
    }

    /** {@code valid}, {@code same} or {@code full}. */
    record Named(String name) implements Padding {
        public int[] resolve(int in, int kernel, int stride, int dilation, int axis) {
            int span = dilation * (kernel - 1);
            return switch (name) {
                case "valid" -> new int[] {0, 0};
                case "full" -> new int[] {span, span};
                case "same" -> {
                    int out = (in + stride - 1) / stride;
                    int total = Math.max((out - 1) * stride + span + 1 - in, 0);
                    yield new int[] {total / 2, total - total / 2};
                }
                default -> throw new AssertionError(name);
            };
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** Explicit amounts per side. */
    record Explicit(int top, int bottom, int left, int right) implements Padding {
        public Explicit {
            if (top < 0 || bottom < 0 || left < 0 || right < 0) {
                throw new IllegalArgumentException("padding must be non-negative, got top=" + top
                        + " bottom=" + bottom + " left=" + left + " right=" + right);
            }
        }

        /** axis 0 is height, axis 1 is width. */
        public int[] resolve(int in, int kernel, int stride, int dilation, int axis) {
            return axis == 0 ? new int[] {top, bottom} : new int[] {left, right};
        }

        @Override
        public String toString() {
            return top + "," + bottom + "," + left + "," + right;
        }
    }
}
