package io.uraid.cli.cmd;

import io.uraid.cli.ExitCodes;
import io.uraid.core.assembly.AssembleOptions;
import io.uraid.core.assembly.Assembler;
import io.uraid.core.assembly.OpenArray;
import io.uraid.core.array.RaidArray;
import io.uraid.io.Sizes;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code uraid io}: assembles an array in this process and writes or verifies a seeded pattern through it. */
@Command(name = "io", mixinStandardHelpOptions = true,
        description = {"Write or verify a seeded data pattern through an array assembled in this process.",
            "The members are given in any order; --verify fails (exit 1) at the first block that differs.",
            "--verify only reads: the members are opened read-only and nothing is written to them.",
            "--write destroys the array's contents."})
public final class IoCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "DEV", description = "The array's member devices (any order).")
    private List<Path> devices;

    static final class Mode {
        @Option(names = "--write", required = true, description = "Write the pattern (then flush).")
        boolean write;
        @Option(names = "--verify", required = true, description = "Read back and compare with the pattern.")
        boolean verify;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    private Mode mode;

    @Option(names = "--seed", defaultValue = "1", description = "Pattern seed (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--size", paramLabel = "BYTES", description = "Bytes from the start of the array (default: all).")
    private String size;

    @Option(names = {"-R", "--run"}, description = "Start a redundant array even with members missing.")
    private boolean run;

    @Option(names = {"-f", "--force"}, description = "Start a raid4/5/6 array that is both dirty and degraded.")
    private boolean force;

    @Mixin
    private EngineChoice engine;

    @Override
    public Integer call() throws IOException {
        long requested = size == null ? 0 : Sizes.parse(size);
        PrintWriter out = spec.commandLine().getOut();
        try (OpenArray open = Assembler.assemble(devices, AssembleOptions.DEFAULT.withRun(run).withForce(force)
                .withReadOnly(mode.verify), engine.open(Assembler.ENGINE_ENTRIES))) {
            for (var l : open.leftOut()) {
                spec.commandLine().getErr().println("uraid: " + l);
            }
            RaidArray array = open.array();
            long span = SeededPattern.span(requested, array.size());
            SeededPattern pattern = new SeededPattern(seed);
            String what = array.level().name() + " array " + array.name() + (array.degraded() ? " (degraded)" : "");
            if (mode.write) {
                try (ProgressBar bar = ProgressBar.onTerminal(spec.commandLine().getErr(), "write")) {
                    pattern.write(array, span, done -> bar.update((double) done / span, Sizes.format(done)));
                }
                out.printf("uraid: wrote %d bytes of pattern seed %d to %s%n", span, seed, what);
                return ExitCodes.OK;
            }
            long bad;
            try (ProgressBar bar = ProgressBar.onTerminal(spec.commandLine().getErr(), "verify")) {
                bad = pattern.verify(array, span, done -> bar.update((double) done / span, Sizes.format(done)));
            }
            if (bad >= 0) {
                spec.commandLine().getErr().printf("uraid: verify FAILED: %s differs from pattern seed %d at array "
                        + "offset %d%n", what, seed, bad);
                return ExitCodes.FAILURE;
            }
            out.printf("uraid: verified %d bytes of pattern seed %d on %s: OK%n", span, seed, what);
            return ExitCodes.OK;
        }
    }
}
