package io.uraid.cli.cmd;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code uraid flags NAME DEV ...}: md's write-mostly and failfast flags of a running member. */
@Command(name = "flags", mixinStandardHelpOptions = true,
        description = {"Set or clear a member's write-mostly and failfast flags while the array runs, as",
            "mdadm --writemostly/--readwrite/--failfast/--nofailfast do; the superblocks record them."})
public final class FlagsCommand extends ControlCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "Array name.")
    String name;

    @Parameters(index = "1", paramLabel = "DEV", description = "Member device (a path or an NBD URI).")
    String device;

    @ArgGroup(exclusive = true)
    Mostly mostly;

    @ArgGroup(exclusive = true)
    Fast fast;

    static final class Mostly {
        @Option(names = {"-W", "--write-mostly"}, required = true, description = "Reads avoid it while another copy is in sync.")
        boolean set;

        @Option(names = "--readwrite", required = true, description = "Clear write-mostly.")
        boolean clear;
    }

    static final class Fast {
        @Option(names = "--failfast", required = true, description = "A failed I/O fails it at once.")
        boolean set;

        @Option(names = "--nofailfast", required = true, description = "Clear failfast.")
        boolean clear;
    }

    @Override
    List<String> words() {
        List<String> w = new ArrayList<>(List.of(spec.name(), name, ControlCall.devicePath(device)));
        if (mostly != null) {
            w.add(mostly.set ? "write-mostly" : "readwrite");
        }
        if (fast != null) {
            w.add(fast.set ? "failfast" : "nofailfast");
        }
        if (w.size() == 3) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "say what to change: --write-mostly, --readwrite, --failfast or --nofailfast");
        }
        return w;
    }
}
