package dev.faltung.kernel.conv;

/** Which of the three convolution computations is meant: the planner chooses an algorithm per direction. */
public enum ConvDirection {
    /** {@code y = x ⋆ w + bias}. */
    FORWARD,
    /** {@code dx} from {@code dy} and {@code w}. */
    BACKWARD_DATA,
    /** {@code dw} (and {@code dbias}) from {@code x} and {@code dy}. */
    BACKWARD_FILTER;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }
}
