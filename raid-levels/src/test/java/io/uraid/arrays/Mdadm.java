package io.uraid.arrays;

import io.uraid.io.testing.RequiredTools;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Runs Debian's mdadm as an independent oracle for the members uraid writes. */
final class Mdadm {
    private Mdadm() {
    }

    /**
     * Returns when mdadm is installed; else skips the calling test visibly (fails it where CI
     * requires the tools): the test must not pass with its oracle silently left out.
     */
    static void require() {
        RequiredTools.require("mdadm", "mdadm");
    }

    /** `mdadm --examine FILE` as "Key : value" pairs (first occurrence of each key). */
    static Map<String, String> examine(Path member) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("mdadm", "--examine", member.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        int code = p.waitFor();
        if (code != 0) {
            throw new IOException("mdadm --examine " + member + " exited " + code + ": " + out);
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            int colon = line.indexOf(" : ");
            if (colon > 0) {
                fields.putIfAbsent(line.substring(0, colon).trim(), line.substring(colon + 3).trim());
            }
        }
        fields.put("_raw", out);
        return fields;
    }
}
