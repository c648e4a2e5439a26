package io.uraid.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code uraid} command. */
@Command(name = "uraid", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Userspace software RAID controller, md-compatible on disk.",
            "Assembles member block devices into linear, RAID0, RAID1 and RAID10 arrays and "
                + "does their I/O through io_uring."},
        subcommands = {
            CommandLine.HelpCommand.class,
            io.uraid.cli.cmd.CreateCommand.class,
            io.uraid.cli.cmd.ExamineCommand.class,
            io.uraid.cli.cmd.IoCommand.class,
            io.uraid.cli.cmd.DemoCommand.class,
            io.uraid.cli.cmd.EngineBenchCommand.class,
            io.uraid.cli.cmd.BenchCommand.class,
            io.uraid.cli.cmd.DaemonCommand.class,
            io.uraid.cli.cmd.AssembleCommand.class,
            io.uraid.cli.cmd.StopCommand.class,
            io.uraid.cli.cmd.StatusCommand.class,
            io.uraid.cli.cmd.DetailCommand.class,
            io.uraid.cli.cmd.FailCommand.class,
            io.uraid.cli.cmd.RemoveCommand.class,
            io.uraid.cli.cmd.AddCommand.class,
            io.uraid.cli.cmd.FlagsCommand.class,
            io.uraid.cli.cmd.CheckCommand.class,
            io.uraid.cli.cmd.RepairCommand.class,
            io.uraid.cli.cmd.ReplaceCommand.class,
            io.uraid.cli.cmd.GrowCommand.class,
            io.uraid.cli.cmd.ReadonlyCommand.class,
            io.uraid.cli.cmd.ReadwriteCommand.class,
            io.uraid.cli.cmd.WaitCommand.class,
            io.uraid.cli.cmd.MonitorCommand.class,
            io.uraid.cli.cmd.ZeroSuperblockCommand.class,
        })
public final class Main implements Runnable {
    static {
        // Must precede the first logger: keeps log records of the shutdown hook (see KeepLoggingManager).
        if (System.getProperty("java.util.logging.manager") == null) {
            System.setProperty("java.util.logging.manager", "io.uraid.daemon.KeepLoggingManager");
        }
    }

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Builds the command line with the given output streams (tests capture them). */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler(new ExitCodes.ErrorHandler());
        giveVersionToSubcommands(cl);
        // Every device argument may be a remote member's NBD URI (nbd://HOST/EXPORT...).
        cl.registerConverter(java.nio.file.Path.class, io.uraid.io.remote.DevicePaths::of);
        return cl;
    }

    /**
     * Every subcommand offers {@code --version} (mixinStandardHelpOptions); without a provider of
     * its own it would print nothing, so each one reports the version {@code uraid --version} does.
     */
    private static void giveVersionToSubcommands(CommandLine cl) {
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (sub.getCommandSpec().version().length == 0) {
                sub.getCommandSpec().versionProvider(new Version());
            }
            giveVersionToSubcommands(sub);
        }
    }

    public static void main(String[] args) {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            // One line per log record, like the CLI's own messages (not JUL's two-line default).
            System.setProperty("java.util.logging.SimpleFormatter.format", "uraid: %4$s: %5$s%6$s%n");
        }
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int code = commandLine(out, err).execute(args);
        out.flush();
        err.flush();
        System.exit(code);
    }
}
