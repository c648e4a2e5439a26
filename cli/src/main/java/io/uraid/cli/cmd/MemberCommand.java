package io.uraid.cli.cmd;

import java.util.List;
import picocli.CommandLine.Parameters;

/** {@code uraid VERB NAME DEV}: an operation on one member of a running array. */
abstract class MemberCommand extends ControlCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "Array name.")
    String name;

    @Parameters(index = "1", paramLabel = "DEV", description = "Member device.")
    String device;

    @Override
    final List<String> words() {
        return List.of(spec.name(), name, ControlCall.devicePath(device));
    }
}
