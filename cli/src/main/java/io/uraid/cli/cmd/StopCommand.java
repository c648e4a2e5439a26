package io.uraid.cli.cmd;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code uraid stop NAME [--force]}: stop a running array in the daemon. */
@Command(name = "stop", mixinStandardHelpOptions = true,
        description = {"Stop a running array: members flushed, superblocks marked clean.",
            "Refused while NBD clients are connected to it (as mdadm --stop refuses a busy array); --force "
                + "disconnects them after answering the requests they have in flight."})
public final class StopCommand extends ControlCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "Array name.")
    private String name;

    @Option(names = "--force", description = "Disconnect connected NBD clients (after answering what is in flight).")
    private boolean force;

    @Override
    List<String> words() {
        return force ? List.of("stop", name, "--force") : List.of("stop", name);
    }
}
