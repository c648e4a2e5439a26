package io.uraid.cli.cmd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.uraid.cli.ExitCodes;
import io.uraid.daemon.control.ControlClient;
import io.uraid.daemon.control.ControlProtocol;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code uraid monitor}: follows the daemon's md events on the terminal, as mdadm --monitor prints them. */
@Command(name = "monitor", mixinStandardHelpOptions = true,
        description = {"Follow the daemon's md events, one line each as mdadm --monitor prints them without a "
            + "program (\"Dec  2 04:15:39: Fail on data /dev/sdc\"), until interrupted.",
            "The daemon itself runs its event program (uraid daemon --program, or PROGRAM in its config) and "
                + "logs every event; this command only watches."})
public final class MonitorCommand implements Callable<Integer> {
    private static final DateTimeFormatter MDADM_TIME = DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ROOT);

    @Spec
    private CommandSpec spec;

    @Mixin
    private ControlCall call;

    @Option(names = {"--test", "-t"}, description = "First have the daemon send a TestMessage event for every "
            + "array (to its program and log too), as mdadm --monitor --test does.")
    private boolean test;

    @Option(names = {"--oneshot", "-1"}, description = "Return after the events published so far (the test "
            + "messages, the replayed ones) instead of following.")
    private boolean oneshot;

    @Option(names = "--from", paramLabel = "SEQ", description = "Start with the daemon's event number SEQ instead "
            + "of the next one: 1 replays every event since the daemon started that it still holds (the last "
            + "4096); events it no longer holds are counted on stderr.")
    private Long from;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<String> words = new ArrayList<>(List.of("monitor"));
        if (test) {
            words.add("--test");
        }
        if (oneshot) {
            words.add("--oneshot");
        }
        if (from != null) {
            if (from < 1) {
                throw new ExitCodes.CliException(ExitCodes.USAGE, "--from takes an event number (1 or more): " + from);
            }
            words.add("--from");
            words.add(Long.toString(from));
        }
        PrintWriter err = spec.commandLine().getErr();
        ObjectMapper mapper = new ObjectMapper();
        ControlClient.Reply refused;
        try {
            refused = ControlClient.follow(call.control, words, line -> {
                JsonNode e = mapper.readTree(line);
                if (e.has("lost")) {
                    err.println("uraid monitor: " + e.path("lost").asLong() + " event(s) no longer held by the daemon");
                    err.flush();
                    return;
                }
                out.println(format(e, ZoneId.systemDefault()));
                out.flush();
            });
        } catch (IOException e) {
            throw new ExitCodes.CliException(ExitCodes.FAILURE, e.getMessage());
        }
        if (refused != null) {
            throw new ExitCodes.CliException(ControlProtocol.USAGE.equals(refused.status()) ? ExitCodes.USAGE
                    : ExitCodes.FAILURE, refused.message());
        }
        return ExitCodes.OK;
    }

    /** mdadm's line: "Mon DD HH:MM:SS: EVENT on ARRAY COMPONENT" ("unknown device" when there is none). */
    static String format(JsonNode e, ZoneId zone) {
        String when = MDADM_TIME.format(Instant.ofEpochMilli(e.path("time").asLong()).atZone(zone));
        JsonNode component = e.path("component");
        return when + ": " + e.path("event").asText() + " on " + e.path("array").asText() + " "
                + (component.isTextual() ? component.asText() : "unknown device");
    }
}
