package io.uraid.cli.cmd;

import picocli.CommandLine.Command;

/** {@code uraid readwrite NAME}: undoes {@code uraid readonly} (mdadm --readwrite). */
@Command(name = "readwrite", mixinStandardHelpOptions = true,
        description = "Let the NBD clients of a read-only array write again (mdadm --readwrite); clients "
            + "that connected while it was read-only reconnect to see it writable.")
public final class ReadwriteCommand extends ArrayCommand {
}
