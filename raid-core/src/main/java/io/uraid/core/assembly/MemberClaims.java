package io.uraid.core.assembly;

import io.uraid.core.sb.MdSuperblock;
import io.uraid.core.sb.MdUuid;
import io.uraid.io.BlockDevice;
import io.uraid.io.IoEngine;
import io.uraid.io.OpenOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The first half of assembly, before anything may be written: reads every candidate's
 * superblock without claiming it, keeps the members of one array (the configured UUID's, or
 * the only one given), claims that array host-wide, then claims each member exclusively and
 * reads its superblock again under the claim. A device that is not taken is never written.
 */
final class MemberClaims {
    private MemberClaims() {
    }

    /** The accepted members, open and claimed, with the array's claim; the caller owns them all. */
    record Claimed(List<MemberDevice> members, ArrayClaim claim) {
    }

    static Claimed claim(List<Path> paths, AssembleOptions options, IoEngine engine, List<LeftOut> leftOut)
            throws IOException {
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("no member devices given");
        }
        byte[] wanted = options.uuid() == null ? null : MdUuid.parse(options.uuid());
        Map<Path, MdSuperblock> accepted = select(probe(paths, engine, wanted != null, leftOut), wanted, leftOut);
        MdSuperblock any = accepted.values().iterator().next();
        String name = options.name() != null ? options.name() : Assembler.arrayName(any);
        ArrayClaim claim = ArrayClaim.claim(any.setUuid(), name, options.readOnly());
        List<MemberDevice> members = new ArrayList<>();
        try {
            OpenOptions how = options.readOnly() ? OpenOptions.READ_ONLY.withExclusive(true) : OpenOptions.DEFAULT;
            for (Path p : accepted.keySet()) {
                BlockDevice d = ArrayClaim.open(engine, p, how);
                try {
                    MdSuperblock sb = Assembler.readSuperblock(engine, d);
                    if (!Arrays.equals(sb.setUuid(), any.setUuid())) {
                        throw new IOException(p + ": its superblock changed while the array was being assembled");
                    }
                    members.add(new MemberDevice(d, sb));
                } catch (IOException | RuntimeException e) {
                    d.close();
                    throw e;
                }
            }
            return new Claimed(members, claim);
        } catch (IOException | RuntimeException e) {
            for (MemberDevice m : members) {
                m.device().close();
            }
            claim.close();
            throw e;
        }
    }

    /**
     * Each path's superblock, read without claiming the device. With {@code tolerant} (a
     * configured UUID picks the members), a device without one is left out instead of failing
     * the assembly.
     */
    private static Map<Path, MdSuperblock> probe(List<Path> paths, IoEngine engine, boolean tolerant,
                                                 List<LeftOut> leftOut) throws IOException {
        Map<Path, MdSuperblock> found = new LinkedHashMap<>();
        java.util.Set<Path> seen = new java.util.HashSet<>();
        for (Path p : paths) {
            if (!seen.add(realPath(p))) {
                throw new IllegalArgumentException(p + " is listed twice");
            }
            try (BlockDevice d = engine.open(p, OpenOptions.READ_ONLY)) {
                found.put(p, Assembler.readSuperblock(engine, d));
            } catch (IOException e) {
                if (!tolerant) {
                    throw e;
                }
                leftOut.add(new LeftOut(p, reason(p, e)));
            }
        }
        return found;
    }

    /** The members of the wanted array, or of the one array all devices belong to. */
    private static Map<Path, MdSuperblock> select(Map<Path, MdSuperblock> probed, byte[] wanted, List<LeftOut> leftOut)
            throws IOException {
        if (wanted == null) {
            checkOneArray(probed);
            return probed;
        }
        Map<Path, MdSuperblock> mine = new LinkedHashMap<>();
        probed.forEach((p, sb) -> {
            if (Arrays.equals(sb.setUuid(), wanted)) {
                mine.put(p, sb);
            } else {
                leftOut.add(new LeftOut(p, "belongs to array " + MdUuid.format(sb.setUuid()) + " ("
                        + sb.setName() + "), not " + MdUuid.format(wanted)));
            }
        });
        if (mine.isEmpty()) {
            StringBuilder why = new StringBuilder("no member of array " + MdUuid.format(wanted) + " found");
            for (LeftOut l : leftOut) {
                why.append("; ").append(l);
            }
            throw new IOException(why.toString());
        }
        return mine;
    }

    private static void checkOneArray(Map<Path, MdSuperblock> probed) throws IOException {
        Map<String, List<String>> byUuid = new LinkedHashMap<>();
        probed.forEach((p, sb) -> byUuid.computeIfAbsent(MdUuid.format(sb.setUuid()), k -> new ArrayList<>())
                .add(p.toString()));
        if (byUuid.size() > 1) {
            StringBuilder sb = new StringBuilder("the devices belong to different arrays:");
            byUuid.forEach((uuid, devs) -> sb.append(' ').append(uuid).append(" (").append(String.join(", ", devs))
                    .append(");"));
            throw new IOException(sb.substring(0, sb.length() - 1));
        }
    }

    private static Path realPath(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize(); // not on the file system (a test engine's device)
        }
    }

    /** The one-line reason without the path the message may already start with. */
    private static String reason(Path p, IOException e) {
        String m = String.valueOf(e.getMessage());
        String prefix = p + ": ";
        return m.startsWith(prefix) ? m.substring(prefix.length()) : m;
    }
}
