package io.uraid.levels.parity;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One array of the kernel oracle run: made either by the kernel (mdadm --create inside the
 * user-mode kernel, then written with the pattern) or by uraid on the host (images built
 * from the pattern with ParityLayout, the kernels and the superblock writer).
 *
 * @param name        short name, also the md array name
 * @param level       4, 5 or 6
 * @param layoutWord  md layout word (0 for raid4, as mdadm writes it)
 * @param disks       raid devices
 * @param chunkKiB    chunk size
 * @param memberBytes size of each member file
 * @param ppl         raid5 with the partial parity log (consistency policy ppl)
 * @param kernelMade  true: created by the kernel; false: built by uraid on the host
 */
record OracleArray(String name, int level, int layoutWord, int disks, int chunkKiB, long memberBytes, boolean ppl,
                   boolean kernelMade) {

    static final long MIB = 1 << 20;

    Path member(Path dir, int role) {
        return dir.resolve((kernelMade ? "k-" : "u-") + name + "-" + role + ".img");
    }

    List<Path> members(Path dir) {
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < disks; i++) {
            out.add(member(dir, i));
        }
        return out;
    }

    /** The name mdadm's --layout takes, or null for raid4 (mdadm refuses a layout there). */
    String mdadmLayout() {
        return level == 4 ? null : ParityAlgorithm.fromWord(level, layoutWord).mdadmName();
    }

    /**
     * Every raid5 and raid6 layout (and raid4) once, with member counts and chunk sizes varied
     * so rotations, wrap-arounds and odd disk counts all occur; {@code variant} shifts the
     * choices so the two directions do not test the same shapes.
     */
    static List<OracleArray> everyLayout(boolean kernelMade, int variant) {
        List<OracleArray> out = new ArrayList<>();
        int[] chunks = {4, 8, 16, 32};
        int i = variant;
        String prefix = kernelMade ? "k" : "u";
        out.add(new OracleArray(prefix + "r4", 4, 0, 3 + i % 3, chunks[i++ % 4], 2 * MIB, false, kernelMade));
        for (int word : new int[] {0, 1, 2, 3, 4, 5}) {
            out.add(new OracleArray(prefix + "r5l" + word, 5, word, 3 + i % 4, chunks[i++ % 4], 2 * MIB, false,
                    kernelMade));
        }
        for (int word : new int[] {0, 1, 2, 3, 4, 5, 8, 9, 10, 16, 17, 18, 19, 20}) {
            out.add(new OracleArray(prefix + "r6l" + word, 6, word, 4 + i % 4, chunks[i++ % 4], 2 * MIB, false,
                    kernelMade));
        }
        return out;
    }
}
