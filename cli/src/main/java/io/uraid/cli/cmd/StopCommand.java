package io.uraid.cli.cmd;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code uraid stop NAME}: stop a running array in the daemon. */
@Command(name = "stop", mixinStandardHelpOptions = true,
        description = "Stop a running array: its clients are answered, members flushed, superblocks marked clean.")
public final class StopCommand extends ControlCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "Array name.")
    private String name;

    @Override
    List<String> words() {
        return List.of("stop", name);
    }
}
