package io.uraid.perf;

import io.uraid.core.assembly.ArrayCreator;
import io.uraid.core.assembly.AssembleOptions;
import io.uraid.core.assembly.Assembler;
import io.uraid.core.assembly.CreateSpec;
import io.uraid.core.assembly.OpenArray;
import io.uraid.core.spi.LevelRegistry;
import io.uraid.io.IoEngine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What md's partial parity log costs raid5 on 4 KiB random writes (md documents 30-40 %): the
 * same members created as raid5 (64 KiB chunk, --assume-clean) with consistency policy resync
 * (no bitmap, no log), bitmap (internal, mdadm's 64 MiB chunk) and ppl, 4 KiB random writes at
 * depth 32 on each in turn, the order rotated per round; medians and ratios to resync.
 *
 * <p>Usage: {@code PplBench DEV... [--seconds S] [--rounds R]}. Overwrites the devices.
 */
public final class PplBench {
    private PplBench() {
    }

    public static void main(String[] args) throws Exception {
        List<Path> members = new ArrayList<>();
        double seconds = 5;
        int rounds = 3;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                default -> members.add(Path.of(args[i]));
            }
        }
        if (members.size() < 3) {
            System.err.println("usage: PplBench DEV DEV DEV... [--seconds S] [--rounds R]");
            System.exit(2);
        }
        CreateSpec.BitmapMode[] modes = {CreateSpec.BitmapMode.NONE, CreateSpec.BitmapMode.INTERNAL,
            CreateSpec.BitmapMode.PPL};
        String[] names = {"resync", "bitmap", "ppl"};
        double[][] iops = new double[modes.length][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < modes.length; k++) {
                int m = (k + r) % modes.length; // rotated: no policy always runs first
                CreateSpec spec = new CreateSpec("ppl-bench", "bench", LevelRegistry.byName("raid5"), members.size(),
                        64 * 1024, -1, members, true, true, modes[m], 0);
                try (IoEngine e = RebuildBench.engine()) {
                    ArrayCreator.create(spec, e);
                }
                try (OpenArray open = Assembler.assemble(members, AssembleOptions.DEFAULT, RebuildBench.engine())) {
                    iops[m][r] = RedundancyBench.randomWrites(open.array(), seconds, 500 + r);
                }
                System.out.printf("round %d %-7s %,.0f IOPS%n", r + 1, names[m], iops[m][r]);
            }
        }
        double base = RedundancyBench.median(iops[0]);
        for (int m = 0; m < modes.length; m++) {
            double med = RedundancyBench.median(iops[m]);
            System.out.printf("raid5 x%d 4k randwrite QD32 consistency policy %-7s median %,.0f IOPS (%.0f%% of resync)%n",
                    members.size(), names[m], med, 100 * med / base);
        }
    }
}
