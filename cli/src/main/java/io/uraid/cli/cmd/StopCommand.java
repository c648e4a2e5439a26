package io.uraid.cli.cmd;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code uraid stop}: Stop a running array: its clients are answered, members flushed, superblocks marked clean. */
@Command(name = "stop", mixinStandardHelpOptions = true, description = {"Stop a running array: its clients are answered, members flushed, superblocks marked clean."})
public final class StopCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private ControlCall call;

    @Parameters(index = "0", paramLabel = "NAME", description = "Array name.")
    private String name;

    @Override
    public Integer call() {
        List<String> words = new ArrayList<>(List.of("stop"));
        words.add(name);
        return call.run(spec.commandLine().getOut(), words);
    }
}
