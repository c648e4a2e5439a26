package io.uraid.cli.cmd;

import picocli.CommandLine.Command;

/** {@code uraid check NAME}: read every copy and count the sectors that differ (mismatch_cnt). */
@Command(name = "check", mixinStandardHelpOptions = true, description = "Read every copy of a running array and "
        + "count the sectors that differ (mismatch_cnt in detail, its JSON and the metrics); writes nothing.")
public final class CheckCommand extends ScrubCommand {
}
