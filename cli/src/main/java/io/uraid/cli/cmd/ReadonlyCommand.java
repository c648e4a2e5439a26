package io.uraid.cli.cmd;

import picocli.CommandLine.Command;

/** {@code uraid readonly NAME}: NBD clients may read the array but not write it (mdadm --readonly). */
@Command(name = "readonly", mixinStandardHelpOptions = true,
        description = {"Make a running array read-only for its NBD clients, as mdadm --readonly does for /dev/mdX: "
            + "what they wrote is flushed first; from then on writes, trims and zeroes are refused with EPERM on "
            + "every connection, and new connections are told the export is read-only (NBD_FLAG_READ_ONLY).",
            "A resync or rebuild in progress carries on (the members must converge). uraid readwrite undoes it."})
public final class ReadonlyCommand extends ArrayCommand {
}
