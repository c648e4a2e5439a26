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

/** {@code uraid detail}: Show one running array, laid out like mdadm --detail. */
@Command(name = "detail", mixinStandardHelpOptions = true, description = {"Show one running array, laid out like mdadm --detail."})
public final class DetailCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private ControlCall call;

    @Parameters(index = "0", paramLabel = "NAME", description = "Array name.")
    private String name;

    @Option(names = "--json", description = "JSON instead of text.")
    private boolean json;

    @Override
    public Integer call() {
        List<String> words = new ArrayList<>(List.of("detail"));
        words.add(name);
        if (json) {
            words.add("--json");
        }
        return call.run(spec.commandLine().getOut(), words);
    }
}
