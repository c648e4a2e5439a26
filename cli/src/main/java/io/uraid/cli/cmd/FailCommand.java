package io.uraid.cli.cmd;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code uraid fail}: Mark a member of a running array faulty (refused when the array would lose data). */
@Command(name = "fail", mixinStandardHelpOptions = true, description = {"Mark a member of a running array faulty (refused when the array would lose data)."})
public final class FailCommand implements Callable<Integer> {
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
        List<String> words = new ArrayList<>(List.of("fail"));
        words.add(name);
        words.add(device);
        return call.run(spec.commandLine().getOut(), words);
    }
}
