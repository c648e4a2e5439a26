package io.uraid.cli.cmd;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code uraid assemble}: Assemble an array from its members in the running daemon and export it over NBD. */
@Command(name = "assemble", mixinStandardHelpOptions = true, description = {"Assemble an array from its members in the running daemon and export it over NBD."})
public final class AssembleCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private ControlCall call;

    @Parameters(index = "0", paramLabel = "NAME", description = "Array name.")
    private String name;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "DEV", description = "Member devices.")
    private List<String> devices;

    @Option(names = {"--run", "-R"}, description = "Start a redundant array even with members missing.")
    private boolean run;

    @Override
    public Integer call() {
        List<String> words = new ArrayList<>(List.of("assemble"));
        words.add(name);
        words.addAll(devices);
        if (run) {
            words.add("--run");
        }
        return call.run(spec.commandLine().getOut(), words);
    }
}
