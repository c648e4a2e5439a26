package io.uraid.cli.cmd;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code uraid remove}: Remove a faulty member from a running array. */
@Command(name = "remove", mixinStandardHelpOptions = true, description = {"Remove a faulty member from a running array."})
public final class RemoveCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private ControlCall call;

    @Parameters(index = "0", paramLabel = "NAME", description = "Array name.")
    private String name;

    @Parameters(index = "1", paramLabel = "DEV", description = "Member device.")
    private String device;

    @Override
    public Integer call() {
        List<String> words = new ArrayList<>(List.of("remove"));
        words.add(name);
        words.add(device);
        return call.run(spec.commandLine().getOut(), words);
    }
}
