package io.uraid.cli.cmd;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code uraid add NAME DEV}: Re-add a failed member, or add a hot spare that is rebuilt into an empty role. */
@Command(name = "add", mixinStandardHelpOptions = true, description = "Re-add a failed member, or add a hot spare that is rebuilt into an empty role.")
public final class AddCommand extends ControlCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "Array name.")
    String name;

    @Parameters(index = "1", paramLabel = "DEV", description = "Member device (a path or an NBD URI).")
    String device;

    @Option(names = {"-W", "--write-mostly"}, description = "Mark the device write-mostly (raid1/raid10: reads avoid it).")
    boolean writeMostly;

    @Option(names = "--failfast", description = "Mark the device failfast (a failed I/O fails it at once).")
    boolean failfast;

    @Override
    List<String> words() {
        List<String> w = new ArrayList<>(List.of(spec.name(), name, ControlCall.devicePath(device)));
        if (writeMostly) {
            w.add("write-mostly");
        }
        if (failfast) {
            w.add("failfast");
        }
        return w;
    }
}
