package io.uraid.cli.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.cli.Cli;
import io.uraid.core.assembly.AssembleOptions;
import io.uraid.core.assembly.Assembler;
import io.uraid.core.assembly.OpenArray;
import io.uraid.io.testing.TestEngines;
import io.uraid.io.testing.UserModeLinux;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A raid10 (n2, four members) that uraid degraded: member 2 failed and removed while the array
 * ran, then the whole array rewritten with another pattern, so the removed member holds only
 * stale bytes. The kernel must start it degraded (without {@code --run}: the survivors record
 * the slot as gone), leave the stale member out and read the new bytes.
 */
final class DegradedUraidArray {
    static final int VICTIM = 2;
    final UraidArray array;
    /** mdadm --examine of member 0 as uraid left it. */
    private final String examinedBefore;

    private DegradedUraidArray(UraidArray array) throws Exception {
        this.array = array;
        this.examinedBefore = Cli.tool("mdadm", "--examine", array.members().get(0).toString());
    }

    /** Creates it with pattern {@code firstSeed}, degrades it, rewrites it with {@code seed}. */
    static DegradedUraidArray make(Path dir, String name, long firstSeed, long seed) throws Exception {
        UraidArray a = UraidArray.create(dir, name, "raid10", UraidArray.mib(5, 5, 5, 5), firstSeed, "--chunk", "64K");
        try (OpenArray open = Assembler.assemble(a.members(), AssembleOptions.DEFAULT, TestEngines.open(64))) {
            assertTrue(open.array().fail(VICTIM), "uraid fails member " + VICTIM);
            long until = System.currentTimeMillis() + 10_000;
            while (!open.removeMember(VICTIM)) {
                assertTrue(System.currentTimeMillis() < until, "the failed member was not removed in 10 s");
                Thread.sleep(20);
            }
        }
        List<Path> survivors = new ArrayList<>(a.members());
        survivors.remove(VICTIM);
        return new DegradedUraidArray(a.write(seed, survivors));
    }

    /** The guest's part: all four members to mdadm --assemble (no --run), digest, stop, then Array State. */
    String script(List<Path> attached, String md) {
        UraidArray a = array;
        int first = attached.size();
        attached.addAll(a.members());
        String n = a.name();
        return "assemble " + n + " " + md + " " + GuestMd.devices(first, a.members().size()) + "\n"
                + "digest " + n + " " + md + "\n"
                + "stop " + n + " " + md + "\n"
                + "mdadm --examine " + GuestMd.device(first) + " > /run/" + n + ".examine; while read -r k1 k2 c v rest; "
                + "do [ \"$k1 $k2\" = 'Array State' ] && echo \"" + n + ".array_state_after=$v\"; done < /run/" + n
                + ".examine\n";
    }

    void assertKernelStartedItDegraded(UserModeLinux.Boot boot) {
        UraidArray a = array;
        KernelAssemblesUraidArraysTest.assertKernelReadsIt(boot, a, a.members().size() - 1);
        String n = a.name();
        assertTrue(boot.value(n + ".mdstat").contains("[4/3] [UU_U]"), n + ": md runs it without member "
                + VICTIM + ": " + boot.value(n + ".mdstat"));
        assertTrue(examinedBefore.contains("Array State : AA.A "), "uraid recorded the removed slot: "
                + examinedBefore);
        assertEquals("AA.A", boot.value(n + ".array_state_after"), n + ": the kernel agrees on the degraded state");
    }
}
