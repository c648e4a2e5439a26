package io.uraid.cli.cmd;

import io.uraid.cli.ExitCodes;
import io.uraid.core.report.ConfigLines;
import io.uraid.core.report.MemberExaminer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code uraid examine}: prints each member's md superblock as mdadm --examine does. */
@Command(name = "examine", mixinStandardHelpOptions = true,
        description = {"Print the md superblock of each device (v1.x and 0.90), laid out like mdadm --examine.",
            "Read-only; works on members of running arrays, on block devices and on image files.",
            "--scan prints, like mdadm --examine --scan --verbose, one ARRAY line per array whose v1.x members "
                + "it finds among DEV... (default: the block devices in /proc/partitions), with a DEVICE line "
                + "for members that are files: config lines the daemon accepts."})
public final class ExamineCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "DEV", description = "Devices or image files.")
    private List<Path> devices = List.of();

    @Option(names = {"--scan", "-s"}, description = "Config lines (DEVICE, ARRAY) for the arrays found.")
    private boolean scan;

    @Option(names = "--json", description = "One JSON object per device (a JSON array when several).")
    private boolean json;

    @Option(names = "--homehost", paramLabel = "HOST", description = "Host name for the '(local to host …)' remark.")
    private String homehost;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (scan) {
            return scan(out);
        }
        if (devices.isEmpty()) {
            throw new IllegalArgumentException("give the devices to examine, or --scan");
        }
        String host = homehost != null ? homehost : Hosts.homehost();
        int failed = 0;
        StringBuilder jsonOut = new StringBuilder();
        for (Path d : devices) {
            try {
                if (json) {
                    jsonOut.append(jsonOut.length() == 0 ? "" : ",\n").append(MemberExaminer.json(d));
                } else {
                    out.print(MemberExaminer.text(d, ZoneId.systemDefault(), host));
                }
            } catch (IOException e) {
                err.println("uraid: " + e.getMessage());
                failed++;
            }
        }
        if (json && jsonOut.length() > 0) {
            out.println(devices.size() == 1 ? jsonOut : "[" + jsonOut + "]");
        }
        out.flush();
        return failed == 0 ? ExitCodes.OK : ExitCodes.FAILURE;
    }

    private int scan(PrintWriter out) {
        if (json) {
            throw new IllegalArgumentException("--scan prints config lines; it has no --json form");
        }
        List<Path> where;
        try {
            where = devices.isEmpty() ? ConfigLines.partitions() : devices;
        } catch (IOException e) {
            throw new ExitCodes.CliException(ExitCodes.FAILURE, "cannot list block devices: " + e.getMessage());
        }
        List<ConfigLines.Array> arrays = ConfigLines.scan(where);
        out.print(ConfigLines.format(arrays));
        out.flush();
        return arrays.isEmpty() && !devices.isEmpty() ? ExitCodes.FAILURE : ExitCodes.OK;
    }
}
