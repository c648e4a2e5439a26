package io.uraid.levels.ppl;

import io.uraid.io.testing.RequiredTools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** The host's mdadm --examine (TZ=UTC, C locale), an oracle independent of uraid's reader. */
final class Mdadm {
    private Mdadm() {
    }

    static String examine(Path member) throws IOException, InterruptedException {
        RequiredTools.require("mdadm", "mdadm");
        ProcessBuilder pb = new ProcessBuilder(List.of("mdadm", "--examine", member.toString()));
        pb.environment().put("TZ", "UTC");
        pb.environment().put("LC_ALL", "C");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("mdadm --examine " + member + " failed:\n" + out);
        }
        return out;
    }
}
