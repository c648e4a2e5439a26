package io.uraid.daemon.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The control socket's request line: a JSON array of strings, round-tripped; anything else refused by name. */
class ControlProtocolTest {
    @Test
    void wordsWithQuotesNewlinesAndUnicodeRoundTrip() {
        List<String> words = List.of("fail", "da\"ta", "/dev/disk/by-id/a b\\c", "line\nbreak", "é\u0001");
        String line = ControlProtocol.encode(words);
        assertTrue(!line.contains("\n"), "one line: " + line);
        assertEquals(words, ControlProtocol.decode(line));
        assertEquals(List.of("ping"), ControlProtocol.decode("  [ \"ping\" ]  "));
        assertEquals(List.of(), ControlProtocol.decode("[]"));
    }

    @Test
    void anythingButAnArrayOfStringsIsRefused() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ControlProtocol.decode("{\"a\":1}"))
                .getMessage().contains("JSON array of strings"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ControlProtocol.decode("[\"a\",1]"))
                .getMessage().contains("found number"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ControlProtocol.decode("[\"a\""))
                .getMessage().startsWith("request is not JSON"));
        assertThrows(IllegalArgumentException.class, () -> ControlProtocol.decode(""));
        assertThrows(IllegalArgumentException.class, () -> ControlProtocol.decode("[\"a\"] [\"b\"]"), "trailing data");
    }
}
