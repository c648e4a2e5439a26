package io.uraid.levels.parity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.uraid.core.sb.ExamineFormatter;
import io.uraid.core.sb.ExamineJson;
import io.uraid.core.sb.MdConstants;
import io.uraid.core.sb.MdSuperblock;
import io.uraid.core.sb.PplHeader;
import io.uraid.io.NativeBuffer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real kernel's raid456 as the oracle, both ways, in one boot of the user-mode kernel:
 *
 * <ul>
 * <li>the kernel creates a raid4, raid5 and raid6 array for every md layout (mdadm --create,
 *     initial sync by the kernel) and writes a known pattern over the whole array;
 *     on the host, uraid's arithmetic must find the pattern in the member files, uraid's P and
 *     Q must equal the kernel's for every stripe, uraid's recovery must rebuild every member
 *     and every pair of members, and uraid's examine must print what mdadm -E prints;</li>
 * <li>uraid builds an array for every layout on the host (pattern, parity, superblocks); the
 *     kernel must assemble it, read the pattern back healthy and degraded (raid6 with two
 *     members missing) and find no mismatch with {@code check};</li>
 * <li>raid5 with the partial parity log: the kernel's PPL headers decode with uraid's codec,
 *     and a dirty array uraid built with a stale parity block and its PPL entry is repaired
 *     by the kernel's PPL recovery, without a resync.</li>
 * </ul>
 * Skipped where user-mode-linux or mdadm is not installed.
 */
class ParityKernelOracleTest {
    private static final long SEED = 20240513L;
    private static final int PPL_ROLES = 4;

    private static Path dir;
    private static byte[] pattern;
    private static final List<OracleArray> KERNEL_MADE = new ArrayList<>();
    private static final List<OracleArray> URAID_MADE = new ArrayList<>();
    private static OracleArray kernelPpl;
    private static OracleArray uraidPpl;
    private static final Map<String, HostArrayBuilder> BUILT = new HashMap<>();
    /** mdadm -E and uraid's examine of uraid's members as uraid wrote them, before the kernel touched them. */
    private static final Map<Path, String[]> EXAMINE_BEFORE_BOOT = new LinkedHashMap<>();
    /** "name key" -> value printed by the script. */
    private static final Map<String, String> RESULTS = new HashMap<>();
    private static String console;

    @BeforeAll
    static void runKernel() throws Exception {
        String missing = UmlKernel.unavailable();
        assumeTrue(missing == null, missing);
        dir = Path.of("target", "parity-oracle").toAbsolutePath();
        if (Files.exists(dir)) {
            try (var files = Files.list(dir)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Files.delete(f);
                }
            }
        }
        Files.createDirectories(dir);
        KERNEL_MADE.addAll(OracleArray.everyLayout(true, 0));
        kernelPpl = new OracleArray("kppl", 5, 2, PPL_ROLES, 16, 4 * OracleArray.MIB, true, true);
        KERNEL_MADE.add(kernelPpl);
        URAID_MADE.addAll(OracleArray.everyLayout(false, 1));
        uraidPpl = new OracleArray("uppl", 5, 2, PPL_ROLES, 16, 4 * OracleArray.MIB, true, false);

        pattern = new byte[(int) (7 * OracleArray.MIB)];
        new Random(SEED).nextBytes(pattern);
        Files.write(dir.resolve("pattern"), pattern);
        for (OracleArray a : KERNEL_MADE) {
            for (Path m : a.members(dir)) {
                try (FileChannel f = FileChannel.open(m, java.nio.file.StandardOpenOption.CREATE_NEW,
                        java.nio.file.StandardOpenOption.WRITE)) {
                    f.write(ByteBuffer.allocate(1), a.memberBytes() - 1);
                }
            }
        }
        long seed = SEED;
        for (OracleArray a : URAID_MADE) {
            HostArrayBuilder b = new HostArrayBuilder(a, dir, ++seed);
            b.build(pattern, false);
            BUILT.put(a.name(), b);
        }
        HostArrayBuilder ppl = new HostArrayBuilder(uraidPpl, dir, ++seed);
        ppl.build(pattern, true);
        BUILT.put(uraidPpl.name(), ppl);
        for (OracleArray a : URAID_MADE) {
            Path m = a.member(dir, 0);
            EXAMINE_BEFORE_BOOT.put(m, new String[] {Mdadm.examine(m), ours(m)});
        }
        for (Path m : uraidPpl.members(dir)) {
            EXAMINE_BEFORE_BOOT.put(m, new String[] {Mdadm.examine(m), ours(m)});
        }

        try (var helper = ParityKernelOracleTest.class.getResourceAsStream(OracleScript.HELPER)) {
            Files.copy(helper, dir.resolve(OracleScript.HELPER));
        }
        long t0 = System.nanoTime();
        UmlKernel.Result r = UmlKernel.run(dir, OracleScript.build(dir, KERNEL_MADE, URAID_MADE, uraidPpl), List.of(), 600);
        System.out.printf("parity oracle: user-mode kernel ran %.1f s; seconds since boot: %s%n",
                (System.nanoTime() - t0) / 1e9, String.join(", ", r.lines("T")));
        console = r.output();
        for (String line : r.lines("R")) {
            String[] f = line.split(" ", 3);
            RESULTS.put(f[0] + " " + f[1], f.length > 2 ? f[2] : "");
        }
        assertEquals(0, r.exit(), console);
    }

    /** The member images take a few hundred MiB: removed unless -Duraid.keep=true (the script and console stay). */
    @AfterAll
    static void removeImages() throws IOException {
        if (dir == null || Boolean.getBoolean("uraid.keep")) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (f.getFileName().toString().endsWith(".img")) {
                    Files.delete(f);
                }
            }
        }
    }

    private static String result(OracleArray a, String key) {
        String v = RESULTS.get(a.name() + " " + key);
        assertTrue(v != null, "no '" + key + "' for " + a.name() + " in the kernel's output:\n" + console);
        return v;
    }

    // ---- the kernel made the arrays ----

    @Test
    void kernelArraysHaveTheSizeUraidComputes() throws IOException {
        for (OracleArray a : KERNEL_MADE) {
            try (Members m = Members.open(a, dir)) {
                assertEquals(Long.toString(m.layout.arraySize()), result(a, "size"), a.name());
            }
        }
    }

    @Test
    void uraidsArithmeticFindsThePatternTheKernelWrote() throws IOException {
        for (OracleArray a : KERNEL_MADE) {
            try (Members m = Members.open(a, dir)) {
                ParityLayout l = m.layout;
                int chunk = l.chunkBytes();
                for (long s = 0; s < l.stripes(); s++) {
                    for (int dd = 0; dd < l.dataDisks(); dd++) {
                        int role = l.dataRole(s, dd);
                        ByteBuffer onDisk = m.chunk(role, s);
                        ByteBuffer expected = ByteBuffer.wrap(pattern, (int) l.arrayOffsetOf(s, dd), chunk);
                        assertEquals(-1, onDisk.mismatch(expected),
                                a.name() + " stripe " + s + " data " + dd + " on role " + role);
                    }
                }
            }
        }
    }

    @Test
    void uraidsParityEqualsTheKernelsOnEveryStripe() throws IOException {
        for (OracleArray a : KERNEL_MADE) {
            try (Members m = Members.open(a, dir); NativeBuffer p = NativeBuffer.allocate(m.layout.chunkBytes());
                 NativeBuffer q = NativeBuffer.allocate(m.layout.chunkBytes())) {
                ParityLayout l = m.layout;
                StripeParity parity = new StripeParity(l);
                long[] address = new long[l.raidDisks()];
                for (long s = 0; s < l.stripes(); s++) {
                    m.addresses(s, address);
                    int pr = l.pRole(s);
                    int qr = l.qRole(s);
                    address[pr] = p.address();
                    if (qr >= 0) {
                        address[qr] = q.address();
                    }
                    parity.computeParity(s, address, l.chunkBytes());
                    assertEquals(-1, p.view().mismatch(m.chunk(pr, s)), a.name() + " P of stripe " + s);
                    if (qr >= 0) {
                        assertEquals(-1, q.view().mismatch(m.chunk(qr, s)), a.name() + " Q of stripe " + s);
                    }
                }
            }
        }
    }

    @Test
    void uraidRebuildsEveryMemberAndEveryPairTheLevelSurvives() throws IOException {
        for (OracleArray a : KERNEL_MADE) {
            try (Members m = Members.open(a, dir); NativeBuffer x = NativeBuffer.allocate(m.layout.chunkBytes());
                 NativeBuffer y = NativeBuffer.allocate(m.layout.chunkBytes())) {
                ParityLayout l = m.layout;
                StripeParity parity = new StripeParity(l);
                long[] address = new long[l.raidDisks()];
                Random junk = new Random(a.name().hashCode());
                byte[] noise = new byte[l.chunkBytes()];
                for (long s = 0; s < l.stripes(); s++) {
                    for (int ra = 0; ra < l.raidDisks(); ra++) {
                        int lastB = l.level() == 6 ? l.raidDisks() - 1 : ra; // raid4/5 survive one loss
                        for (int rb = ra; rb <= lastB; rb++) {
                            int lostB = rb == ra ? -1 : rb;
                            m.addresses(s, address);
                            junk.nextBytes(noise);
                            x.view().put(noise);
                            y.view().put(noise);
                            address[ra] = x.address();
                            if (lostB >= 0) {
                                address[lostB] = y.address();
                            }
                            parity.rebuild(s, address, ra, lostB, l.chunkBytes());
                            String what = a.name() + " stripe " + s + " lost " + ra + (lostB >= 0 ? "+" + lostB : "");
                            assertEquals(-1, x.view().mismatch(m.chunk(ra, s)), what);
                            if (lostB >= 0) {
                                assertEquals(-1, y.view().mismatch(m.chunk(lostB, s)), what);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void uraidsExamineOfKernelMembersIsMdadmsByteForByte() throws Exception {
        for (OracleArray a : KERNEL_MADE) {
            for (Path f : a.members(dir)) {
                assertEquals(Mdadm.examine(f), ours(f), f.getFileName().toString());
            }
        }
        String sample = Mdadm.examine(KERNEL_MADE.get(1).member(dir, 0));
        assertTrue(sample.contains("     Raid Level : raid5\n"), sample);
        assertTrue(sample.contains("         Layout : left-asymmetric\n"), sample);
    }

    // ---- raid5 with the partial parity log ----

    @Test
    void theKernelsPplLogsDecodeWithUraidsCodecAndArithmetic() throws IOException {
        long rewritten = OracleScript.pplRewriteOffset(kernelPpl);
        boolean rewriteLogged = false;
        try (Members m = Members.open(kernelPpl, dir)) {
            ParityLayout l = m.layout;
            for (int role = 0; role < kernelPpl.disks(); role++) {
                Path f = kernelPpl.member(dir, role);
                MdSuperblock sb = Members.superblock(f);
                assertTrue((sb.featureMap() & (MdConstants.FEATURE_PPL | MdConstants.FEATURE_MULTIPLE_PPLS)) != 0,
                        "feature map " + sb.featureMap());
                assertEquals(8, sb.pplOffset());
                assertEquals(2048, sb.pplSize());
                String json = ExamineJson.of(sb, f.toString(), Files.size(f) / 512, null);
                assertTrue(json.contains("\"ppl_offset\":8,\"ppl_size\":2048,"), json);
                long area = (sb.superOffset() + sb.pplOffset()) * 512;
                // Walk the log as the kernel does at assembly: headers follow one another while
                // they are valid and their generation grows.
                long at = 0;
                long generation = -1;
                int headers = 0;
                while (at + PplHeader.BYTES <= sb.pplSize() * 512L) {
                    ByteBuffer raw = Members.read(f, area + at, PplHeader.BYTES);
                    if (!PplHeader.checksumValid(raw)) {
                        break;
                    }
                    PplHeader h = PplHeader.decode(raw);
                    if (h.generation() < generation) {
                        break;
                    }
                    headers++;
                    generation = h.generation();
                    assertEquals(PplHeader.signature(sb.setUuid()), h.signature(), f + " at " + at);
                    assertArrayEquals(h.encode(), Members.bytes(raw), "uraid re-encodes the kernel's header");
                    long pp = area + at + PplHeader.BYTES;
                    for (PplHeader.Entry e : h.entries()) {
                        assertEquals(role, e.parityDisk(), "an entry lives on its stripe's parity member");
                        assertEquals(role, l.pRole(l.stripeOf(e.dataSector() * 512)), "entry " + e);
                        ByteBuffer partial = Members.read(f, pp, e.ppSize());
                        assertEquals(e.checksum(), PplHeader.checksumOf(partial), "entry " + e);
                        if (e.dataSector() * 512 == rewritten && e.ppSize() == 4096) {
                            assertEquals(4096, e.dataSize());
                            assertEquals(-1, partial.mismatch(ByteBuffer.wrap(partialParity(l, rewritten))),
                                    "partial parity = XOR of the stripe's untouched data");
                            rewriteLogged = true;
                        }
                        pp += e.ppSize();
                    }
                    at += PplHeader.BYTES + h.partialParityBytes();
                }
                assertTrue(headers >= 1, f + " has no valid PPL header");
            }
        }
        assertTrue(rewriteLogged, "the kernel's log must hold the 4 KiB rewrite at " + rewritten);
    }

    /** XOR of the pattern's 4 KiB blocks at the same stripe offset as {@code arrayOffset}, its own excluded. */
    private static byte[] partialParity(ParityLayout l, long arrayOffset) {
        long s = l.stripeOf(arrayOffset);
        int inChunk = (int) (arrayOffset % l.chunkBytes());
        byte[] out = new byte[4096];
        for (int dd = 0; dd < l.dataDisks(); dd++) {
            if (dd != l.dataIndexOf(arrayOffset)) {
                int at = (int) l.arrayOffsetOf(s, dd) + inChunk;
                for (int i = 0; i < out.length; i++) {
                    out[i] ^= pattern[at + i];
                }
            }
        }
        return out;
    }

    @Test
    void theKernelRepairsParityFromUraidsPplWithoutAResync() throws IOException {
        assertEquals("raid5", result(uraidPpl, "level"));
        assertEquals("ppl", result(uraidPpl, "policy"));
        assertEquals("none", result(uraidPpl, "resync_start"), "PPL recovery must leave the array in sync");
        assertEquals("idle", result(uraidPpl, "sync_action"), "no resync may be needed after PPL recovery");
        assertEquals("0", result(uraidPpl, "mismatch"));
        assertEquals("ok", result(uraidPpl, "readback"));
        HostArrayBuilder b = BUILT.get(uraidPpl.name());
        ParityLayout l = b.layout;
        long s = HostArrayBuilder.STALE_STRIPE;
        // The full parity: the partial parity of one data block xor that block.
        long block = l.arrayOffsetOf(s, 0) + HostArrayBuilder.STALE_OFFSET_IN_CHUNK;
        byte[] expectedParity = partialParity(l, block);
        for (int i = 0; i < expectedParity.length; i++) {
            expectedParity[i] ^= pattern[(int) block + i];
        }
        Path parityMember = uraidPpl.member(dir, l.pRole(s));
        ByteBuffer onDisk = Members.read(parityMember,
                b.superblockLayout.dataOffset() * 512 + b.staleMemberOffset(), 4096);
        assertEquals(-1, onDisk.mismatch(ByteBuffer.wrap(expectedParity)), "parity block rewritten from the log");
    }

    // ---- uraid made the arrays ----

    @Test
    void theKernelAssemblesUraidsArraysAndReadsThemHealthyAndDegraded() {
        for (OracleArray a : URAID_MADE) {
            String what = a.name();
            assertEquals("raid" + a.level(), result(a, "level"), what);
            if (a.level() != 4) {
                assertEquals(Integer.toString(a.layoutWord()), result(a, "layout"), what);
            }
            assertEquals(Integer.toString(a.chunkKiB() * 1024), result(a, "chunk"), what);
            assertEquals(Long.toString(BUILT.get(a.name()).layout.arraySize()), result(a, "size"), what);
            assertEquals("ok", result(a, "readback"), what);
            assertEquals("0", result(a, "mismatch"), what + ": the kernel's check of uraid's parity");
            assertEquals("ok", result(a, "degraded"), what + ": read with " + OracleScript.missingRoles(a) + " missing");
        }
    }

    @Test
    void mdadmReadsUraidsSuperblocksAsUraidsExaminePrintsThem() throws Exception {
        for (Map.Entry<Path, String[]> e : EXAMINE_BEFORE_BOOT.entrySet()) {
            String mdadm = e.getValue()[0];
            assertEquals(mdadm, e.getValue()[1], e.getKey().getFileName().toString());
            assertTrue(mdadm.contains(" - correct\n"), mdadm);
        }
        String ppl = EXAMINE_BEFORE_BOOT.get(uraidPpl.member(dir, 0))[0];
        assertTrue(ppl.contains("            PPL : 2048 sectors at offset 8 sectors from superblock\n"), ppl);
        assertTrue(ppl.contains("    Feature Map : 0x400\n"), ppl);
        assertTrue(ppl.contains("          State : active\n"), ppl); // left dirty on purpose
        String r6 = EXAMINE_BEFORE_BOOT.get(URAID_MADE.get(URAID_MADE.size() - 1).member(dir, 0))[0];
        assertTrue(r6.contains("         Layout : parity-first-6\n"), r6);
        // The kernel has rewritten the superblocks since: ours must still read them as mdadm does.
        for (OracleArray a : URAID_MADE) {
            Path f = a.member(dir, 1);
            assertEquals(Mdadm.examine(f), ours(f), f.getFileName().toString());
        }
        for (Path f : uraidPpl.members(dir)) {
            assertEquals(Mdadm.examine(f), ours(f), f.getFileName().toString());
        }
    }

    private static String ours(Path f) throws IOException {
        return ExamineFormatter.format(Members.superblock(f), f.toString(), Files.size(f) / 512, null,
                ZoneOffset.UTC, null);
    }
}
