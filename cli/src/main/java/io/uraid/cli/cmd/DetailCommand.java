package io.uraid.cli.cmd;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code uraid detail NAME [--json]}: one running array, laid out like mdadm --detail; {@code --scan}: config lines. */
@Command(name = "detail", mixinStandardHelpOptions = true,
        description = {"Show one running array, laid out like mdadm --detail (the first line names its NBD export).",
            "--scan prints, like mdadm --detail --scan --verbose, an ARRAY line for each running array (and a "
                + "DEVICE line for members that are files), ready for the daemon's config file."})
public final class DetailCommand extends ControlCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "Array name.")
    private String name;

    @Option(names = "--json", description = "JSON instead of text.")
    private boolean json;

    @Option(names = {"--scan", "-s"}, description = "Config lines for every running array.")
    private boolean scan;

    @Override
    List<String> words() {
        if (scan == (name != null) || scan && json) {
            throw new IllegalArgumentException("give an array NAME, or --scan alone");
        }
        if (scan) {
            return List.of("detail", "--scan");
        }
        List<String> w = new ArrayList<>(List.of("detail", name));
        if (json) {
            w.add("--json");
        }
        return w;
    }
}
