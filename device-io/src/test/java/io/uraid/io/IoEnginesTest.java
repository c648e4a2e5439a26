package io.uraid.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Engine selection: the best available one, a log line saying why better ones were passed over. */
class IoEnginesTest {
    private final List<String> logged = new ArrayList<>();
    private final Logger log = Logger.getLogger(IoEngines.class.getName());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            logged.add(r.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void listen() {
        IoEngines.forgetLoggedChoice();
        log.addHandler(capture);
    }

    @AfterEach
    void stopListening() {
        log.removeHandler(capture);
    }

    private static Function<EngineKind, String> probe(Map<EngineKind, String> unavailable) {
        return k -> unavailable.get(k);
    }

    @Test
    void bestEngineIsIoUringWhenItWorksAndTheLogSaysSo() throws IOException {
        assumeTrue(IoEngines.unavailabilityCause(EngineKind.IO_URING) == null, "io_uring unavailable here");
        try (IoEngine e = IoEngines.openBest(8)) {
            assertEquals("io_uring", e.name());
        }
        assertEquals(List.of("I/O engine: io_uring"), logged);
        try (IoEngine again = IoEngines.openBest(8)) {
            assertEquals("io_uring", again.name());
        }
        assertEquals(List.of("I/O engine: io_uring"), logged, "the same choice is logged once per process");
    }

    @Test
    void fallsBackToLibaioAndLogsWhyIoUringWasPassedOver() throws IOException {
        assumeTrue(IoEngines.unavailabilityCause(EngineKind.LIBAIO) == null, "libaio unavailable here");
        try (IoEngine e = IoEngines.openBest(8, probe(Map.of(EngineKind.IO_URING, "kernel.io_uring_disabled=2")))) {
            assertEquals("libaio", e.name());
        }
        assertEquals(List.of("I/O engine: libaio (io_uring unavailable: kernel.io_uring_disabled=2)"), logged);
    }

    @Test
    void fallsBackToPortableNamingEveryReason() throws IOException {
        try (IoEngine e = IoEngines.openBest(8, probe(Map.of(
                EngineKind.IO_URING, "io_uring_setup: EPERM (blocked by seccomp)",
                EngineKind.LIBAIO, "kernel AIO not available (io_setup: ENOSYS)")))) {
            assertEquals("portable", e.name());
        }
        assertEquals(List.of("I/O engine: portable (io_uring unavailable: io_uring_setup: EPERM (blocked by seccomp); "
                + "libaio unavailable: kernel AIO not available (io_setup: ENOSYS))"), logged);
    }

    @Test
    void noEngineAtAllListsEveryReason() {
        IOException e = assertThrows(IOException.class, () -> IoEngines.openBest(8, k -> "no " + k));
        assertEquals("no I/O engine works here: io_uring unavailable: no io_uring; libaio unavailable: no libaio; "
                + "portable unavailable: no portable", e.getMessage());
    }

    @Test
    void explicitChoiceOfAnUnavailableEngineIsAClearError() {
        IOException e = assertThrows(IOException.class, () -> IoEngines.open(EngineKind.IO_URING, 8,
                probe(Map.of(EngineKind.IO_URING, "kernel.io_uring_disabled=2"))));
        assertEquals("io_uring unavailable: kernel.io_uring_disabled=2", e.getMessage());
    }

    @Test
    void explicitChoiceOpensThatEngine() throws IOException {
        for (EngineKind k : EngineKind.values()) {
            if (IoEngines.unavailabilityCause(k) == null) {
                try (IoEngine e = IoEngines.open(k, 8)) {
                    assertEquals(k.cliName(), e.name());
                }
            }
        }
    }

    @Test
    void badConstructionArgumentsBecomeAnIoExceptionNamingTheEngine() {
        IOException e = assertThrows(IOException.class, () -> IoEngines.open(EngineKind.PORTABLE, 0, k -> null));
        assertTrue(e.getMessage().startsWith("portable unavailable: entries must be"), e.getMessage());
    }

    @Test
    void engineNamesParseAndUnknownOnesListTheChoices() {
        assertEquals(EngineKind.IO_URING, EngineKind.parse("io_uring"));
        assertEquals(EngineKind.LIBAIO, EngineKind.parse(" LibAIO "));
        assertEquals(EngineKind.PORTABLE, EngineKind.parse("portable"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EngineKind.parse("spdk"));
        assertEquals("unknown I/O engine 'spdk'; valid engines: io_uring, libaio, portable", e.getMessage());
    }
}
