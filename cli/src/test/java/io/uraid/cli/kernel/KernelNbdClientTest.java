package io.uraid.cli.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.cli.Cli;
import io.uraid.cli.cmd.PatternBytes;
import io.uraid.core.report.MemberExaminer;
import io.uraid.core.sb.MdConstants;
import io.uraid.core.sb.MdSuperblock;
import io.uraid.core.sb.MdUuid;
import io.uraid.io.testing.RequiredTools;
import io.uraid.io.testing.TestEngines;
import io.uraid.io.testing.UserModeLinux;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The kernel's own NBD client against the uraid daemon, both inside the user-mode kernel: the
 * daemon serves a raid1 made of two attached devices, {@code nbd-client -unix} connects
 * /dev/nbd0, an ext4 file system is made and mounted, files are written, member 1 is failed
 * with {@code uraid fail} while it is mounted, more files are written, and then: every file
 * reads back (page cache dropped), {@code fstrim} (NBD TRIM) after deleting a file zeroes its
 * blocks down on the surviving member, {@code sync} (NBD FLUSH) succeeds, {@code fsck} finds the
 * file system clean, and the surviving member records member 1 as faulty. The same boot (one
 * boot for both, to keep CI short) assembles the mirrors uraid grew ({@link GrownUraidMirrors}).
 */
@Timeout(600)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KernelNbdClientTest {
    private static final Duration BOOT = Duration.ofMinutes(8);
    private static final String EXPORT = "nbdr1";
    private Path dir;
    private List<Path> members;
    private MdSuperblock sb;
    private final Map<String, String> all = new LinkedHashMap<>();
    /** Mirrors uraid grew, checked by the kernel in the same boot (one boot for both: CI time). */
    private GrownUraidMirrors grown;
    private UserModeLinux.Boot boot;
    private String why;

    @BeforeAll
    void boot() throws Exception {
        UserModeLinux.require();
        RequiredTools.require("nbd-client", "nbd-client");
        RequiredTools.require("mkfs.ext4", "e2fsprogs");
        RequiredTools.require("mdadm", "mdadm");
        TestEngines.best();
        dir = Cli.dir("kernel-nbd-");
        members = List.of(Cli.file(dir, "m0.img", 48L << 20), Cli.file(dir, "m1.img", 48L << 20));
        Cli made = Cli.run("create", EXPORT, "--level", "1", "--raid-devices", "2", "--homehost", "kernel-test",
                members.get(0).toString(), members.get(1).toString());
        assertEquals(0, made.code, made.toString());
        sb = MemberExaminer.readV1(members.get(0));
        Path config = dir.resolve("uraid.conf");
        Files.writeString(config, "ARRAY " + EXPORT + " UUID=" + MdUuid.format(sb.setUuid()) + " devices="
                + GuestMd.device(0) + "," + GuestMd.device(1) + "\n");
        all.putAll(files("before", 3, 5 << 20));
        all.putAll(files("after", 2, 3 << 20));
        grown = GrownUraidMirrors.make(dir, 41, 42);

        String j = UserModeLinux.javaCommand();
        String q = UserModeLinux.quote(dir.toString());
        String script = """
                set -u
                CTL=/run/uraid-control.sock; SOCK=/run/uraid-nbd.sock; MNT=/run/mnt; D=%s
                %s daemon --config %s --control $CTL --listen unix:$SOCK > $D/daemon.log 2>&1 &
                DAEMON=$!
                i=0; while [ ! -S $SOCK ] && [ $i -lt 600 ] && kill -0 $DAEMON 2>/dev/null; do sleep 0.5; i=$((i + 1)); done
                [ -S $SOCK ]; echo "nbd.daemon_up=$?"
                nbd-client -unix $SOCK /dev/nbd0 -N %s -b 4096 > /run/nbd-client.out 2>&1; echo "nbd.connected=$?"
                mkfs.ext4 -q -F /dev/nbd0 > /run/mkfs.out 2>&1; echo "nbd.mkfs=$?"
                mkdir -p $MNT; mount -t ext4 /dev/nbd0 $MNT; echo "nbd.mounted=$?"
                cp $D/before-* $MNT/ && sync; echo "nbd.copied_before=$?"
                %s fail %s %s --control $CTL > $D/fail.out 2>&1; echo "nbd.failed=$?"
                cp $D/after-* $MNT/ && sync; echo "nbd.copied_after=$?"
                echo 3 > /proc/sys/vm/drop_caches
                sha256sum $MNT/* > /run/sums; while read -r h f; do echo "nbd.sha256.${f##*/}=$h"; done < /run/sums
                filefrag -v -b4096 $MNT/before-1 > /run/frag
                while read -r e l1 l2 p1 p2 n rest; do
                  case "$e" in [0-9]*:) echo "nbd.extent.${e%%:}=${p1%%..} ${n%%:}";; esac
                done < /run/frag
                rm $MNT/before-1; sync
                fstrim -v $MNT > /run/fstrim.out 2>&1; echo "nbd.fstrim=$?"
                while read -r l; do echo "nbd.fstrim_output=$l"; done < /run/fstrim.out
                sync; echo "nbd.sync=$?"
                umount $MNT; echo "nbd.umounted=$?"
                fsck.ext4 -f -n /dev/nbd0 > $D/fsck.out 2>&1; echo "nbd.fsck=$?"
                nbd-client -d /dev/nbd0 > /dev/null 2>&1; echo "nbd.disconnected=$?"
                kill $DAEMON; wait $DAEMON; echo "nbd.daemon_exit=$?"
                """.formatted(q, j, UserModeLinux.quote(config.toString()), EXPORT, j, EXPORT, GuestMd.device(1));
        List<Path> attached = new ArrayList<>(members);
        script = GuestMd.FUNCTIONS + script + grown.script(attached, "md10", "md11");
        boot = UserModeLinux.run(script, attached, dir.resolve("guest"), BOOT);
        why = boot + "\n--- daemon log:\n" + read("daemon.log") + "\n--- fail:\n" + read("fail.out")
                + "\n--- fsck:\n" + read("fsck.out");
        assertEquals(0, boot.exitCode(), why);
    }

    @AfterAll
    void tearDown() throws Exception {
        Cli.delete(dir);
    }

    @Test
    void kernelNbdClientMountsExt4FromTheDaemonAndKeepsItThroughAMemberFailure() throws Exception {
        for (String step : new String[] {"daemon_up", "connected", "mkfs", "mounted", "copied_before", "failed",
            "copied_after", "fstrim", "sync", "umounted", "disconnected"}) {
            assertEquals("0", boot.value("nbd." + step), step + ": " + why);
        }
        assertEquals("0", boot.value("nbd.fsck"), "fsck finds the file system clean: " + why);
        all.forEach((name, sha) -> assertEquals(sha, boot.value("nbd.sha256." + name), name + " reads back"));
        assertTrue(boot.value("nbd.fstrim_output").matches(".*\\([1-9][0-9]* bytes\\) trimmed.*"),
                "fstrim trimmed: " + boot.value("nbd.fstrim_output"));
        assertTrimReachedTheSurvivor(boot, members.get(0), sb.dataOffset() * 512);
        assertEquals("143", boot.value("nbd.daemon_exit"), "the daemon ended on SIGTERM: " + why);
        MdSuperblock survivor = MemberExaminer.readV1(members.get(0));
        assertEquals(MdConstants.ROLE_FAULTY, survivor.devRole(MemberExaminer.readV1(members.get(1)).devNumber()),
                "the survivor records member 1 as faulty");
    }

    @Test
    void kernelAssemblesAMirrorUraidGrewToThreeMembersAndTheBitmapsUraidAddedAndRemoved() {
        grown.assertKernelAgrees(boot);
    }

    /**
     * The blocks of the file deleted before fstrim (random bytes when written; filefrag gave
     * their place in the file system, which is the array, which is each member's data area in
     * a raid1) read as zeroes on the surviving member: the kernel's TRIM went through the daemon
     * and the array down to the member.
     */
    private static void assertTrimReachedTheSurvivor(UserModeLinux.Boot boot, Path survivor, long dataOffset)
            throws Exception {
        int extents = 0;
        long blocks = 0;
        try (var f = new java.io.RandomAccessFile(survivor.toFile(), "r")) {
            for (var e : boot.values().entrySet()) {
                if (!e.getKey().startsWith("nbd.extent.")) {
                    continue;
                }
                String[] startLength = e.getValue().trim().split(" ");
                long start = Long.parseLong(startLength[0]);
                long length = Long.parseLong(startLength[1]);
                byte[] data = new byte[(int) length * 4096];
                f.seek(dataOffset + start * 4096);
                f.readFully(data);
                for (int i = 0; i < data.length; i++) {
                    if (data[i] != 0) {
                        throw new AssertionError("trimmed block " + (start + i / 4096) + " of the deleted file still "
                                + "holds data on the surviving member (byte " + i % 4096 + ")");
                    }
                }
                extents++;
                blocks += length;
            }
        }
        assertTrue(extents > 0 && blocks * 4096 >= (5 << 20) - 4099 - 4096, "filefrag placed the deleted file: "
                + extents + " extents, " + blocks + " blocks");
    }

    /** {@code count} files of random bytes named PREFIX-i in the test folder; name to SHA-256. */
    private Map<String, String> files(String prefix, int count, int bytes) throws Exception {
        Map<String, String> sums = new LinkedHashMap<>();
        Random rnd = new Random(prefix.hashCode());
        for (int i = 0; i < count; i++) {
            byte[] data = new byte[bytes - i * 4099];
            rnd.nextBytes(data);
            Path f = dir.resolve(prefix + "-" + i);
            Files.write(f, data);
            sums.put(f.getFileName().toString(), HexFormat.of().formatHex(PatternBytes.sha256().digest(data)));
        }
        return sums;
    }

    private String read(String name) throws Exception {
        Path p = dir.resolve(name);
        return Files.exists(p) ? Files.readString(p) : "(none)";
    }
}
