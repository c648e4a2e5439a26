package io.uraid.daemon;

import io.uraid.io.nativeio.UnixDatagramSocket;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.logging.Logger;

/**
 * systemd's readiness protocol (sd_notify(3)) for a {@code Type=notify} unit: datagrams of
 * "KEY=value" lines to the unix socket named by $NOTIFY_SOCKET — READY=1 once the config's
 * arrays are up, STATUS= lines saying what runs, WATCHDOG=1 at half of $WATCHDOG_USEC when the
 * unit sets WatchdogSec=, STOPPING=1 at shutdown. Without $NOTIFY_SOCKET it does nothing.
 */
public final class SdNotify implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(SdNotify.class.getName());
    private final String socket;
    private final long watchdogNanos;
    private final UnixDatagramSocket out;
    private long lastWatchdog;

    SdNotify(String socket, long watchdogMicros) throws IOException {
        this.socket = socket;
        this.watchdogNanos = watchdogMicros * 1000 / 2;
        this.out = socket == null ? null : UnixDatagramSocket.open(4096);
    }

    /** From the environment systemd gives a service (a WATCHDOG_PID of another process disables the watchdog). */
    public static SdNotify fromEnvironment(Map<String, String> env) {
        String socket = env.get("NOTIFY_SOCKET");
        long usec = 0;
        String pid = env.get("WATCHDOG_PID");
        if (pid == null || pid.equals(Long.toString(ProcessHandle.current().pid()))) {
            try {
                usec = Long.parseLong(env.getOrDefault("WATCHDOG_USEC", "0"));
            } catch (NumberFormatException e) {
                usec = 0;
            }
        }
        try {
            return new SdNotify(socket == null || socket.isEmpty() ? null : socket, Math.max(0, usec));
        } catch (IOException | RuntimeException e) {
            LOG.warning("sd_notify: cannot open a socket for " + socket + ": " + e.getMessage());
            return none();
        }
    }

    static SdNotify none() {
        try {
            return new SdNotify(null, 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public void ready(String status) {
        send("READY=1\nSTATUS=" + status);
    }

    public void status(String status) {
        send("STATUS=" + status);
    }

    public void stopping() {
        send("STOPPING=1\nSTATUS=stopping");
    }

    /** WATCHDOG=1 when the unit asks for it and half its interval has passed since the last one. */
    public void watchdog() {
        if (watchdogNanos <= 0) {
            return;
        }
        long now = System.nanoTime();
        if (lastWatchdog == 0 || now - lastWatchdog >= watchdogNanos) {
            lastWatchdog = now;
            send("WATCHDOG=1");
        }
    }

    private synchronized void send(String message) {
        if (out == null) {
            return;
        }
        try {
            out.send(socket, message.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            LOG.warning("sd_notify: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        if (out != null) {
            out.close();
        }
    }
}
