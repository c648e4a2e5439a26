package io.uraid.daemon;

import io.uraid.daemon.cache.ReadCache;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The daemon's configuration, in mdadm.conf style: one {@code ARRAY} line per array the daemon
 * assembles at start, and {@code DEVICE} lines saying where to look for members, e.g.
 *
 * <pre>
 * DEVICE partitions /srv/arrays/*.img nbds://hostb/disk1
 * ARRAY data UUID=77e61baf:c0b5d7d0:39cf575b:64d4878c
 * ARRAY scratch UUID=... devices=/dev/sdb,/dev/sdc read-cache=512M
 * ARRAY mirror UUID=... devices=/dev/sdd,nbds://hostb/disk2?tls-certificates=/etc/uraid/pki
 * </pre>
 *
 * The name may be written {@code /dev/md/data}. {@code UUID=} picks the members: they are found
 * by scanning the {@code DEVICE} patterns ({@code partitions}: every block device of
 * /proc/partitions, the default; other words: paths or globs, for files; NBD URIs for remote
 * members), as
 * {@code mdadm --assemble --scan} does, so a member that moved to another name is still found;
 * {@code devices=} is a hint tried first (without {@code UUID=} it is the member list).
 * {@code read-cache=SIZE} (uraid's own) sets the export's read cache, overriding the daemon's
 * {@code --read-cache} ({@code read-cache=0}: none). {@code spares=N} (mdadm's) is how many hot
 * spares the array should have (a SparesMissing event when it starts with fewer);
 * {@code PROGRAM /path} (mdadm's) is run for every md event (see
 * {@link io.uraid.daemon.events.Events}). The other mdadm keywords
 * ({@code MAILADDR}, {@code HOMEHOST}...) and ARRAY words ({@code metadata=}, {@code name=},
 * {@code level=}...) are accepted and ignored, so an mdadm.conf can be reused; anything else is
 * an error naming file and line. Continuation lines start with white space; {@code #} starts a
 * comment.
 */
public record DaemonConfig(List<ArrayEntry> arrays, List<String> devicePatterns, Path program) {

    /** The DEVICE word for every block device the kernel lists in /proc/partitions. */
    public static final String PARTITIONS = "partitions";

    /** mdadm.conf keywords accepted and ignored. */
    private static final Set<String> IGNORED_KEYWORDS = Set.of("MAILADDR", "MAILFROM", "CREATE",
            "HOMEHOST", "AUTO", "POLICY", "PART-POLICY", "SYSFS", "ENVIRONMENT");
    /** mdadm ARRAY words accepted and ignored. */
    private static final Set<String> IGNORED_ARRAY_WORDS = Set.of("name", "metadata", "level", "num-devices",
            "spare-group", "auto", "bitmap", "super-minor", "container", "member");

    /**
     * One ARRAY line.
     *
     * @param uuid      the members' array UUID, or null (then {@code devices} are the members)
     * @param devices   the {@code devices=} list: a hint where to look first; may be empty with a UUID
     * @param readCache bytes of read cache for its export, or -1 for the daemon's default
     * @param spares    hot spares the array should have (mdadm's spares=), or -1 when not said
     */
    public record ArrayEntry(String name, String uuid, List<Path> devices, int line, long readCache, int spares) {
    }

    /** A config that cannot be used: the message names the file and line. */
    public static final class ConfigException extends IOException {
        private static final long serialVersionUID = 1L;

        ConfigException(String message) {
            super(message);
        }
    }

    public static DaemonConfig parse(Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new ConfigException("cannot read config " + file + ": " + e.getMessage());
        }
        return parse(file.toString(), lines);
    }

    /** Parses {@code lines}; errors name {@code source} and the line number. */
    public static DaemonConfig parse(String source, List<String> lines) throws IOException {
        List<ArrayEntry> arrays = new ArrayList<>();
        List<String> patterns = new ArrayList<>();
        Path program = null;
        List<String> joined = new ArrayList<>();
        List<Integer> numbers = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            int hash = l.indexOf('#');
            if (hash >= 0) {
                l = l.substring(0, hash);
            }
            if (l.isBlank()) {
                continue;
            }
            if (Character.isWhitespace(l.charAt(0))) {
                if (joined.isEmpty()) {
                    throw new ConfigException(source + ":" + (i + 1) + ": continuation line before any keyword");
                }
                joined.set(joined.size() - 1, joined.get(joined.size() - 1) + " " + l.trim());
            } else {
                joined.add(l.trim());
                numbers.add(i + 1);
            }
        }
        for (int i = 0; i < joined.size(); i++) {
            String[] words = joined.get(i).split("\\s+");
            String keyword = words[0].toUpperCase(Locale.ROOT);
            String where = source + ":" + numbers.get(i) + ": ";
            if (keyword.equals("ARRAY")) {
                arrays.add(arrayLine(where, numbers.get(i), words));
            } else if (keyword.equals("DEVICE") || keyword.equals("DEVICES")) {
                if (words.length < 2) {
                    throw new ConfigException(where + "DEVICE needs a word: partitions, or paths and globs");
                }
                for (String w : Arrays.asList(words).subList(1, words.length)) {
                    if (io.uraid.io.nbd.NbdUri.looksLikeUri(w)) {
                        devicePath(where, w); // a remote member: a bad URI is an error here, not at assembly
                    }
                    patterns.add(w);
                }
            } else if (keyword.equals("PROGRAM")) {
                if (words.length != 2) {
                    throw new ConfigException(where + "PROGRAM needs one path (PROGRAM /path)");
                }
                program = Path.of(words[1]);
            } else if (!IGNORED_KEYWORDS.contains(keyword)) {
                throw new ConfigException(where + "unknown keyword '" + words[0] + "' (expected ARRAY, DEVICE or "
                        + "another mdadm.conf keyword)");
            }
        }
        List<String> names = new ArrayList<>();
        for (ArrayEntry a : arrays) {
            if (names.contains(a.name())) {
                throw new ConfigException(source + ":" + a.line() + ": array '" + a.name() + "' is listed twice");
            }
            names.add(a.name());
        }
        return new DaemonConfig(List.copyOf(arrays), patterns.isEmpty() ? List.of(PARTITIONS) : List.copyOf(patterns),
                program);
    }

    /** A read-cache= value: 0 (none) or at least one cache line. */
    private static long readCacheSize(String where, String value) throws IOException {
        long bytes;
        try {
            bytes = io.uraid.io.Sizes.parse(value);
        } catch (IllegalArgumentException e) {
            bytes = -1;
        }
        if (bytes < 0 || bytes > 0 && bytes < ReadCache.LINE_SIZE) {
            throw new ConfigException(where + "bad read-cache size '" + value
                    + "' (0 for none, or at least 4K: 64M, 1G)");
        }
        return bytes;
    }

    /** A devices= entry: a path, or a remote member's NBD URI (a bad URI is a config error). */
    private static Path devicePath(String where, String text) throws IOException {
        try {
            return io.uraid.io.remote.DevicePaths.of(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where + e.getMessage());
        }
    }

    private static ArrayEntry arrayLine(String where, int line, String[] words) throws IOException {
        if (words.length < 2 || words[1].contains("=")) {
            throw new ConfigException(where + "ARRAY needs a name (ARRAY NAME UUID=... [devices=...])");
        }
        String name = words[1].startsWith("/dev/md/") ? words[1].substring("/dev/md/".length()) : words[1];
        if (name.isEmpty() || name.contains("/")) {
            throw new ConfigException(where + "bad array name '" + words[1] + "'");
        }
        String uuid = null;
        List<Path> devices = new ArrayList<>();
        long readCache = -1;
        int spares = -1;
        for (String w : Arrays.asList(words).subList(2, words.length)) {
            int eq = w.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException(where + "unexpected word '" + w + "' on the ARRAY line of '" + name
                        + "' (expected KEY=VALUE: UUID=, devices=, read-cache=...)");
            }
            String key = w.substring(0, eq).toLowerCase(Locale.ROOT);
            String value = w.substring(eq + 1);
            switch (key) {
                case "uuid" -> {
                    try {
                        io.uraid.core.sb.MdUuid.parse(value);
                    } catch (IllegalArgumentException e) {
                        throw new ConfigException(where + "bad UUID '" + value + "'");
                    }
                    uuid = value;
                }
                case "read-cache" -> readCache = readCacheSize(where, value);
                case "spares" -> {
                    try {
                        spares = Integer.parseInt(value);
                    } catch (NumberFormatException e) {
                        spares = -1;
                    }
                    if (spares < 0) {
                        throw new ConfigException(where + "bad spares count '" + value + "'");
                    }
                }
                case "devices" -> {
                    for (String d : value.split(",")) {
                        if (!d.isEmpty()) {
                            devices.add(devicePath(where, d));
                        }
                    }
                }
                default -> {
                    if (!IGNORED_ARRAY_WORDS.contains(key)) {
                        throw new ConfigException(where + "unknown word '" + key + "=' on the ARRAY line of '" + name
                                + "' (uraid knows UUID=, devices=, read-cache= and mdadm's own)");
                    }
                }
            }
        }
        if (uuid == null && devices.isEmpty()) {
            throw new ConfigException(where + "array '" + name + "' needs UUID= (members found by scanning the DEVICE "
                    + "lines) or devices=/dev/a,/dev/b");
        }
        return new ArrayEntry(name, uuid, List.copyOf(devices), line, readCache, spares);
    }
}
