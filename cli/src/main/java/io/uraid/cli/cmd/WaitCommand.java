package io.uraid.cli.cmd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.uraid.cli.ExitCodes;
import io.uraid.daemon.control.ControlClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code uraid wait NAME}: returns when the array's resync, rebuild, check or repair has ended (mdadm --wait). */
@Command(name = "wait", mixinStandardHelpOptions = true,
        description = {"Wait until the running resync, rebuild, check or repair of an array has ended, as mdadm "
            + "--wait does; a progress bar on stderr when at a terminal, nothing extra when piped.",
            "Exit 0 when it waited for a pass, 1 when none was running (as mdadm), or on failure."})
public final class WaitCommand implements Callable<Integer> {
    private static final long POLL_MILLIS = 200;

    @Spec
    private CommandSpec spec;

    @Mixin
    private ControlCall call;

    @Parameters(index = "0", paramLabel = "NAME", description = "Array name.")
    private String name;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        ObjectMapper mapper = new ObjectMapper();
        boolean waited = false;
        try (ProgressBar bar = ProgressBar.onTerminal(err, name)) {
            while (true) {
                JsonNode d = detail(mapper);
                String action = d.path("sync_action").asText("idle");
                if (action.equals("idle")) {
                    break;
                }
                waited = true;
                bar.update(d.path("sync_percent").asDouble() / 100, action);
                Thread.sleep(POLL_MILLIS);
            }
        }
        return waited ? ExitCodes.OK : ExitCodes.FAILURE;
    }

    private JsonNode detail(ObjectMapper mapper) {
        try {
            ControlClient.Reply r = ControlClient.send(call.control, List.of("detail", name, "--json"));
            if (!r.ok()) {
                throw new ExitCodes.CliException(ExitCodes.FAILURE, r.message());
            }
            return mapper.readTree(r.body());
        } catch (IOException e) {
            throw new ExitCodes.CliException(ExitCodes.FAILURE, e.getMessage());
        }
    }
}
