package io.uraid.cli.cmd;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code uraid detail NAME [--json]}: one running array, laid out like mdadm --detail. */
@Command(name = "detail", mixinStandardHelpOptions = true,
        description = "Show one running array, laid out like mdadm --detail.")
public final class DetailCommand extends ControlCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "Array name.")
    private String name;

    @Option(names = "--json", description = "JSON instead of text.")
    private boolean json;

    @Override
    List<String> words() {
        List<String> w = new ArrayList<>(List.of("detail", name));
        if (json) {
            w.add("--json");
        }
        return w;
    }
}
