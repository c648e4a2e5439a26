package io.uraid.cli.cmd;

import java.util.List;
import picocli.CommandLine.Parameters;

/** {@code uraid VERB NAME}: an operation on one running array, sent as the command's own name. */
abstract class ArrayCommand extends ControlCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "Array name.")
    String name;

    @Override
    final List<String> words() {
        return List.of(spec.name(), name);
    }
}
