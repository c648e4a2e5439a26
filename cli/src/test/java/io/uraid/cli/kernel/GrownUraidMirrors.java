package io.uraid.cli.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.cli.Cli;
import io.uraid.cli.daemon.DaemonProcess;
import io.uraid.core.report.MemberExaminer;
import io.uraid.core.sb.MdUuid;
import io.uraid.io.testing.UserModeLinux;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Two mirrors whose shape uraid's daemon changed while it served them ({@code uraid grow}):
 * {@code r1grown} went from two members to three (a spare added, the raid devices grown, the
 * spare rebuilt into the new slot), then had its bitmap removed and an internal bitmap of 1 MiB
 * chunks added; {@code r1nobm} had its bitmap removed. The kernel must assemble each from what
 * uraid wrote: three members in sync and uraid's bytes on every one of them (a check finds no
 * mismatch), the bitmap uraid added where its superblocks point (md loads it; mdadm -X reads
 * its chunk), none where uraid removed it.
 */
final class GrownUraidMirrors {
    private static final long MIB = 1 << 20;
    private final UraidArray grown;
    private final UraidArray plain;

    private GrownUraidMirrors(UraidArray grown, UraidArray plain) {
        this.grown = grown;
        this.plain = plain;
    }

    static GrownUraidMirrors make(Path dir, long seedGrown, long seedPlain) throws Exception {
        UraidArray a = UraidArray.create(dir, "r1grown", "raid1", UraidArray.mib(10, 10), seedGrown);
        UraidArray b = UraidArray.create(dir, "r1nobm", "raid1", UraidArray.mib(10, 10), seedPlain);
        Path spare = Cli.file(dir, "r1grown-2.img", 10 * MIB);
        Path cfg = dir.resolve("grown.conf");
        StringBuilder conf = new StringBuilder();
        for (UraidArray x : List.of(a, b)) {
            conf.append("ARRAY ").append(x.name()).append(" UUID=")
                    .append(MdUuid.format(MemberExaminer.readV1(x.members().get(0)).setUuid())).append(" devices=")
                    .append(x.members().get(0)).append(',').append(x.members().get(1)).append('\n');
        }
        Files.writeString(cfg, conf);
        Path daemonDir = Files.createDirectories(dir.resolve("grow-daemon"));
        try (DaemonProcess daemon = new DaemonProcess(daemonDir)) {
            daemon.start(cfg);
            String c = daemon.control.toString();
            uraid(c, "wait", "r1grown"); // what create left to sync, if `io --write` did not finish it
            uraid(c, "wait", "r1nobm");
            ok(c, "add", "r1grown", spare.toString());
            ok(c, "grow", "r1grown", "--raid-devices", "3");
            uraid(c, "wait", "r1grown"); // exit 1 when the (short) rebuild has already ended
            long until = System.currentTimeMillis() + 60_000;
            while (!ok(c, "status").contains("[3/3] [UUU]")) {
                assertTrue(System.currentTimeMillis() < until, "the spare is rebuilt into the new slot: "
                        + ok(c, "status"));
                Thread.sleep(50);
            }
            ok(c, "grow", "r1grown", "--bitmap", "none");
            ok(c, "grow", "r1grown", "--bitmap", "internal", "--bitmap-chunk", "1M");
            ok(c, "grow", "r1nobm", "--bitmap", "none");
            assertEquals(143, daemon.terminate(), "stopped by SIGTERM, cleanly");
        }
        List<Path> three = new ArrayList<>(a.members());
        three.add(spare);
        return new GrownUraidMirrors(new UraidArray(a.name(), a.level(), three, a.seed(), a.size()), b);
    }

    private static Cli uraid(String control, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--control");
        all.add(control);
        return Cli.run(all.toArray(new String[0]));
    }

    private static String ok(String control, String... args) {
        Cli r = uraid(control, args);
        assertEquals(0, r.code, String.join(" ", args) + ": " + r);
        return r.out;
    }

    /** The guest's part: each array assembled, read, checked; the bitmap as md and mdadm -X see it. */
    String script(List<Path> attached, String mdGrown, String mdPlain) {
        StringBuilder s = new StringBuilder();
        for (UraidArray x : List.of(grown, plain)) {
            String md = x == grown ? mdGrown : mdPlain;
            String first = GuestMd.device(attached.size());
            s.append("assemble ").append(x.name()).append(' ').append(md).append(' ')
                    .append(GuestMd.devices(attached.size(), x.members().size())).append('\n');
            attached.addAll(x.members());
            s.append("sys ").append(md).append(" bitmap/location; echo \"").append(x.name()).append(".bitmap=$v\"\n");
            s.append("bm=none; while read -r k c v u; do [ \"$k\" = Chunksize ] && bm=\"$v$u\"; done <<EOF\n")
                    .append("$(mdadm -X ").append(first).append(" 2>&1)\nEOF\n")
                    .append("echo \"").append(x.name()).append(".bitmap_chunk=$bm\"\n");
            s.append("digest ").append(x.name()).append(' ').append(md).append('\n');
            s.append("check ").append(x.name()).append(' ').append(md).append('\n');
            s.append("stop ").append(x.name()).append(' ').append(md).append('\n');
        }
        return s.toString();
    }

    void assertKernelAgrees(UserModeLinux.Boot boot) {
        KernelAssemblesUraidArraysTest.assertKernelReadsIt(boot, grown, 3);
        KernelAssemblesUraidArraysTest.assertKernelReadsIt(boot, plain, 2);
        assertTrue(boot.value("r1grown.mdstat").contains("[3/3] [UUU]"), boot.value("r1grown.mdstat"));
        assertEquals("+8", boot.value("r1grown.bitmap"), "md loaded the bitmap uraid added, 8 sectors after the superblock");
        assertEquals("1MB", boot.value("r1grown.bitmap_chunk"), "mdadm -X reads uraid's bitmap");
        assertEquals("none", boot.value("r1nobm.bitmap"), "the bitmap uraid removed is gone for md too");
    }
}
