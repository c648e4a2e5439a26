package io.uraid.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class DaemonConfigTest {
    @Test
    void readsMdadmConfStyleArrayLines() throws IOException {
        DaemonConfig c = DaemonConfig.parse("t.conf", List.of(
                "# uraid arrays",
                "DEVICE partitions",
                "MAILADDR root",
                "ARRAY /dev/md/data metadata=1.2 UUID=77e61baf:c0b5d7d0:39cf575b:64d4878c name=host:data",
                "   devices=/dev/sdb,/dev/sdc   # continuation line",
                "",
                "array scratch devices=/dev/sdd"));
        assertEquals(2, c.arrays().size());
        DaemonConfig.ArrayEntry a = c.arrays().get(0);
        assertEquals("data", a.name());
        assertEquals("77e61baf:c0b5d7d0:39cf575b:64d4878c", a.uuid());
        assertEquals(List.of(Path.of("/dev/sdb"), Path.of("/dev/sdc")), a.devices());
        assertEquals(4, a.line());
        assertEquals("scratch", c.arrays().get(1).name());
        assertNull(c.arrays().get(1).uuid());
    }

    @Test
    void refusesBrokenLinesNamingTheLine() {
        IOException e = assertThrows(IOException.class,
                () -> DaemonConfig.parse("t.conf", List.of("", "ARRAY data UUID=xyz devices=/dev/a")));
        assertTrue(e.getMessage().startsWith("t.conf:2: bad UUID"), e.getMessage());
        e = assertThrows(IOException.class, () -> DaemonConfig.parse("t.conf", List.of("ARRAY data")));
        assertTrue(e.getMessage().startsWith("t.conf:1: array 'data' needs UUID= (members found by scanning"),
                e.getMessage());
        e = assertThrows(IOException.class, () -> DaemonConfig.parse("t.conf", List.of("ARRAY devices=/dev/a")));
        assertTrue(e.getMessage().contains("needs a name"), e.getMessage());
        e = assertThrows(IOException.class, () -> DaemonConfig.parse("t.conf",
                List.of("ARRAY a devices=/dev/a", "ARRAY a devices=/dev/b")));
        assertTrue(e.getMessage().contains("listed twice"), e.getMessage());
        e = assertThrows(IOException.class, () -> DaemonConfig.parse("t.conf",
                List.of("ARRAY a devices=/dev/a read-cache=lots")));
        assertTrue(e.getMessage().startsWith("t.conf:1: bad read-cache size 'lots'"), e.getMessage());
        e = assertThrows(IOException.class, () -> DaemonConfig.parse("t.conf",
                List.of("ARRAY a devices=/dev/a read-cache=100")));
        assertTrue(e.getMessage().contains("at least 4K"), e.getMessage());
    }

    @Test
    void readCacheIsPerArrayWithTheDaemonsDefaultWhenNotGiven() throws IOException {
        DaemonConfig c = DaemonConfig.parse("t.conf", List.of(
                "ARRAY a devices=/dev/a read-cache=512M",
                "ARRAY b devices=/dev/b read-cache=0",
                "ARRAY c devices=/dev/c"));
        assertEquals(512L << 20, c.arrays().get(0).readCache());
        assertEquals(0, c.arrays().get(1).readCache());
        assertEquals(-1, c.arrays().get(2).readCache(), "not given: the daemon's --read-cache");
    }

    /** Issue 10: a config the daemon does not understand is an error naming file and line, never 0 arrays. */
    @Test
    void unknownWordsAndGarbageLinesAreErrorsNamingTheLine() {
        String[][] bad = {
            {"ARRAY data UUID=77e61baf:c0b5d7d0:39cf575b:64d4878c", "ARRY scratch devices=/dev/sdd"},
            {"this is not a config line"},
            {"ARRAY data UUID=77e61baf:c0b5d7d0:39cf575b:64d4878c devcies=/dev/a"},
            {"ARRAY data UUID=77e61baf:c0b5d7d0:39cf575b:64d4878c stray"},
            {"   devices=/dev/a"},
            {"DEVICE"},
        };
        String[] expected = {
            "t.conf:2: unknown keyword 'ARRY'",
            "t.conf:1: unknown keyword 'this'",
            "t.conf:1: unknown word 'devcies=' on the ARRAY line of 'data'",
            "t.conf:1: unexpected word 'stray' on the ARRAY line of 'data'",
            "t.conf:1: continuation line before any keyword",
            "t.conf:1: DEVICE needs a word",
        };
        for (int i = 0; i < bad.length; i++) {
            List<String> lines = List.of(bad[i]);
            IOException e = assertThrows(DaemonConfig.ConfigException.class, () -> DaemonConfig.parse("t.conf", lines));
            assertTrue(e.getMessage().startsWith(expected[i]), e.getMessage());
        }
    }

    @Test
    void arraysFoundByUuidScanTheDeviceLinesWhichDefaultToPartitions() throws IOException {
        DaemonConfig c = DaemonConfig.parse("t.conf", List.of(
                "DEVICE /srv/*.img",
                "DEVICE partitions",
                "ARRAY data UUID=77e61baf:c0b5d7d0:39cf575b:64d4878c"));
        assertEquals(List.of("/srv/*.img", "partitions"), c.devicePatterns());
        assertEquals(List.of(), c.arrays().get(0).devices());
        assertEquals(List.of("partitions"), DaemonConfig.parse("t.conf",
                List.of("ARRAY data UUID=77e61baf:c0b5d7d0:39cf575b:64d4878c")).devicePatterns());
    }
}
