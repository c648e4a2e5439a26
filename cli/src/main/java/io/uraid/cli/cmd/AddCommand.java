package io.uraid.cli.cmd;

import picocli.CommandLine.Command;

/** {@code uraid add NAME DEV}: Add a device to a running array as a member. */
@Command(name = "add", mixinStandardHelpOptions = true, description = "Add a device to a running array as a member.")
public final class AddCommand extends MemberCommand {
}
