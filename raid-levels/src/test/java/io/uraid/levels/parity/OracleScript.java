package io.uraid.levels.parity;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The shell script the user-mode kernel runs for ParityKernelOracleTest. Every program started
 * inside that kernel costs a good fraction of a second, so the script keeps to shell builtins
 * (sysfs reads and writes), one mdadm per array and one perl process ({@code uml-md-helper.pl})
 * per bulk step: attaching every member file as a loop device, writing the pattern, reading
 * the arrays back. Every finding is printed as a line {@code R <array> <key> <value>}.
 */
final class OracleScript {
    static final String HELPER = "uml-md-helper.pl";

    private final Path dir;
    private final StringBuilder s = new StringBuilder();
    private final List<OracleArray> arrays = new ArrayList<>();
    private int nextLoop;
    /** First loop device of each array in {@link #arrays}. */
    private final List<Integer> firstLoop = new ArrayList<>();

    private OracleScript(Path dir) {
        this.dir = dir;
    }

    /** Roles failed for the degraded read: one for raid4/5, two for raid6. */
    static List<Integer> missingRoles(OracleArray a) {
        return a.level() == 6 ? List.of(0, 2) : List.of(1);
    }

    /** Array offset the kernel-made PPL array rewrites in 4 KiB, to leave a partial-parity entry in its log. */
    static long pplRewriteOffset(OracleArray a) {
        return (2L * (a.disks() - 1) + 1) * a.chunkKiB() * 1024 + 4096; // stripe 2, data index 1, second block
    }

    static String build(Path dir, List<OracleArray> kernelMade, List<OracleArray> uraidMade, OracleArray dirtyPpl) {
        OracleScript o = new OracleScript(dir);
        o.arrays.addAll(kernelMade);
        o.arrays.addAll(uraidMade);
        o.arrays.add(dirtyPpl);
        return o.script(kernelMade, uraidMade, dirtyPpl);
    }

    private String script(List<OracleArray> kernelMade, List<OracleArray> uraidMade, OracleArray dirtyPpl) {
        s.append("set -u\nP='").append(dir.resolve("pattern")).append("'\nH='").append(dir.resolve(HELPER)).append("'\n");
        s.append("fast() { echo 1000000 > /proc/sys/dev/raid/speed_limit_max; echo 500000 > /proc/sys/dev/raid/speed_limit_min; }\n");
        s.append("R() { echo \"R $*\"; }\n");
        s.append("fast\nperl \"$H\" attach");
        for (OracleArray a : arrays) {
            firstLoop.add(nextLoop);
            for (Path m : a.members(dir)) {
                s.append(' ').append(nextLoop++).append("='").append(m).append('\'');
            }
        }
        s.append(" || R all attach failed\n");
        phase("attached");

        // 1. The kernel creates every layout (its own initial sync) and writes the pattern.
        for (OracleArray a : kernelMade) {
            s.append("mdadm --create ").append(dev(a)).append(" --run --quiet --metadata=1.2 --homehost=uml --name=")
                    .append(a.name()).append(" --level=").append(a.level());
            if (a.mdadmLayout() != null) {
                s.append(" --layout=").append(a.mdadmLayout());
            }
            if (a.ppl()) {
                s.append(" --consistency-policy=ppl");
            }
            s.append(" --chunk=").append(a.chunkKiB()).append(" --raid-devices=").append(a.disks())
                    .append(loops(a, List.of())).append(" || R ").append(a.name()).append(" create failed\n");
        }
        phase("created");
        waitFor(kernelMade);
        phase("synced");
        s.append("perl \"$H\" write \"$P\"");
        kernelMade.forEach(a -> s.append(' ').append(md(a)));
        s.append(" || R all write failed\n");
        for (OracleArray a : kernelMade) {
            s.append("read v < ").append(sys(a)).append("../size; R ").append(a.name()).append(" size $((v * 512))\n");
        }
        phase("written");
        // No check here: the host compares every P and Q with uraid's, which says more.
        for (OracleArray a : kernelMade) {
            if (a.ppl()) {
                s.append("perl \"$H\" rewrite \"$P\" ").append(md(a)).append(' ').append(pplRewriteOffset(a))
                        .append(" 4096 || R ").append(a.name()).append(" rewrite failed\n");
            }
        }
        stop(kernelMade);
        phase("stopped");

        // 2. uraid's arrays: assembled, described, read back, checked, then read with members failed.
        for (OracleArray a : uraidMade) {
            assemble(a);
            describe(a);
        }
        phase("assembled");
        compare(uraidMade, "readback");
        phase("read");
        check(uraidMade);
        phase("checked");
        for (OracleArray a : uraidMade) {
            for (int role : missingRoles(a)) {
                s.append("echo faulty > ").append(sys(a)).append("dev-loop").append(firstLoop(a) + role)
                        .append("/state || R ").append(a.name()).append(" fail failed\n");
            }
        }
        s.append("echo 3 > /proc/sys/vm/drop_caches\n");
        compare(uraidMade, "degraded");
        phase("read degraded");
        stop(uraidMade);

        // 3. The dirty PPL array: its log must bring it in sync at assembly; resync is held
        //    back to a crawl, so a failed recovery would show as a resync in progress.
        s.append("echo 1 > /proc/sys/dev/raid/speed_limit_min; echo 1 > /proc/sys/dev/raid/speed_limit_max\n");
        assemble(dirtyPpl);
        for (String key : new String[] {"resync_start", "sync_action", "consistency_policy", "array_state"}) {
            s.append("read v < ").append(sys(dirtyPpl)).append(key).append("; R ").append(dirtyPpl.name()).append(' ')
                    .append(key.equals("consistency_policy") ? "policy" : key).append(" $v\n");
        }
        s.append("fast\n");
        describe(dirtyPpl);
        compare(List.of(dirtyPpl), "readback");
        check(List.of(dirtyPpl));
        stop(List.of(dirtyPpl));
        phase("ppl");
        return s.toString();
    }

    /** Prints "T name seconds-since-boot" (builtins only), for the test's timing line. */
    private void phase(String name) {
        s.append("read t _ < /proc/uptime; echo \"T ").append(name).append(" $t\"\n");
    }

    private int firstLoop(OracleArray a) {
        return firstLoop.get(arrays.indexOf(a));
    }

    private String md(OracleArray a) {
        return "md" + arrays.indexOf(a);
    }

    private String dev(OracleArray a) {
        return "/dev/" + md(a);
    }

    private String sys(OracleArray a) {
        return "/sys/block/" + md(a) + "/md/";
    }

    private String loops(OracleArray a, List<Integer> leaveOut) {
        StringBuilder l = new StringBuilder();
        for (int r = 0; r < a.disks(); r++) {
            if (!leaveOut.contains(r)) {
                l.append(" /dev/loop").append(firstLoop(a) + r);
            }
        }
        return l.toString();
    }

    private void assemble(OracleArray a) {
        s.append("mdadm --assemble ").append(dev(a)).append(" --run --quiet").append(loops(a, List.of()))
                .append(" || R ").append(a.name()).append(" assemble failed\n");
    }

    private void describe(OracleArray a) {
        for (String key : new String[] {"level", "layout", "chunk_size"}) {
            s.append("read v < ").append(sys(a)).append(key).append("; R ").append(a.name()).append(' ')
                    .append(key.equals("chunk_size") ? "chunk" : key).append(" $v\n");
        }
        s.append("read v < ").append(sys(a)).append("../size; R ").append(a.name()).append(" size $((v * 512))\n");
    }

    private void compare(List<OracleArray> list, String key) {
        s.append("perl \"$H\" compare \"$P\" ").append(key);
        list.forEach(a -> s.append(' ').append(a.name()).append('=').append(md(a)));
        s.append(" || R all compare failed\n");
    }

    private void check(List<OracleArray> list) {
        for (OracleArray a : list) {
            s.append("echo check > ").append(sys(a)).append("sync_action\n");
        }
        waitFor(list);
        for (OracleArray a : list) {
            s.append("read v < ").append(sys(a)).append("mismatch_cnt; R ").append(a.name()).append(" mismatch $v\n");
        }
    }

    private void waitFor(List<OracleArray> list) {
        s.append("mdadm --wait");
        list.forEach(a -> s.append(' ').append(dev(a)));
        s.append(" >/dev/null 2>&1\n");
    }

    private void stop(List<OracleArray> list) {
        s.append("mdadm --stop");
        list.forEach(a -> s.append(' ').append(dev(a)));
        s.append(" >/dev/null 2>&1\n");
    }
}
