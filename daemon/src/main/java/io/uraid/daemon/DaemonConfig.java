package io.uraid.daemon;

import io.uraid.daemon.cache.ReadCache;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The daemon's configuration, in mdadm.conf style: one {@code ARRAY} line per array the daemon
 * assembles at start, e.g.
 *
 * <pre>
 * ARRAY data UUID=77e61baf:c0b5d7d0:39cf575b:64d4878c devices=/dev/sdb,/dev/sdc
 * </pre>
 *
 * The name may be written {@code /dev/md/data}; {@code UUID=} (optional) must match the
 * members' superblocks; {@code read-cache=SIZE} (optional, uraid's own) sets the export's read
 * cache, overriding the daemon's {@code --read-cache} ({@code read-cache=0}: none). Other mdadm
 * keywords ({@code DEVICE}, {@code MAILADDR}...) and other {@code key=value} words
 * ({@code metadata=}, {@code name=}) are accepted and ignored, so an existing mdadm.conf line can
 * be reused. Continuation lines start with white space.
 */
public record DaemonConfig(List<ArrayEntry> arrays) {

    /**
     * One ARRAY line.
     *
     * @param readCache bytes of read cache for its export, or -1 for the daemon's default
     */
    public record ArrayEntry(String name, String uuid, List<Path> devices, int line, long readCache) {
    }

    public static DaemonConfig parse(Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new IOException("cannot read config " + file + ": " + e.getMessage(), e);
        }
        return parse(file.toString(), lines);
    }

    /** Parses {@code lines}; errors name {@code source} and the line number. */
    public static DaemonConfig parse(String source, List<String> lines) throws IOException {
        List<ArrayEntry> arrays = new ArrayList<>();
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
            if (Character.isWhitespace(l.charAt(0)) && !joined.isEmpty()) {
                joined.set(joined.size() - 1, joined.get(joined.size() - 1) + " " + l.trim());
            } else {
                joined.add(l.trim());
                numbers.add(i + 1);
            }
        }
        for (int i = 0; i < joined.size(); i++) {
            String[] words = joined.get(i).split("\\s+");
            if (!words[0].equalsIgnoreCase("ARRAY")) {
                continue;
            }
            arrays.add(arrayLine(source, numbers.get(i), words));
        }
        List<String> names = new ArrayList<>();
        for (ArrayEntry a : arrays) {
            if (names.contains(a.name())) {
                throw new IOException(source + ":" + a.line() + ": array '" + a.name() + "' is listed twice");
            }
            names.add(a.name());
        }
        return new DaemonConfig(List.copyOf(arrays));
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
            throw new IOException(where + "bad read-cache size '" + value + "' (0 for none, or at least 4K: 64M, 1G)");
        }
        return bytes;
    }

    private static ArrayEntry arrayLine(String source, int line, String[] words) throws IOException {
        String where = source + ":" + line + ": ";
        if (words.length < 2 || words[1].contains("=")) {
            throw new IOException(where + "ARRAY needs a name (ARRAY NAME UUID=... devices=...)");
        }
        String name = words[1].startsWith("/dev/md/") ? words[1].substring("/dev/md/".length()) : words[1];
        if (name.isEmpty() || name.contains("/")) {
            throw new IOException(where + "bad array name '" + words[1] + "'");
        }
        String uuid = null;
        List<Path> devices = null;
        long readCache = -1;
        for (String w : Arrays.asList(words).subList(2, words.length)) {
            int eq = w.indexOf('=');
            String key = eq < 0 ? w : w.substring(0, eq).toLowerCase(java.util.Locale.ROOT);
            String value = eq < 0 ? "" : w.substring(eq + 1);
            if (key.equals("uuid")) {
                try {
                    io.uraid.core.sb.MdUuid.parse(value);
                } catch (IllegalArgumentException e) {
                    throw new IOException(where + "bad UUID '" + value + "'");
                }
                uuid = value;
            } else if (key.equals("read-cache")) {
                readCache = readCacheSize(where, value);
            } else if (key.equals("devices")) {
                devices = new ArrayList<>();
                for (String d : value.split(",")) {
                    if (!d.isEmpty()) {
                        devices.add(Path.of(d));
                    }
                }
            }
        }
        if (devices == null || devices.isEmpty()) {
            throw new IOException(where + "array '" + name + "' lists no devices= (devices=/dev/a,/dev/b)");
        }
        return new ArrayEntry(name, uuid, List.copyOf(devices), line, readCache);
    }
}
