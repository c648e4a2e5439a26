package io.uraid.cli.daemon;

import java.util.ArrayList;
import java.util.List;

/**
 * Two network namespaces joined by a veth pair, for tests on a real network path: "near"
 * (10.R.S.1) and "far" (10.R.S.2), loopback up in both. The link can be cut and restored
 * ({@code ip link set down/up}) and given delay and loss with {@code tc netem} where the kernel
 * has it. {@link #close()} deletes both namespaces (and with them the veth pair and anything
 * listening there) even after a failure. Needs root and iproute2.
 */
final class NetNs implements AutoCloseable {
    final String near;
    final String far;
    final String nearIp;
    final String farIp;
    private final String nearDev;
    private boolean created;

    NetNs() {
        long pid = ProcessHandle.current().pid();
        near = "urnear" + pid;
        far = "urfar" + pid;
        nearDev = "urv" + pid + "a";
        String net = "10." + (100 + pid % 100) + "." + (pid / 100 % 250) + ".";
        nearIp = net + "1";
        farIp = net + "2";
    }

    /** Why this host cannot run the namespace tests, or null. */
    static String unavailable() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "needs root (ip netns)";
        }
        if (!DaemonProcess.hasTool("ip") || !DaemonProcess.hasTool("tc")) {
            return "iproute2 (ip, tc) is not installed";
        }
        return null;
    }

    NetNs create() throws Exception {
        created = true;
        String farDev = nearDev.substring(0, nearDev.length() - 1) + "b";
        ip("netns", "add", near);
        ip("netns", "add", far);
        ip("link", "add", nearDev, "type", "veth", "peer", "name", farDev);
        ip("link", "set", nearDev, "netns", near);
        ip("link", "set", farDev, "netns", far);
        ip("-n", near, "addr", "add", nearIp + "/24", "dev", nearDev);
        ip("-n", far, "addr", "add", farIp + "/24", "dev", farDev);
        for (String[] nd : new String[][] {{near, nearDev}, {far, farDev}}) {
            ip("-n", nd[0], "link", "set", nd[1], "up");
            ip("-n", nd[0], "link", "set", "lo", "up");
        }
        return this;
    }

    /** Words that run a command in the near namespace. */
    List<String> inNear() {
        return List.of("ip", "netns", "exec", near);
    }

    List<String> inFar() {
        return List.of("ip", "netns", "exec", far);
    }

    /**
     * Adds {@code netem delay MS loss PERCENT} on both ends; false when the kernel has no netem
     * (sch_netem), which the caller reports.
     */
    boolean netem(int delayMs, double lossPercent) throws Exception {
        String farDev = nearDev.substring(0, nearDev.length() - 1) + "b";
        for (String[] nd : new String[][] {{near, nearDev}, {far, farDev}}) {
            Cmd r = Cmd.run(30, "ip", "netns", "exec", nd[0], "tc", "qdisc", "add", "dev", nd[1], "root", "netem",
                    "delay", delayMs + "ms", "loss", lossPercent + "%");
            if (r.exit() != 0) {
                return false;
            }
        }
        return true;
    }

    /** Cuts the link (no reset, no error: packets just stop). */
    void cut() throws Exception {
        ip("-n", near, "link", "set", nearDev, "down");
    }

    void restore() throws Exception {
        ip("-n", near, "link", "set", nearDev, "up");
    }

    private static void ip(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        Cmd.run(30, cmd.toArray(new String[0])).ok(String.join(" ", cmd));
    }

    @Override
    public void close() throws Exception {
        if (created) {
            Cmd.run(30, "ip", "netns", "del", near);
            Cmd.run(30, "ip", "netns", "del", far);
        }
    }
}
