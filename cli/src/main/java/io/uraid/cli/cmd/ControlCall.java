package io.uraid.cli.cmd;

import io.uraid.cli.ExitCodes;
import io.uraid.daemon.Daemon;
import io.uraid.daemon.control.ControlClient;
import io.uraid.daemon.control.ControlProtocol;
import io.uraid.io.remote.DevicePaths;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The {@code --control PATH} option shared by the commands that manage a running daemon, and
 * the call itself: send the words, print the output, map the daemon's answer to an exit code.
 */
public final class ControlCall {
    @Option(names = "--control", paramLabel = "PATH",
            description = "The daemon's control socket (default: /run/uraid/control.sock).")
    Path control = Daemon.Options.DEFAULT_CONTROL;

    /**
     * A device argument as the daemon must see it: relative paths are resolved here, in the
     * CLI's working directory (the daemon's is another); the word "missing" and NBD URIs
     * (remote members) stay as they are.
     */
    static String devicePath(String arg) {
        return arg.equals("missing") ? arg : DevicePaths.absolute(arg); // a bad URI: usage error (exit 2)
    }

    /** Sends {@code words}; prints the daemon's output on {@code out}; returns the exit code. */
    int run(PrintWriter out, List<String> words) {
        ControlClient.Reply r;
        try {
            r = ControlClient.send(control, words);
        } catch (IOException e) {
            throw new ExitCodes.CliException(ExitCodes.FAILURE, e.getMessage());
        }
        out.print(r.body()); // a failed command may still have output (status with an array not running)
        out.flush();
        if (!r.ok()) {
            throw new ExitCodes.CliException(ControlProtocol.USAGE.equals(r.status()) ? ExitCodes.USAGE
                    : ExitCodes.FAILURE, r.message());
        }
        return ExitCodes.OK;
    }
}
