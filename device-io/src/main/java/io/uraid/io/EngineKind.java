package io.uraid.io;

import java.util.Locale;

/** The I/O engines uraid can run on, best first; {@link #cliName()} is what users type. */
public enum EngineKind {
    /** Linux io_uring (5.6+). */
    IO_URING("io_uring"),
    /** Linux kernel AIO (io_submit), for kernels or sandboxes without io_uring. */
    LIBAIO("libaio"),
    /** Plain Java file channels on a thread pool: works anywhere, slowest. */
    PORTABLE("portable");

    private final String cliName;

    EngineKind(String cliName) {
        this.cliName = cliName;
    }

    /** The name used on the command line and in messages. */
    public String cliName() {
        return cliName;
    }

    /**
     * Parses a command-line engine name (case-insensitive).
     *
     * @throws IllegalArgumentException naming the valid choices when {@code name} is none of them
     */
    public static EngineKind parse(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (EngineKind k : values()) {
            if (k.cliName.equals(n)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown I/O engine '" + name + "'; valid engines: " + validNames());
    }

    /** "io_uring, libaio, portable". */
    public static String validNames() {
        StringBuilder b = new StringBuilder();
        for (EngineKind k : values()) {
            b.append(b.length() == 0 ? "" : ", ").append(k.cliName);
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return cliName;
    }
}
