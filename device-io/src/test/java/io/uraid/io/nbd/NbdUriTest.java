package io.uraid.io.nbd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** NBD URIs as libnbd, qemu and nbdkit write them (NetworkBlockDevice/nbd doc/uri.md). */
class NbdUriTest {
    @Test
    void tcpUrisTakeTheIanaPortByDefaultAndTheRestOfThePathAsTheExport() {
        NbdUri u = NbdUri.parse("nbd://HostB/disk1");
        assertFalse(u.tls());
        assertEquals("hostb", u.host());
        assertEquals(10809, u.port());
        assertEquals("disk1", u.export());
        assertEquals("nbd://hostb/disk1", u.toString());
        NbdUri s = NbdUri.parse("nbds://10.0.0.2:10900/a/b%20c?reconnect=10&tls-certificates=/etc/pki/x&timeout=5"
                + "&connections=2");
        assertTrue(s.tls());
        assertEquals(10900, s.port());
        assertEquals("a/b c", s.export());
        assertEquals(Path.of("/etc/pki/x"), s.tlsCertificates());
        assertEquals(5000, s.timeoutMillis());
        assertEquals(2, s.connectionsWanted());
        assertEquals(10, s.reconnectSeconds());
        assertEquals("nbds://10.0.0.2:10900/a/b%20c", s.address());
        assertEquals("nbds://10.0.0.2:10900/a/b%20c?tls-certificates=/etc/pki/x&connections=2&timeout=5&reconnect=10",
                s.toString());
        assertEquals(s, NbdUri.parse(s.toString()), "the canonical form parses back to the same URI");
        assertEquals("::1", NbdUri.parse("nbd://[::1]:99/x").host());
        assertEquals("nbd://[::1]:99/x", NbdUri.parse("nbd://[::1]:99/x").address());
    }

    @Test
    void unixUrisNeedASocketAndNoHost() {
        NbdUri u = NbdUri.parse("nbd+unix:///data?socket=/run/uraid/nbd.sock");
        assertTrue(u.isUnix());
        assertNull(u.host());
        assertEquals("data", u.export());
        assertEquals("nbd+unix:///data?socket=/run/uraid/nbd.sock", u.toString());
        assertEquals("", NbdUri.parse("nbd+unix://?socket=/s").export());
        assertTrue(NbdUri.parse("nbds+unix:///x?socket=/s&tls-verify-peer=false").tls());
        assertFalse(NbdUri.parse("nbds+unix:///x?socket=/s&tls-verify-peer=false").verifyPeer());
        assertEquals("nbds+unix:///x?socket=/s&tls-verify-peer=false",
                NbdUri.parse("nbds+unix:///x?socket=/s&tls-verify-peer=false").toString());
    }

    @Test
    void badUrisAreRefusedSayingWhy() {
        assertMessage("needs ?socket=PATH", "nbd+unix:///x");
        assertMessage("has no host", "nbd+unix://host/x?socket=/s");
        assertMessage("no host", "nbd:///x");
        assertMessage("unknown parameter 'tls'", "nbd://h/x?tls=on");
        assertMessage("connections=0 must be", "nbd://h/x?connections=0");
        assertMessage("socket= belongs to nbd+unix", "nbd://h/x?socket=/s");
        assertMessage("scheme must be", "http://h/x");
    }

    @Test
    void onlyNbdSchemesLookLikeUris() {
        assertTrue(NbdUri.looksLikeUri("nbd://h/x"));
        assertTrue(NbdUri.looksLikeUri("NBDS://h/x"));
        assertTrue(NbdUri.looksLikeUri("nbd+unix:///x?socket=/s"));
        assertFalse(NbdUri.looksLikeUri("/dev/sdb"));
        assertFalse(NbdUri.looksLikeUri("nbd:/relative/file"));
        assertFalse(NbdUri.looksLikeUri("missing"));
    }

    private static void assertMessage(String part, String uri) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NbdUri.parse(uri));
        assertTrue(e.getMessage().contains(part) && e.getMessage().contains(uri), e.getMessage());
    }
}
