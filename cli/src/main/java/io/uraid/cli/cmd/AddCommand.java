package io.uraid.cli.cmd;

import picocli.CommandLine.Command;

/** {@code uraid add NAME DEV}: Re-add a failed member, or add a hot spare that is rebuilt into an empty role. */
@Command(name = "add", mixinStandardHelpOptions = true, description = "Re-add a failed member, or add a hot spare that is rebuilt into an empty role.")
public final class AddCommand extends MemberCommand {
}
