package dev.faltung.kernel;

/** Whether a backend can run here, and why not when it cannot. */
public record Availability(boolean available, String reason) {

    public static Availability yes(String detail) {
        return new Availability(true, detail);
    }

    public static Availability no(String reason) {
        return new Availability(false, reason);
    }

    @Override
    public String toString() {
        return available ? "available (" + reason + ")" : "unavailable: " + reason;
    }
}
