package io.uraid.arrays;

import io.uraid.core.array.RaidArray;
import io.uraid.core.assembly.AssembleOptions;
import io.uraid.core.assembly.Assembler;
import io.uraid.core.assembly.OpenArray;
import io.uraid.core.sync.SyncAction;
import io.uraid.io.IoEngines;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Child JVM of {@link RebuildResumeLoopTest}, killed with SIGKILL: assembles the members, adds
 * the last device as a spare and, in mode {@code fail}, fails role 1 so the spare is rebuilt
 * (throttled). Logs READY once that state is reached, then waits to be killed.
 *
 * <p>Args: mode (spare|fail), log file, member..., spare.
 */
public final class RebuildChild {
    private RebuildChild() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        PrintStream out = new PrintStream(new java.io.FileOutputStream(args[1]), true, "ISO-8859-1");
        List<Path> members = new ArrayList<>();
        for (int i = 2; i < args.length - 1; i++) {
            members.add(Path.of(args[i]));
        }
        Path spare = Path.of(args[args.length - 1]);
        AssembleOptions o = AssembleOptions.DEFAULT.withRedundancy(RebuildResumeLoopTest.SLOW);
        OpenArray open = Assembler.assemble(members, o, IoEngines.openBest(Assembler.ENGINE_ENTRIES));
        RaidArray array = open.array();
        try (var prep = IoEngines.openBest(8)) {
            open.addSpare(spare, prep, false);
        }
        if (mode.equals("fail")) {
            array.fail(1);
            while (open.redundancy().syncStatus().action() != SyncAction.RECOVER) {
                Thread.sleep(5);
            }
        }
        out.println("READY");
        Thread.sleep(Long.MAX_VALUE); // until killed
    }
}
