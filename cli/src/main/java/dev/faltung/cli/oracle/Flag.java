package dev.faltung.cli.oracle;

/**
 * One option an oracle op accepts: its name without the dashes, what it takes (a {@code .npy}
 * file, a value, or nothing) and one line of help for the usage text.
 */
record Flag(String name, Kind kind, String help) {

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
        return new Flag(name, Kind.FILE, help);
    }

    static Flag value(String name, String help) {
        return new Flag(name, Kind.VALUE, help);
    }

    static Flag bool(String name, String help) {
        return new Flag(name, Kind.BOOLEAN, help);
    }
}
