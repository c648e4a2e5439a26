package io.uraid.cli.cmd;

import picocli.CommandLine.Command;

/** {@code uraid repair NAME}: like check, and rewrite the copies that differ from the first. */
@Command(name = "repair", mixinStandardHelpOptions = true, description = "Like check, and rewrite every copy that "
        + "differs from the first in-sync copy.")
public final class RepairCommand extends ScrubCommand {
}
