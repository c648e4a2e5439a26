package io.uraid.cli.cmd;

import io.uraid.cli.ExitCodes;
import io.uraid.core.array.MemberState;
import io.uraid.core.array.RaidArray;
import io.uraid.core.assembly.ArrayCreator;
import io.uraid.core.assembly.AssembleOptions;
import io.uraid.core.assembly.Assembler;
import io.uraid.core.assembly.CreateSpec;
import io.uraid.core.assembly.OpenArray;
import io.uraid.core.report.ArrayStatus;
import io.uraid.core.report.DetailFormatter;
import io.uraid.core.sb.MdNames;
import io.uraid.core.spi.LevelRegistry;
import io.uraid.io.IoEngine;
import io.uraid.io.testing.FaultRule;
import io.uraid.io.testing.FaultyEngine;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code uraid demo}: the whole life of a RAID10 on four file-backed members in a temporary
 * folder, no root needed: create, write and verify, a member that starts failing every I/O,
 * verify again degraded, show the array detail, clean up.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Tour: a RAID10 on four temporary files survives a failing member; needs no root.",
            "Creates the array, writes and verifies data, makes one member fail every I/O (injected EIO),",
            "verifies the data again, prints the array detail and removes the folder."})
public final class DemoCommand implements Callable<Integer> {
    private static final String NAME = "demo";
    private static final int MEMBERS = 4;
    private static final int VICTIM = 1;

    @Spec
    private CommandSpec spec;

    @Option(names = "--keep", description = "Keep the member files (and print where they are).")
    private boolean keep;

    @Option(names = "--dir", paramLabel = "DIR", description = "Parent folder for the members (default: the system temp folder).")
    private Path parent;

    @Option(names = "--member-size", paramLabel = "BYTES", defaultValue = "48M",
            description = "Size of each member file (default: ${DEFAULT-VALUE}).")
    private String memberSize;

    @Mixin
    private EngineChoice engine;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        long bytes = io.uraid.io.Sizes.parse(memberSize);
        Path dir;
        try {
            dir = parent == null ? Files.createTempDirectory("uraid-demo-")
                    : Files.createTempDirectory(Files.createDirectories(parent), "uraid-demo-");
        } catch (IOException e) {
            throw new IOException("cannot make the demo folder in " + (parent == null
                    ? System.getProperty("java.io.tmpdir") : parent) + ": " + e, e);
        }
        try {
            List<Path> members = memberFiles(dir, bytes);
            out.printf("uraid demo: RAID10 (near=2) over %d member files of %s in %s%n", MEMBERS, memberSize, dir);
            try (IoEngine e = engine.open(64)) {
                out.printf("  engine: %s%n", e.name());
                // Fresh files read as zeroes on every member, so the mirrors already agree.
                ArrayCreator.create(new CreateSpec(NAME, Hosts.homehost(), LevelRegistry.byName("raid10"), MEMBERS,
                        0, -1, members, false, true), e);
            }
            FaultyEngine faults = new FaultyEngine(engine.open(Assembler.ENGINE_ENTRIES), Assembler.ENGINE_ENTRIES);
            boolean ok;
            try (OpenArray open = Assembler.assemble(members, AssembleOptions.DEFAULT, faults)) {
                ok = run(out, open, faults, members);
            }
            return ok ? ExitCodes.OK : ExitCodes.FAILURE;
        } finally {
            if (keep) {
                out.printf("  kept the members in %s%n", dir);
            } else {
                deleteTree(dir);
                out.printf("  removed %s%n", dir);
            }
        }
    }

    private static boolean run(PrintWriter out, OpenArray open, FaultyEngine faults, List<Path> members)
            throws IOException {
        RaidArray array = open.array();
        long size = array.size();
        out.printf("  created and assembled array '%s': %d KiB%s usable%n", NAME, size >> 10, MdNames.humanSize(size));
        SeededPattern first = new SeededPattern(1);
        first.write(array, size);
        if (!verified(out, first, array, size, "wrote " + (size >> 20) + " MiB and read it back")) {
            return false;
        }
        FaultRule rule = faults.add(FaultRule.on(members.get(VICTIM)));
        out.printf("  member %d (%s) now fails every I/O with EIO (injected)%n", VICTIM, members.get(VICTIM));
        SeededPattern second = new SeededPattern(2);
        second.write(array, size);
        MemberState state = open.member(VICTIM).state();
        out.printf("  wrote %d MiB more: %d I/O errors on member %d, which the array marked %s; events %d%n",
                size >> 20, rule.injected(), VICTIM, state.name().toLowerCase(java.util.Locale.ROOT), array.events());
        if (state != MemberState.FAULTY
                || !verified(out, second, array, size, "read everything back from the degraded array")) {
            return false;
        }
        out.println();
        out.print(DetailFormatter.format(ArrayStatus.of("/dev/md/" + NAME, open), Hosts.homehost()));
        out.println();
        return true;
    }

    private static boolean verified(PrintWriter out, SeededPattern p, RaidArray array, long size, String what)
            throws IOException {
        long bad = p.verify(array, size);
        out.printf("  %s: %s%n", what, bad < 0 ? "all bytes match" : "MISMATCH at array offset " + bad);
        return bad < 0;
    }

    private static List<Path> memberFiles(Path dir, long bytes) throws IOException {
        List<Path> paths = new ArrayList<>();
        for (int i = 0; i < MEMBERS; i++) {
            Path p = dir.resolve("member" + i + ".img");
            try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
                f.setLength(bytes);
            }
            paths.add(p);
        }
        return paths;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
