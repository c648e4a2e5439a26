package io.uraid.levels.parity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** Runs the host's mdadm on member files (TZ=UTC, C locale) for examine comparisons. */
final class Mdadm {
    private Mdadm() {
    }

    /** {@code mdadm --examine FILE}'s standard output; fails the test when mdadm fails. */
    static String examine(Path member) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(List.of("mdadm", "--examine", member.toString()));
        pb.environment().put("TZ", "UTC");
        pb.environment().put("LC_ALL", "C");
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("mdadm --examine " + member + " failed:\n" + out);
        }
        return out;
    }
}
