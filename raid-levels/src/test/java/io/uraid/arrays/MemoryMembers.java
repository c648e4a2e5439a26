package io.uraid.arrays;

import io.uraid.core.assembly.ArrayCreator;
import io.uraid.core.assembly.AssembleOptions;
import io.uraid.core.assembly.Assembler;
import io.uraid.core.assembly.CreateSpec;
import io.uraid.core.assembly.OpenArray;
import io.uraid.core.spi.LevelRegistry;
import io.uraid.io.testing.FaultRule;
import io.uraid.io.testing.FaultyEngine;
import io.uraid.io.testing.MemoryDisk;
import io.uraid.io.testing.MemoryEngine;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Members as in-memory disks, assembled through a fault-injecting engine. */
final class MemoryMembers {
    final List<Path> paths = new ArrayList<>();
    final MemoryDisk[] disks;
    /** The engine of the last {@link #assemble}. */
    FaultyEngine faults;

    MemoryMembers(String name, int count, long bytes) {
        disks = new MemoryDisk[count];
        for (int i = 0; i < count; i++) {
            paths.add(Path.of("/memory", name, "m" + i));
            disks[i] = new MemoryDisk(bytes);
        }
    }

    private MemoryMembers(List<Path> paths, MemoryDisk[] disks) {
        this.paths.addAll(paths);
        this.disks = disks;
    }

    /** The disks as a power cut would leave them now: durable images only. */
    MemoryMembers powerCutCopy() {
        MemoryDisk[] copy = new MemoryDisk[disks.length];
        for (int i = 0; i < disks.length; i++) {
            copy[i] = new MemoryDisk(disks[i].size());
            copy[i].put(0, disks[i].durableBytes(0, (int) disks[i].size()));
        }
        return new MemoryMembers(paths, copy);
    }

    MemoryEngine engine() {
        MemoryEngine e = new MemoryEngine(Assembler.ENGINE_ENTRIES);
        for (int i = 0; i < disks.length; i++) {
            e.attach(paths.get(i), disks[i]);
        }
        return e;
    }

    void create(String level, int disks, CreateSpec.BitmapMode bitmap, int bitmapChunk) throws IOException {
        // Created clean (--assume-clean): fresh memory members are all zeroes, so copies and parity
        // already agree; a first resync or build is not what these tests look at.
        boolean parity = level.matches("raid[456]");
        CreateSpec spec = new CreateSpec("mem", "testhost", LevelRegistry.byName(level), disks,
                level.equals("raid10") || parity ? 64 * 1024 : 0, -1, paths.subList(0, disks), false, true, bitmap,
                bitmapChunk);
        try (MemoryEngine e = engine()) {
            ArrayCreator.create(spec, e);
        }
    }

    /** Assembles through a new fault-injecting engine, with {@code rules} in force from the start. */
    OpenArray assemble(AssembleOptions options, FaultRule... rules) throws IOException {
        faults = new FaultyEngine(engine(), Assembler.ENGINE_ENTRIES);
        for (FaultRule r : rules) {
            faults.add(r);
        }
        return Assembler.assemble(paths, options.withRun(true), faults);
    }

    /** Like {@link #assemble} with only the first {@code count} disks as members (the rest can be spares). */
    OpenArray assembleFirst(int count, AssembleOptions options, FaultRule... rules) throws IOException {
        faults = new FaultyEngine(engine(), Assembler.ENGINE_ENTRIES);
        for (FaultRule r : rules) {
            faults.add(r);
        }
        return Assembler.assemble(paths.subList(0, count), options.withRun(true), faults);
    }
}
