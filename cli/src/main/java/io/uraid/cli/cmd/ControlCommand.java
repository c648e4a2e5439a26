package io.uraid.cli.cmd;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command that is one request to the running daemon: subclasses say which words to send. */
abstract class ControlCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ControlCall call;

    /** The command words for the control socket. */
    abstract List<String> words();

    @Override
    public Integer call() {
        return call.run(spec.commandLine().getOut(), words());
    }
}
