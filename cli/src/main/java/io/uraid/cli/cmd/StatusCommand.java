package io.uraid.cli.cmd;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code uraid status}: Show the daemon's arrays, laid out like /proc/mdstat. */
@Command(name = "status", mixinStandardHelpOptions = true, description = {"Show the daemon's arrays, laid out like /proc/mdstat."})
public final class StatusCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private ControlCall call;

    @Override
    public Integer call() {
        List<String> words = new ArrayList<>(List.of("status"));

        return call.run(spec.commandLine().getOut(), words);
    }
}
