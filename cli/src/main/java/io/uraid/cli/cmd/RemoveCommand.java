package io.uraid.cli.cmd;

import picocli.CommandLine.Command;

/** {@code uraid remove NAME DEV}: Remove a faulty member or a waiting spare from a running array. */
@Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a faulty member or a waiting spare from a running array.")
public final class RemoveCommand extends MemberCommand {
}
