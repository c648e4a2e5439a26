package io.uraid.daemon.nbd;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The exports a server offers, looked up by name during negotiation. Thread-safe: exports are
 * added and removed while connections negotiate. Sorted so OPT_LIST answers are stable.
 */
final class ExportRegistry {
    private final ConcurrentSkipListMap<String, NbdExport> byName = new ConcurrentSkipListMap<>();

    /** Adds an export; a name already in use is an error (replace = remove + add). */
    void add(NbdExport export) {
        if (byName.putIfAbsent(export.name(), export) != null) {
            throw new IllegalArgumentException("export already exists: " + export.name());
        }
    }

    NbdExport remove(String name) {
        return byName.remove(name);
    }

    /** The export with that name, or null. */
    NbdExport lookup(String name) {
        return byName.get(name);
    }

    /** True if {@code export} is still the one registered under its name. */
    boolean isCurrent(NbdExport export) {
        return byName.get(export.name()) == export;
    }

    List<NbdExport> all() {
        return new ArrayList<>(byName.values());
    }
}
