package io.uraid.cli.cmd;

import io.uraid.core.assembly.ArrayCreator;
import io.uraid.core.assembly.CreateSpec;
import io.uraid.core.report.MemberExaminer;
import io.uraid.core.sb.MdNames;
import io.uraid.core.sb.MdSuperblock;
import io.uraid.core.sb.MdUuid;
import io.uraid.core.spi.Geometry;
import io.uraid.core.spi.LevelRegistry;
import io.uraid.core.spi.RaidLevel;
import io.uraid.cli.ExitCodes;
import io.uraid.io.IoEngine;
import io.uraid.levels.parity.ParityCreateCheck;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code uraid create}: writes md v1.2 superblocks that make the devices one array (mdadm --create). */
@Command(name = "create", mixinStandardHelpOptions = true,
        description = {"Create an array: write md v1.2 metadata on every member (as mdadm --create does).",
            "Refuses devices that carry a file system, partition table or another array unless --force.",
            "The word 'missing' leaves a slot of a redundant level (raid1/4/5/6/10) empty."})
public final class CreateCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "Array name (stored as HOMEHOST:NAME).")
    private String name;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "DEV", description = "Member devices, in role order.")
    private List<Path> devices;

    @Option(names = {"-l", "--level"}, required = true,
            description = "linear, 0, 1, 4, 5, 6 or 10 (raid0, raid1, raid4, raid5, raid6, raid10).")
    private String level;

    @Option(names = {"-n", "--raid-devices"}, required = true, paramLabel = "N", description = "Number of members.")
    private int raidDevices;

    @Option(names = {"-c", "--chunk"}, paramLabel = "SIZE",
            description = "Chunk size for raid0/4/5/6/10 (a plain number is KiB; default 512K).")
    private String chunk;

    @Option(names = {"-p", "--layout"}, paramLabel = "LAYOUT",
            description = {"raid10: n2 (default), f2 or o2; raid5/6: mdadm's names (left-symmetric default).",
                "raid0: original (default) or alternate; they differ when members of different sizes make zones."})
    private String layout;

    @Option(names = "--homehost", paramLabel = "HOST", description = "Host part of the stored name (default: this host).")
    private String homehost;

    @Option(names = {"-f", "--force"}, description = "Overwrite devices that carry other data or metadata.")
    private boolean force;

    @Option(names = "--assume-clean",
            description = "Skip the initial sync (mirrors: members already hold equal bytes; raid4/5/6: parity matches).")
    private boolean assumeClean;

    @Option(names = {"-b", "--bitmap"}, paramLabel = "internal|none",
            description = "Write-intent bitmap: internal (default for redundant levels) or none (default for raid0/linear).")
    private String bitmap;

    @Option(names = "--bitmap-chunk", paramLabel = "SIZE",
            description = "Bytes of data per bitmap bit (a plain number is KiB; default 64M, as mdadm).")
    private String bitmapChunk;

    @Option(names = {"-k", "--consistency-policy"}, paramLabel = "resync|bitmap|ppl",
            description = "resync (no bitmap), bitmap (internal bitmap) or ppl (raid5's partial parity log).")
    private String consistencyPolicy;

    @Option(names = {"-W", "--write-mostly"}, paramLabel = "DEV",
            description = {"Mark DEV (one of the members; repeatable) write-mostly, as mdadm does: reads go to it",
                "only while no other copy is in sync (a slow or remote mirror half). raid1 and raid10."})
    private List<Path> writeMostly = new java.util.ArrayList<>();

    @Option(names = "--failfast", paramLabel = "DEV",
            description = "Mark DEV (one of the members; repeatable) failfast: a failed I/O fails it at once.")
    private List<Path> failfast = new java.util.ArrayList<>();

    @Option(names = "--write-behind", arity = "0..1", fallbackValue = "256", paramLabel = "N",
            description = {"raid1 with a bitmap: a write completes once the members that are not write-mostly",
                "have it, with up to N (default 256) writes to write-mostly members still in flight (md's write-behind)."})
    private Integer writeBehind;

    @Mixin
    private EngineChoice engine;

    @Override
    public Integer call() throws IOException {
        String policy = consistencyPolicy == null ? null : consistencyPolicy.trim().toLowerCase(java.util.Locale.ROOT);
        if (policy != null && !policy.equals("resync") && !policy.equals("bitmap") && !policy.equals("ppl")) {
            throw new IllegalArgumentException("--consistency-policy must be resync, bitmap or ppl, not '"
                    + consistencyPolicy + "'");
        }
        int parity = ParityCreateCheck.parityLevel(level);
        int parityLayout = parity == 0 ? -1 : checkParity(parity, policy);
        RaidLevel lvl = LevelRegistry.byName(level);
        boolean ppl = "ppl".equals(policy);
        if (ppl && lvl.mdLevel() != 5) {
            throw new IllegalArgumentException("--consistency-policy=ppl is for raid5 only, not " + lvl.name());
        }
        if (policy != null && !ppl) {
            String implied = policy.equals("bitmap") ? "internal" : "none";
            if (bitmap != null && !bitmap.equalsIgnoreCase(implied)) {
                throw new IllegalArgumentException("--consistency-policy=" + policy + " contradicts --bitmap " + bitmap);
            }
            bitmap = implied;
        }
        int chunkBytes = 0;
        if (chunk != null) {
            if (lvl.mdLevel() == 1) {
                throw new IllegalArgumentException("--chunk is not allowed for raid1 (mirrors have no chunks)");
            }
            chunkBytes = CreateArgs.chunkBytes(chunk);
        }
        int layoutWord = parityLayout;
        if (layout != null && parity == 0) {
            if (lvl.mdLevel() == 0) {
                layoutWord = CreateArgs.raid0Layout(layout);
            } else if (lvl.mdLevel() == 10) {
                layoutWord = CreateArgs.raid10Layout(layout);
            } else {
                throw new IllegalArgumentException("--layout applies to raid0 and raid10 only, not " + lvl.name());
            }
        }
        String host = homehost != null ? homehost : Hosts.homehost();
        CreateSpec.BitmapMode bitmapMode = ppl ? CreateSpec.BitmapMode.PPL
                : bitmap == null ? null : CreateSpec.BitmapMode.parse(bitmap);
        int bitmapChunkBytes = bitmapChunk == null ? 0 : CreateArgs.sizeBytes(bitmapChunk, "--bitmap-chunk");
        CreateSpec create = new CreateSpec(name, host, lvl, raidDevices, chunkBytes, layoutWord, devices, force,
                assumeClean, bitmapMode, bitmapChunkBytes)
                .withMemberFlags(CreateArgs.devflags(devices, writeMostly, failfast), writeBehind == null ? 0 : writeBehind);
        Geometry g;
        long arrayBytes;
        try (IoEngine e = engine.open(64)) {
            g = ArrayCreator.create(create, e);
            arrayBytes = lvl.layout(g).arraySize();
        }
        MdSuperblock sb = null;
        for (Path p : devices) {
            if (!CreateSpec.MISSING.equals(p)) {
                sb = MemberExaminer.readV1(p);
                break;
            }
        }
        var out = spec.commandLine().getOut();
        out.printf("uraid: array %s created: %s, %d devices%s, %d KiB%s%n", name, lvl.name(), raidDevices,
                g.level() == 1 ? "" : ", " + g.chunkBytes() / 1024 + "K chunks"
                        + (g.level() == 10 ? "," + MdNames.raid10Layout(g.layout()) : "")
                        + (g.level() == 5 || g.level() == 6 ? ", " + MdNames.raid6Layout(g.layout()) : ""),
                arrayBytes >> 10, MdNames.humanSize(arrayBytes));
        if (sb != null) {
            out.printf("uraid: UUID %s, name %s%n", MdUuid.format(sb.setUuid()), sb.setName());
            if (sb.resyncOffset() != io.uraid.core.sb.MdConstants.RESYNC_DONE) {
                out.printf("uraid: its first resync runs in the background once it is assembled (daemon or uraid"
                        + " assemble; uraid wait %s follows it)%n", name);
            }
        }
        return 0;
    }

    /**
     * raid4/5/6: every create-time check mdadm makes, before anything is opened; returns the
     * layout word (ppl: raid5 only, without a bitmap, at most 64 members).
     */
    private int checkParity(int parity, String policy) {
        int chunkBytes = chunk == null ? 0 : CreateArgs.chunkBytes(chunk);
        boolean ppl = "ppl".equals(policy);
        boolean withBitmap = "bitmap".equals(policy) || bitmap != null && CreateSpec.BitmapMode.parse(bitmap)
                == CreateSpec.BitmapMode.INTERNAL;
        int word = ParityCreateCheck.check(parity, raidDevices, layout, chunkBytes, ppl, withBitmap);
        if (devices.size() != raidDevices) {
            throw new IllegalArgumentException("--raid-devices=" + raidDevices + " but " + devices.size()
                    + " devices were given");
        }
        return word;
    }
}
