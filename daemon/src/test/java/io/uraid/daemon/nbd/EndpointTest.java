package io.uraid.daemon.nbd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class EndpointTest {
    @Test
    void parsesUnixAndTcpWithLoopbackAsTheTcpDefault() {
        Endpoint u = Endpoint.parse("unix:/run/uraid/nbd.sock");
        assertTrue(u.isUnix());
        assertEquals(Path.of("/run/uraid/nbd.sock"), u.unixPath());
        assertEquals("nbd+unix:///data?socket=/run/uraid/nbd.sock", u.uri("data"));
        Endpoint t = Endpoint.parse("tcp:10809");
        assertEquals("127.0.0.1", t.tcp().getHostString());
        assertEquals(10809, t.tcp().getPort());
        assertEquals("nbd://127.0.0.1:10809/data", t.uri("data"));
        Endpoint any = Endpoint.parse("tcp:0.0.0.0:10810");
        assertEquals("0.0.0.0", any.tcp().getHostString());
        assertEquals(10810, any.tcp().getPort());
    }

    @Test
    void connectionsGetBiggerSendBuffersThanTheDefault() throws Exception {
        Path dir = java.nio.file.Files.createTempDirectory("endpoint");
        Endpoint u = Endpoint.unix(dir.resolve("s.sock"));
        try (var server = u.bind(); var client = u.connect(); var accepted = server.accept()) {
            int before = accepted.getOption(java.net.StandardSocketOptions.SO_SNDBUF);
            io.uraid.io.nbd.NbdSockets.tune(accepted, false);
            int after = accepted.getOption(java.net.StandardSocketOptions.SO_SNDBUF);
            assertTrue(after > before, "SO_SNDBUF " + before + " -> " + after);
        } finally {
            java.nio.file.Files.deleteIfExists(dir.resolve("s.sock"));
            java.nio.file.Files.delete(dir);
        }
    }

    @Test
    void refusesWhatItCannotParse() {
        assertThrows(IllegalArgumentException.class, () -> Endpoint.parse("/run/nbd.sock"));
        assertThrows(IllegalArgumentException.class, () -> Endpoint.parse("tcp:host:port"));
        assertThrows(IllegalArgumentException.class, () -> Endpoint.parse("tcp:70000"));
        assertThrows(IllegalArgumentException.class, () -> Endpoint.parse("unix:"));
    }
}
