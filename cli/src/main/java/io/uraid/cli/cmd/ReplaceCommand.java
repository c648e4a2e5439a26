package io.uraid.cli.cmd;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code uraid replace NAME DEV --with SPARE}: copy a member onto a new device while it stays in service. */
@Command(name = "replace", mixinStandardHelpOptions = true, description = "Copy a member onto SPARE while the "
        + "member stays in service; when the copy is complete SPARE takes its role and DEV is marked faulty.")
public final class ReplaceCommand extends ControlCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "Array name.")
    String name;

    @Parameters(index = "1", paramLabel = "DEV", description = "The member to replace.")
    String device;

    @Option(names = "--with", required = true, paramLabel = "SPARE", description = "The device that takes its role.")
    String spare;

    @Override
    List<String> words() {
        return List.of("replace", name, ControlCall.devicePath(device), "--with", ControlCall.devicePath(spare));
    }
}
