package io.uraid.core.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.uraid.core.array.MemberState;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class FormattersTest {
    private static final Instant CTIME = Instant.ofEpochSecond(1_700_000_000L);
    private static final Instant UTIME = Instant.ofEpochSecond(1_700_000_600L);

    private static ArrayStatus raid10Degraded() {
        List<MemberStatus> members = List.of(
                new MemberStatus(0, 0, "/dev/loop0", 7, 0, MemberState.IN_SYNC, 0),
                new MemberStatus(1, 1, "/dev/loop1", 7, 1, MemberState.FAULTY, 3),
                new MemberStatus(2, 2, "/dev/loop2", 7, 2, MemberState.IN_SYNC, 0),
                new MemberStatus(3, 3, "/dev/loop3", 7, 3, MemberState.IN_SYNC, 0));
        return new ArrayStatus("/dev/md/demo", 10, "raid10", 0x102, 512 * 1024, 2093056L * 1024, 1046528L * 1024, 4,
                members, 19, "host:demo", "3aaa0122:29827cfa:5331ad66:ca767371", CTIME, UTIME, true, true, false);
    }

    @Test
    void detailIsLaidOutLikeMdadm() {
        String expected = String.join("\n",
                "/dev/md/demo:",
                "           Version : 1.2",
                "     Creation Time : Tue Nov 14 22:13:20 2023",
                "        Raid Level : raid10",
                "        Array Size : 2093056 (2044.00 MiB 2143.29 MB)",
                "     Used Dev Size : 1046528 (1022.00 MiB 1071.64 MB)",
                "      Raid Devices : 4",
                "     Total Devices : 4",
                "       Persistence : Superblock is persistent",
                "",
                "       Update Time : Tue Nov 14 22:23:20 2023",
                "             State : clean, degraded ",
                "    Active Devices : 3",
                "   Working Devices : 3",
                "    Failed Devices : 1",
                "     Spare Devices : 0",
                "",
                "            Layout : near=2",
                "        Chunk Size : 512K",
                "",
                "Consistency Policy : resync",
                "",
                "              Name : host:demo  (local to host host)",
                "              UUID : 3aaa0122:29827cfa:5331ad66:ca767371",
                "            Events : 19",
                "",
                "    Number   Major   Minor   RaidDevice State",
                "       0       7        0        0      active sync   /dev/loop0",
                "       -       0        0        1      removed",
                "       2       7        2        2      active sync   /dev/loop2",
                "       3       7        3        3      active sync   /dev/loop3",
                "",
                "       1       7        1        -      faulty   /dev/loop1",
                "");
        assertEquals(expected, DetailFormatter.format(raid10Degraded(), "host", ZoneOffset.UTC));
    }

    @Test
    void detailJsonCarriesTheSameFacts() {
        String json = DetailFormatter.json(raid10Degraded());
        assertEquals("{\"device\":\"/dev/md/demo\",\"name\":\"host:demo\",\"uuid\":\"3aaa0122:29827cfa:5331ad66:ca767371\","
                + "\"level\":\"raid10\",\"level_number\":10,\"layout\":\"near=2\",\"chunk_bytes\":524288,"
                + "\"array_bytes\":2143289344,\"member_bytes\":1071644672,\"raid_devices\":4,\"total_devices\":4,"
                + "\"active_devices\":3,\"failed_devices\":1,\"spare_devices\":0,\"state\":\"clean, degraded\",\"degraded\":true,\"bitmap\":null,"
                + "\"events\":19,\"creation_time\":1700000000,\"update_time\":1700000600,\"devices\":["
                + "{\"role\":0,\"number\":0,\"device\":\"/dev/loop0\",\"state\":\"active sync\",\"errors\":0},"
                + "{\"role\":1,\"number\":1,\"device\":\"/dev/loop1\",\"state\":\"faulty\",\"errors\":3},"
                + "{\"role\":2,\"number\":2,\"device\":\"/dev/loop2\",\"state\":\"active sync\",\"errors\":0},"
                + "{\"role\":3,\"number\":3,\"device\":\"/dev/loop3\",\"state\":\"active sync\",\"errors\":0}]}", json);
    }

    @Test
    void mdstatIsLaidOutLikeTheKernel() {
        List<MemberStatus> mirror = List.of(
                new MemberStatus(0, 0, "/dev/sda1", 8, 1, MemberState.IN_SYNC, 0),
                new MemberStatus(1, 1, "/dev/sdb1", 8, 17, MemberState.IN_SYNC, 0));
        ArrayStatus raid1 = new ArrayStatus("md0", 1, "raid1", 0, 0, 1048512L * 1024, 1048512L * 1024, 2, mirror,
                5, "host:0", "3aaa0122:29827cfa:5331ad66:ca767371", CTIME, UTIME, false, true, false);
        String expected = String.join("\n",
                "Personalities : [raid1] [raid10] ",
                "md0 : active raid1 sdb1[1] sda1[0]",
                "      1048512 blocks super 1.2 [2/2] [UU]",
                "",
                "/dev/md/demo : active raid10 loop3[3] loop2[2] loop1[1](F) loop0[0]",
                "      2093056 blocks super 1.2 512K chunks 2 near-copies [4/3] [U_UU]",
                "",
                "unused devices: <none>",
                "");
        assertEquals(expected, MdstatFormatter.format(List.of(raid1, raid10Degraded())));
    }

    @Test
    void anInternalBitmapShowsAsMdadmPrintsIt() {
        ArrayStatus d = raid10Degraded();
        ArrayStatus withBitmap = new ArrayStatus(d.device(), d.level(), d.levelName(), d.layout(), d.chunkBytes(),
                d.arrayBytes(), d.memberBytes(), d.raidDevices(), d.members(), d.events(), d.setName(), d.uuid(),
                d.created(), d.updated(), d.clean(), d.running(), true);
        String text = DetailFormatter.format(withBitmap, "host", ZoneOffset.UTC);
        assertEquals(true, text.contains("Superblock is persistent\n\n     Intent Bitmap : Internal\n\n"
                + "       Update Time : "), text);
        assertEquals(true, text.contains("\nConsistency Policy : bitmap\n"), text);
        assertEquals(true, DetailFormatter.json(withBitmap).contains("\"bitmap\":\"internal\""));
    }

    @Test
    void hotSparesAreListedAsMdadmAndTheKernelShowThem() {
        List<MemberStatus> mirror = List.of(
                new MemberStatus(0, 0, "/dev/loop0", 7, 0, MemberState.IN_SYNC, 0),
                new MemberStatus(1, 1, "/dev/loop1", 7, 1, MemberState.IN_SYNC, 0));
        ArrayStatus raid1 = new ArrayStatus("md0", 1, "raid1", 0, 0, 1048512L * 1024, 1048512L * 1024, 2, mirror,
                5, "host:0", "3aaa0122:29827cfa:5331ad66:ca767371", CTIME, UTIME, true, true, false)
                .withSpares(List.of(new SpareStatus(2, "/dev/loop2", 7, 2)));
        String detail = DetailFormatter.format(raid1, "host", ZoneOffset.UTC);
        assertEquals(true, detail.contains("     Total Devices : 3\n"), detail);
        assertEquals(true, detail.contains("    Active Devices : 2\n   Working Devices : 3\n    Failed Devices : 0\n"
                + "     Spare Devices : 1\n"), detail);
        assertEquals(true, detail.endsWith("       1       7        1        1      active sync   /dev/loop1\n\n"
                + "       2       7        2        -      spare   /dev/loop2\n"), detail);
        assertEquals(true, DetailFormatter.json(raid1).contains("\"spare_devices\":1,")
                && DetailFormatter.json(raid1).contains("{\"role\":null,\"number\":2,\"device\":\"/dev/loop2\","
                + "\"state\":\"spare\",\"errors\":0}"), DetailFormatter.json(raid1));
        assertEquals(true, MdstatFormatter.format(List.of(raid1)).contains("md0 : active raid1 loop2[2](S) loop1[1] loop0[0]\n"),
                MdstatFormatter.format(List.of(raid1)));
    }

    @Test
    void stripedLevelsPrintTheirChunkOrRounding() {
        List<MemberStatus> two = List.of(
                new MemberStatus(0, 0, "/dev/loop0", 7, 0, MemberState.IN_SYNC, 0),
                new MemberStatus(1, 1, "/dev/loop1", 7, 1, MemberState.IN_SYNC, 0));
        ArrayStatus r0 = new ArrayStatus("md1", 0, "raid0", 0, 65536, 4L << 30, 2L << 30, 2, two, 0, "h:r0", null,
                null, null, true, true, false);
        ArrayStatus lin = new ArrayStatus("md2", -1, "linear", 0, 0, 4L << 30, 2L << 30, 2, two, 0, "h:l", null,
                null, null, true, true, false);
        assertEquals(" 64k chunks", MdstatFormatter.levelStatus(r0));
        assertEquals(" 0k rounding", MdstatFormatter.levelStatus(lin));
        String detail = DetailFormatter.format(r0, null, ZoneOffset.UTC);
        assertEquals(true, detail.contains("\n        Chunk Size : 64K\n"), detail);
        assertEquals(true, detail.contains("\n       Persistence : Superblock is not persistent\n"), detail);
        assertEquals(false, detail.contains("Used Dev Size"), detail);
        assertEquals(true, detail.contains("\nConsistency Policy : none\n"), detail);
    }
}
