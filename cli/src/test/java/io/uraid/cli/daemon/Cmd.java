package io.uraid.cli.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs an external tool with a time limit; output and error merged. */
record Cmd(int exit, String output) {
    static Cmd run(long timeoutSeconds, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        byte[][] out = new byte[1][];
        Thread reader = new Thread(() -> {
            try {
                out[0] = p.getInputStream().readAllBytes();
            } catch (IOException e) {
                out[0] = new byte[0];
            }
        });
        reader.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            reader.join(5000);
            throw new IOException(String.join(" ", command) + ": no exit within " + timeoutSeconds + " s");
        }
        reader.join();
        return new Cmd(p.exitValue(), new String(out[0], StandardCharsets.UTF_8));
    }

    Cmd ok(String what) {
        if (exit != 0) {
            throw new AssertionError(what + " exited " + exit + ": " + output);
        }
        return this;
    }
}
