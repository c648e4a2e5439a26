package io.uraid.cli.cmd;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code uraid check|repair NAME [--wait]}: starts a pass of the array's sync engine. */
abstract class ScrubCommand extends ControlCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "Array name.")
    String name;

    @Option(names = "--wait", description = "Return when the pass is over and print its mismatch_cnt.")
    boolean await;

    @Option(names = "--abort", description = "Stop the running check or repair after its current window "
            + "(md's 'echo idle > sync_action'); mismatch_cnt keeps what it counted so far.")
    boolean abort;

    @Override
    final List<String> words() {
        if (await && abort) {
            throw new IllegalArgumentException("--wait and --abort exclude each other");
        }
        List<String> w = new ArrayList<>(List.of(spec.name(), name));
        if (await) {
            w.add("--wait");
        }
        if (abort) {
            w.add("--abort");
        }
        return w;
    }
}
