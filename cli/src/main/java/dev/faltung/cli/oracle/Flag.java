package dev.faltung.cli.oracle;

/**
 * One option an oracle op accepts: its name without the dashes, what it takes (a {@code .npy}
 * file, a value, or nothing), the placeholder the usage shows for it, and its help text.
 */
record Flag(String name, Kind kind, String meta, String help) {

    /** What follows the option on the command line. */
    enum Kind {
        /** A path to a {@code .npy} file. */
        FILE,
        /** A number, a list of numbers or a word. */
        VALUE,
        /** Nothing: a bare flag is true ({@code --name=false} turns it off). */
        BOOLEAN
    }

    static Flag file(String name, String help) {
        return new Flag(name, Kind.FILE, "FILE.npy", help);
    }

    static Flag value(String name, String help) {
        return new Flag(name, Kind.VALUE, "VALUE", help);
    }

    /** A valued option shown in the usage as {@code --name META}. */
    static Flag value(String name, String meta, String help) {
        return new Flag(name, Kind.VALUE, meta, help);
    }

    static Flag bool(String name, String help) {
        return new Flag(name, Kind.BOOLEAN, "", help);
    }
}
