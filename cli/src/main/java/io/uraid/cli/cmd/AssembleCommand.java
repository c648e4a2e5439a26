package io.uraid.cli.cmd;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code uraid assemble NAME DEV... [--run]}: assemble an array in the running daemon. */
@Command(name = "assemble", mixinStandardHelpOptions = true,
        description = "Assemble an array from its members in the running daemon and export it over NBD as NAME.")
public final class AssembleCommand extends ControlCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "Array (and export) name.")
    private String name;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "DEV", description = "Member devices.")
    private List<String> devices;

    @Option(names = {"--run", "-R"}, description = "Start a redundant array even with members missing.")
    private boolean run;

    @Option(names = {"--force", "-f"},
            description = "Start a raid4/5/6 array that is both dirty and degraded (its parity may not match its data).")
    private boolean force;

    @Override
    List<String> words() {
        List<String> w = new ArrayList<>(List.of("assemble", name));
        for (String d : devices) {
            w.add(ControlCall.devicePath(d));
        }
        if (run) {
            w.add("--run");
        }
        if (force) {
            w.add("--force");
        }
        return w;
    }
}
