package io.uraid.levels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.spi.Geometry;
import io.uraid.core.spi.LevelRegistry;
import io.uraid.core.spi.RaidLevel;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LevelRegistryTest {

    @Test
    void shouldFindEveryLevelThroughTheServiceLoader() {
        List<String> names = LevelRegistry.all().stream().map(RaidLevel::name).sorted().toList();
        assertEquals(List.of("linear", "raid0", "raid1", "raid10", "raid4", "raid5", "raid6"), names);
    }

    @Test
    void shouldAcceptMdadmNamesForEachLevel() {
        Map<String, Integer> names = Map.of("linear", -1, "0", 0, "raid0", 0, "stripe", 0, "1", 1, "raid1", 1,
                "mirror", 1, "10", 10, "raid10", 10, "RAID10", 10);
        names.forEach((name, md) -> assertEquals(md, LevelRegistry.byName(name).mdLevel(), name));
        names = Map.of("raid4", 4, "4", 4, "raid5", 5, "5", 5, "RAID6", 6, "6", 6);
        names.forEach((name, md) -> assertEquals(md, LevelRegistry.byName(name).mdLevel(), name));
    }

    @Test
    void shouldListValidNamesWhenTheNameIsUnknown() {
        for (String name : new String[]{"raid7", "multipath", "", "-1", null}) {
            var e = assertThrows(IllegalArgumentException.class, () -> LevelRegistry.byName(name));
            assertEquals("unknown raid level '" + name + "'; valid: linear, raid0, 0, stripe, raid1, 1, mirror, raid4, 4, "
                    + "raid5, 5, raid6, 6, raid10, 10", e.getMessage());
        }
    }

    @Test
    void shouldFindLevelsByMdNumber() {
        assertInstanceOf(LinearLevel.class, LevelRegistry.byMdLevel(-1));
        assertInstanceOf(Raid0Level.class, LevelRegistry.byMdLevel(0));
        assertInstanceOf(Raid1Level.class, LevelRegistry.byMdLevel(1));
        assertInstanceOf(Raid10Level.class, LevelRegistry.byMdLevel(10));
        assertInstanceOf(Raid4Level.class, LevelRegistry.byMdLevel(4));
        assertInstanceOf(Raid5Level.class, LevelRegistry.byMdLevel(5));
        assertInstanceOf(Raid6Level.class, LevelRegistry.byMdLevel(6));
        var e = assertThrows(IllegalArgumentException.class, () -> LevelRegistry.byMdLevel(7));
        assertTrue(e.getMessage().startsWith("no raid level with md level number 7; valid: linear"), e.getMessage());
    }

    @Test
    void shouldDescribeEachLevelAsMdDoes() {
        RaidLevel linear = LevelRegistry.byName("linear");
        RaidLevel raid0 = LevelRegistry.byName("raid0");
        RaidLevel raid1 = LevelRegistry.byName("raid1");
        RaidLevel raid10 = LevelRegistry.byName("raid10");
        assertEquals(List.of(1, 1, 1, 2), List.of(linear.minDisks(), raid0.minDisks(), raid1.minDisks(), raid10.minDisks()));
        assertEquals(List.of(0, 1, 0, 0x102),
                List.of(linear.defaultLayout(), raid0.defaultLayout(), raid1.defaultLayout(), raid10.defaultLayout()));
        assertFalse(linear.redundant());
        assertFalse(raid0.redundant());
        assertTrue(raid1.redundant());
        assertTrue(raid10.redundant());
        for (String p : new String[] {"raid4", "raid5", "raid6"}) {
            RaidLevel level = LevelRegistry.byName(p);
            assertTrue(level.redundant(), p);
            assertEquals(p.equals("raid6") ? 4 : 2, level.minDisks(), p + ": as mdadm");
            assertEquals(p.equals("raid4") ? 0 : 2, level.defaultLayout(), p + ": mdadm writes left-symmetric, raid4 0");
        }
    }

    @Test
    void shouldLayOutTheDefaultGeometryOfEachLevel() {
        for (RaidLevel level : LevelRegistry.all()) {
            int chunk = level.mdLevel() == 1 ? 0 : 512 << 10;
            int disks = Math.max(2, level.minDisks());
            Geometry g = Geometry.uniform(level.mdLevel(), level.defaultLayout(), chunk, disks, 64L << 20);
            long data = switch (level.mdLevel()) {
                case -1, 0 -> disks;
                case 4, 5 -> disks - 1;
                case 6 -> disks - 2;
                default -> 1; // raid1, and raid10's two copies over two disks
            };
            assertEquals(data * (64L << 20), level.layout(g).arraySize(), level.name());
        }
    }
}
