package io.uraid.daemon;

import io.uraid.core.report.MemberExaminer;
import io.uraid.core.sb.MdSuperblock;
import io.uraid.io.nbd.NbdUri;
import io.uraid.io.remote.DevicePaths;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Finds the members of a configured array by its UUID, as {@code mdadm --assemble --scan}
 * does: the {@code devices=} hint first, and when that does not give every member, the
 * candidates of the {@code DEVICE} lines ({@code partitions}: each block device of
 * /proc/partitions; else paths, globs and NBD URIs of remote members). Candidates are only
 * read (buffered, no claim; a remote one through a short-lived connection); the assembly that
 * follows claims what it takes.
 */
final class MemberScan {
    private static final Path PROC_PARTITIONS = Path.of("/proc/partitions");

    private MemberScan() {
    }

    /**
     * The devices to assemble the array {@code uuid} from: the hinted ones, plus those the
     * DEVICE patterns find carrying that UUID when the hint is not enough. Each device once
     * (by real path), hinted ones first.
     */
    static List<Path> members(List<Path> hint, byte[] uuid, List<String> patterns) {
        Map<Path, Path> byReal = new LinkedHashMap<>();
        int found = 0;
        int wanted = Integer.MAX_VALUE;
        for (Path p : hint) {
            byReal.putIfAbsent(realPath(p), p);
            MdSuperblock sb = superblock(p);
            if (sb != null && java.util.Arrays.equals(sb.setUuid(), uuid)) {
                found++;
                wanted = sb.raidDisks();
            }
        }
        if (found >= wanted) {
            return new ArrayList<>(byReal.values());
        }
        for (Path p : candidates(patterns)) {
            Path real = realPath(p);
            if (byReal.containsKey(real)) {
                continue;
            }
            MdSuperblock sb = superblock(p);
            if (sb != null && java.util.Arrays.equals(sb.setUuid(), uuid)) {
                byReal.put(real, p);
            }
        }
        return new ArrayList<>(byReal.values());
    }

    /** Every path the DEVICE patterns name, in order. */
    static List<Path> candidates(List<String> patterns) {
        List<Path> out = new ArrayList<>();
        for (String pattern : patterns) {
            if (pattern.equals(DaemonConfig.PARTITIONS)) {
                out.addAll(partitions());
            } else if (pattern.equals("containers")) {
                continue; // mdadm's IMSM/DDF containers: uraid has none
            } else if (NbdUri.looksLikeUri(pattern)) {
                out.add(DevicePaths.of(pattern)); // checked when read: an unreachable one carries no UUID
            } else if (pattern.contains("*") || pattern.contains("?") || pattern.contains("[")) {
                out.addAll(glob(pattern));
            } else if (Files.exists(Path.of(pattern))) {
                out.add(Path.of(pattern));
            }
        }
        return out;
    }

    /** /dev/NAME for each line of /proc/partitions ("major minor #blocks name"). */
    private static List<Path> partitions() {
        List<Path> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(PROC_PARTITIONS)) {
                String[] f = line.trim().split("\\s+");
                if (f.length == 4 && f[0].matches("\\d+")) {
                    Path dev = Path.of("/dev", f[3]);
                    if (Files.exists(dev)) {
                        out.add(dev);
                    }
                }
            }
        } catch (IOException e) {
            // no /proc: nothing to scan there
        }
        return out;
    }

    /** The files matching a glob; the fixed directories before the first wildcard are walked. */
    private static List<Path> glob(String pattern) {
        Path abs = Path.of(pattern).toAbsolutePath();
        Path base = abs.getRoot();
        int depth = 0;
        for (Path part : abs) {
            String s = part.toString();
            if (s.contains("*") || s.contains("?") || s.contains("[")) {
                break;
            }
            base = base.resolve(s);
            depth++;
        }
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(base)) {
            return out;
        }
        PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + abs);
        try (Stream<Path> s = Files.walk(base, abs.getNameCount() - depth)) {
            s.filter(m::matches).sorted().forEach(out::add);
        } catch (IOException e) {
            // an unreadable directory holds no candidates
        }
        return out;
    }

    /** The v1.x superblock of {@code p}, or null (none, unreadable, not a device or file). */
    private static MdSuperblock superblock(Path p) {
        try {
            return Files.isRegularFile(p) || isBlockDevice(p) || DevicePaths.isRemote(p) ? MemberExaminer.readV1(p)
                    : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static boolean isBlockDevice(Path p) {
        try {
            return ((Integer) Files.getAttribute(p, "unix:mode") & 0xF000) == 0x6000;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    static Path realPath(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }
}
