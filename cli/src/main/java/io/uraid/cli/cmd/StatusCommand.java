package io.uraid.cli.cmd;

import java.util.List;
import picocli.CommandLine.Command;

/** {@code uraid status}: the daemon's arrays, laid out like /proc/mdstat. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show the daemon's arrays, laid out like /proc/mdstat.")
public final class StatusCommand extends ControlCommand {
    @Override
    List<String> words() {
        return List.of("status");
    }
}
