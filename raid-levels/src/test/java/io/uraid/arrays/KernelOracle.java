package io.uraid.arrays;

import io.uraid.io.testing.UserModeLinux;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.opentest4j.TestAbortedException;

/**
 * The kernel's md as the judge of a raid5 with the partial parity log that uraid left behind:
 * one boot of the user-mode kernel assembles the member files (its log recovery runs), notes
 * whether it owes a resync, compares the array with the bytes expected, lets a resync or a
 * rebuild it resumes finish, runs a check and reports the mismatches.
 */
final class KernelOracle {
    private KernelOracle() {
    }

    /** What the kernel made of the array. */
    record Verdict(String policy, String resyncStart, String degraded, String data, String mismatches,
                   String console) {
    }

    /**
     * Boots the kernel on {@code members} (any order); {@code expected} are the array's first
     * bytes. Returns null where the user-mode kernel cannot run (the caller's other checks
     * stand; CI requires the kernel and fails instead).
     */
    static Verdict assembleAndCheck(List<Path> members, byte[] expected, Path work) throws Exception {
        try {
            UserModeLinux.require();
        } catch (TestAbortedException e) {
            return null;
        }
        Files.createDirectories(work);
        Path want = work.toAbsolutePath().resolve("expected");
        Files.write(want, expected);
        StringBuilder s = new StringBuilder("set -u\n");
        // Held back until the values are read: a resync the kernel owes must not have run yet.
        s.append("echo 1 > /proc/sys/dev/raid/speed_limit_min; echo 1 > /proc/sys/dev/raid/speed_limit_max\n");
        s.append("mdadm --assemble /dev/md0 --run --quiet");
        for (int i = 0; i < members.size(); i++) {
            s.append(" /dev/ubd").append((char) ('b' + i));
        }
        s.append(" || echo assemble=failed\n");
        for (String key : new String[] {"consistency_policy", "resync_start", "degraded"}) {
            s.append("read v < /sys/block/md0/md/").append(key).append("; echo ").append(key).append("=$v\n");
        }
        s.append("if cmp -s -n ").append(expected.length).append(' ').append(want)
                .append(" /dev/md0; then echo data=same; else echo data=differs; fi\n");
        s.append("echo 1000000 > /proc/sys/dev/raid/speed_limit_max; echo 500000 > /proc/sys/dev/raid/speed_limit_min\n");
        // A rebuild the kernel resumes, or a resync it owes, runs first: md refuses a check meanwhile.
        s.append("mdadm --wait /dev/md0 >/dev/null 2>&1\n");
        s.append("echo check > /sys/block/md0/md/sync_action\n");
        s.append("mdadm --wait /dev/md0 >/dev/null 2>&1\n");
        s.append("read v < /sys/block/md0/md/mismatch_cnt; echo mismatch=$v\n");
        s.append("mdadm --stop /dev/md0 >/dev/null 2>&1\n");
        UserModeLinux.Boot b = UserModeLinux.run(s.toString(), members, work, Duration.ofMinutes(4));
        Map<String, String> v = b.values();
        return new Verdict(v.get("consistency_policy"), v.get("resync_start"), v.get("degraded"), v.get("data"),
                v.get("mismatch"), b.toString());
    }
}
