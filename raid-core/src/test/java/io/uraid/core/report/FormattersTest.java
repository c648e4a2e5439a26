package io.uraid.core.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.uraid.core.array.MemberState;
import io.uraid.core.sync.SyncAction;
import io.uraid.core.sync.SyncStatus;
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
        // Linux 6.1 closes a stanza without a bitmap on a line of six spaces (its "\n      " after
        // the blocks line, then "\n"), as seen in its /proc/mdstat (uml-run).
        String expected = String.join("\n",
                "Personalities : [raid1] [raid10] ",
                "md0 : active raid1 sdb1[1] sda1[0]",
                "      1048512 blocks super 1.2 [2/2] [UU]",
                "      ",
                "/dev/md/demo : active raid10 loop3[3] loop2[2] loop1[1](F) loop0[0]",
                "      2093056 blocks super 1.2 512K chunks 2 near-copies [4/3] [U_UU]",
                "      ",
                "unused devices: <none>",
                "");
        assertEquals(expected, MdstatFormatter.format(List.of(raid1, raid10Degraded())));
    }

    /**
     * The kernel's own stanza (Linux 6.1 under uml-run, mdadm --create --bitmap=internal, then
     * echo repair > sync_action) was:
     * <pre>
     * md0 : active raid1 ubdc[1] ubdb[0]
     *       64512 blocks super 1.2 [2/2] [UU]
     *       [==>..................]  resync = 12.5% (8320/64512) finish=0.1min speed=8320K/sec
     *       bitmap: 0/1 pages [0KB], 65536KB chunk
     * </pre>
     * (md shows a repair as "resync"; its done count includes requests in flight, so here the
     * done figure is the one that gives 12.5 %).
     */
    @Test
    void progressAndBitmapLinesAreTheKernels() {
        List<MemberStatus> mirror = List.of(
                new MemberStatus(0, 0, "/dev/ubdb", 98, 16, MemberState.IN_SYNC, 0),
                new MemberStatus(1, 1, "/dev/ubdc", 98, 32, MemberState.IN_SYNC, 0));
        SyncStatus repair = new SyncStatus(SyncAction.REPAIR, 8064L << 10, 64512L << 10, 8320L << 10, 7, 0,
                SyncAction.IDLE, true);
        ArrayStatus md0 = new ArrayStatus("md0", 1, "raid1", 0, 0, 64512L << 10, 64512L << 10, 2, mirror, 5,
                "h:0", "3aaa0122:29827cfa:5331ad66:ca767371", CTIME, UTIME, false, true, true)
                .withActivity(new ArrayStatus.BitmapPages(1, 0, 64 << 20), repair);
        assertEquals(String.join("\n",
                "Personalities : [raid1] ",
                "md0 : active raid1 ubdc[1] ubdb[0]",
                "      64512 blocks super 1.2 [2/2] [UU]",
                "      [==>..................]  resync = 12.5% (8064/64512) finish=0.1min speed=8320K/sec",
                "      bitmap: 0/1 pages [0KB], 65536KB chunk",
                "",
                "unused devices: <none>",
                ""), MdstatFormatter.format(List.of(md0)));
        String detail = DetailFormatter.format(md0, "h", ZoneOffset.UTC);
        assertTrue(detail.contains("State : active, resyncing \n"), detail);
        assertTrue(detail.contains("Consistency Policy : bitmap\n\n     Repair Status : 12% complete\n"
                + "      Mismatch Cnt : 0\n\n              Name : h:0  (local to host h)\n"), detail);
        assertTrue(DetailFormatter.json(md0).endsWith(",\"sync_action\":\"repair\",\"sync_percent\":12.5,"
                + "\"sync_completed\":\"16128 / 129024\",\"mismatch_cnt\":0}"), DetailFormatter.json(md0));
    }

    /** Kernel lines (uml-run) for a recovery and a check; bar width, truncated per-mille, tenths of minutes. */
    @Test
    void recoveryAndCheckProgressLinesMatchTheKernelsLayout() {
        StringBuilder o = new StringBuilder();
        // kernel: "[>....................]  recovery =  0.9% (2944/261120) finish=1.4min speed=2944K/sec"
        MdstatFormatter.progress(o, new SyncStatus(SyncAction.RECOVER, 2944L << 10, 261120L << 10, 2944L << 10, 87,
                0, SyncAction.IDLE, true));
        assertEquals("[>....................]  recovery =  1.1% (2944/261120) finish=1.4min speed=2944K/sec",
                o.toString());
        o.setLength(0);
        // kernel: "[=>...................]  resync =  6.2% (16384/260096) ..." (one '=' per 5 %)
        MdstatFormatter.progress(o, new SyncStatus(SyncAction.CHECK, 16384L << 10, 260096L << 10, 1638L << 10, 149,
                0, SyncAction.IDLE, true));
        assertEquals("[=>...................]  check =  6.2% (16384/260096) finish=2.4min speed=1638K/sec",
                o.toString());
    }

    @Test
    void replacementsSparesAndWriteMostlyCarryMdsMarks() {
        List<MemberStatus> mirror = List.of(
                new MemberStatus(0, 0, "/dev/ubdb", 98, 16, MemberState.IN_SYNC, 0, true),
                new MemberStatus(1, 2, "/dev/ubdf", 98, 80, MemberState.REBUILDING, 0));
        ArrayStatus md0 = new ArrayStatus("md0", 1, "raid1", 0, 0, 261120L << 10, 261120L << 10, 2, mirror, 5,
                "h:0", "3aaa0122:29827cfa:5331ad66:ca767371", CTIME, UTIME, true, true, false)
                .withReplacements(List.of(new MemberStatus(0, 3, "/dev/ubdg", 98, 96, MemberState.REBUILDING, 0)));
        // kernel: "md0 : active raid1 ubdg[3](R) ubdf[2] ubdb[0]"; write-mostly comes before (F)/(R) there
        assertTrue(MdstatFormatter.format(List.of(md0)).contains("md0 : active raid1 ubdg[3](R) ubdf[2] ubdb[0](W)\n"
                + "      261120 blocks super 1.2 [2/1] [U_]\n"), MdstatFormatter.format(List.of(md0)));
        assertTrue(DetailFormatter.format(md0, "h", ZoneOffset.UTC).contains(
                "       3      98       96        0      spare rebuilding   /dev/ubdg\n"),
                DetailFormatter.format(md0, "h", ZoneOffset.UTC));
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

    @Test
    void parityLevelsPrintTheKernelsLevelChunkAlgorithmAndSlotsAndMdadmsLayout() {
        List<MemberStatus> three = List.of(
                new MemberStatus(0, 0, "/dev/loop0", 7, 0, MemberState.IN_SYNC, 0),
                new MemberStatus(1, 1, "/dev/loop1", 7, 1, MemberState.FAULTY, 0),
                new MemberStatus(2, 2, "/dev/loop2", 7, 2, MemberState.IN_SYNC, 0));
        ArrayStatus r5 = new ArrayStatus("md3", 5, "raid5", 2, 65536, 8L << 30, 4L << 30, 3, three, 0, "h:r5", null,
                null, null, true, true, false);
        ArrayStatus r6 = new ArrayStatus("md4", 6, "raid6", 10, 131072, 4L << 30, 4L << 30, 3, three, 0, "h:r6", null,
                null, null, true, true, false);
        // The kernel's raid5_status: " level %d, %dk chunk, algorithm %d [n/working] [U_U]".
        assertEquals(" level 5, 64k chunk, algorithm 2 [3/2] [U_U]", MdstatFormatter.levelStatus(r5));
        assertEquals(" level 6, 128k chunk, algorithm 10 [3/2] [U_U]", MdstatFormatter.levelStatus(r6));
        String detail = DetailFormatter.format(r5, null, ZoneOffset.UTC);
        assertEquals(true, detail.contains("\n            Layout : left-symmetric\n        Chunk Size : 64K\n"), detail);
        assertEquals(true, DetailFormatter.format(r6, null, ZoneOffset.UTC).contains("Layout : ddf-N-continue\n"));
        assertEquals(true, DetailFormatter.json(r5).contains("\"layout\":\"left-symmetric\""), DetailFormatter.json(r5));
    }

    @Test
    void parityLevelsShowTheirStripeCacheInDetailAndJson() {
        List<MemberStatus> three = List.of(); // the stripe cache's lines do not depend on the members
        ArrayStatus r5 = new ArrayStatus("md3", 5, "raid5", 2, 65536, 8L << 30, 4L << 30, 3, three, 0, "h:r5", null,
                null, null, true, true, false, List.of(), List.of(), null, null, 256);
        String detail = DetailFormatter.format(r5, null, ZoneOffset.UTC);
        assertEquals(true, detail.contains("\n      Stripe Cache : 256 stripes\n"), detail);
        assertEquals(true, DetailFormatter.json(r5).contains("\"stripe_cache_size\":256"), DetailFormatter.json(r5));
        ArrayStatus off = new ArrayStatus("md3", 5, "raid5", 2, 65536, 8L << 30, 4L << 30, 3, three, 0, "h:r5", null,
                null, null, true, true, false);
        assertEquals(false, DetailFormatter.format(off, null, ZoneOffset.UTC).contains("Stripe Cache"));
        assertEquals(true, DetailFormatter.json(off).contains("\"stripe_cache_size\":0"), DetailFormatter.json(off));
    }
}
