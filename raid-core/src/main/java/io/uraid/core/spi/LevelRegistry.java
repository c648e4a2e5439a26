package io.uraid.core.spi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.StringJoiner;

/**
 * Finds {@link RaidLevel} implementations through {@link ServiceLoader}, by md level number or
 * by the names mdadm accepts for {@code --level}.
 */
public final class LevelRegistry {

    /** mdadm's level names (mdadm maps.c {@code pers[]}) for the levels uraid knows, in mdadm's order. */
    private static final Map<String, Integer> ALIASES = aliases();

    private LevelRegistry() {
    }

    private static Map<String, Integer> aliases() {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("linear", -1);
        m.put("raid0", 0);
        m.put("0", 0);
        m.put("stripe", 0);
        m.put("raid1", 1);
        m.put("1", 1);
        m.put("mirror", 1);
        m.put("raid4", 4);
        m.put("4", 4);
        m.put("raid5", 5);
        m.put("5", 5);
        m.put("raid6", 6);
        m.put("6", 6);
        m.put("raid10", 10);
        m.put("10", 10);
        return Collections.unmodifiableMap(m);
    }

    /** Loaded once, on first use: the class path does not change while the process runs. */
    private static final class Loaded {
        static final List<RaidLevel> LEVELS = load();

        private static List<RaidLevel> load() {
            List<RaidLevel> levels = new ArrayList<>();
            ServiceLoader.load(RaidLevel.class, LevelRegistry.class.getClassLoader()).forEach(levels::add);
            return Collections.unmodifiableList(levels);
        }
    }

    /** Every level found on the class path. */
    public static List<RaidLevel> all() {
        return Loaded.LEVELS;
    }

    /**
     * The level mdadm means by {@code name} ("linear", "raid0", "0", "stripe", "raid1", "1",
     * "mirror", "raid4", "4", "raid5", "5", "raid6", "6", "raid10", "10";
     * case ignored).
     *
     * @throws IllegalArgumentException listing the valid names when none matches
     */
    public static RaidLevel byName(String name) {
        Integer level = name == null ? null : ALIASES.get(name.trim().toLowerCase(Locale.ROOT));
        RaidLevel found = level == null ? null : find(level);
        if (found == null) {
            throw new IllegalArgumentException("unknown raid level '" + name + "'; valid: " + validNames());
        }
        return found;
    }

    /**
     * The level with md level number {@code mdLevel} (-1 linear, 0, 1, 4, 5, 6, 10).
     *
     * @throws IllegalArgumentException when no such level is installed
     */
    public static RaidLevel byMdLevel(int mdLevel) {
        RaidLevel found = find(mdLevel);
        if (found == null) {
            throw new IllegalArgumentException("no raid level with md level number " + mdLevel + "; valid: "
                    + validNames());
        }
        return found;
    }

    private static RaidLevel find(int mdLevel) {
        for (RaidLevel level : Loaded.LEVELS) {
            if (level.mdLevel() == mdLevel) {
                return level;
            }
        }
        return null;
    }

    private static String validNames() {
        StringJoiner names = new StringJoiner(", ");
        ALIASES.forEach((alias, level) -> {
            if (find(level) != null) {
                names.add(alias);
            }
        });
        return names.toString();
    }
}
