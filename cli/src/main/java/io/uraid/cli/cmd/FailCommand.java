package io.uraid.cli.cmd;

import picocli.CommandLine.Command;

/** {@code uraid fail NAME DEV}: Mark a member of a running array faulty (refused when the array would lose data). */
@Command(name = "fail", mixinStandardHelpOptions = true, description = "Mark a member of a running array faulty (refused when the array would lose data).")
public final class FailCommand extends MemberCommand {
}
