package io.uraid.cli.cmd;

import io.uraid.cli.ExitCodes;
import io.uraid.daemon.control.ControlClient;
import io.uraid.daemon.control.ControlProtocol;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code uraid status}: the daemon's arrays as /proc/mdstat shows them, on stdout and nothing
 * else (tools that parse mdstat parse it); what md has no line for (a degraded start, members
 * left out and why, config arrays not running) goes to stderr.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show the daemon's arrays as /proc/mdstat shows md's, line for line (stdout).",
            "Warnings that mdstat has no line for (started degraded, members left out and why, config arrays "
                + "not running) go to stderr; exit 1 while a config array is not running."})
public final class StatusCommand implements Callable<Integer> {
    private static final String LAST_MDSTAT_LINE = "unused devices: ";

    @Spec
    private CommandSpec spec;

    @Mixin
    private ControlCall call;

    @Override
    public Integer call() {
        ControlClient.Reply r;
        try {
            r = ControlClient.send(call.control, List.of("status"));
        } catch (IOException e) {
            throw new ExitCodes.CliException(ExitCodes.FAILURE, e.getMessage());
        }
        String[] parts = split(r.body());
        PrintWriter out = spec.commandLine().getOut();
        out.print(parts[0]);
        out.flush();
        PrintWriter err = spec.commandLine().getErr();
        err.print(parts[1]);
        err.flush();
        if (!r.ok()) {
            throw new ExitCodes.CliException(ControlProtocol.USAGE.equals(r.status()) ? ExitCodes.USAGE
                    : ExitCodes.FAILURE, r.message());
        }
        return ExitCodes.OK;
    }

    /** {mdstat's lines, what follows them (the blank separator dropped)}. */
    static String[] split(String body) {
        int last = body.indexOf(LAST_MDSTAT_LINE);
        int end = last < 0 ? body.length() : body.indexOf('\n', last);
        end = end < 0 ? body.length() : end + 1;
        return new String[] {body.substring(0, end), body.substring(end).stripLeading()};
    }
}
