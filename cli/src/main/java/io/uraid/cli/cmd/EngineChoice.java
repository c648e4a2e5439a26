package io.uraid.cli.cmd;

import io.uraid.io.EngineKind;
import io.uraid.io.IoEngine;
import io.uraid.io.IoEngines;
import java.io.IOException;
import picocli.CommandLine.Option;

/** The {@code --engine} option shared by commands that do I/O: explicit, or the best available. */
public final class EngineChoice {
    @Option(names = "--engine", paramLabel = "ENGINE",
            description = "io_uring, libaio or portable (default: the best that works here).")
    String engine;

    /** Opens the chosen engine; an unavailable explicit choice is an error naming why. */
    public IoEngine open(int entries) throws IOException {
        return engine == null ? IoEngines.openBest(entries) : IoEngines.open(EngineKind.parse(engine), entries);
    }
}
