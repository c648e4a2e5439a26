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

    @Override
    final List<String> words() {
        List<String> w = new ArrayList<>(List.of(spec.name(), name));
        if (await) {
            w.add("--wait");
        }
        return w;
    }
}
