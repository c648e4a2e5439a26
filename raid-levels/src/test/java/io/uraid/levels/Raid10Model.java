package io.uraid.levels;

/**
 * The documented raid10 arrangement (md(4), raid10.c header comment), written independently of
 * md's slot arithmetic: the array is a raid0-style grid over all disks with {@code near}
 * consecutive slots per chunk; each disk is cut into {@code far} sections of
 * {@code devChunks / far} rows, section {@code f} holding the grid again with every disk moved
 * {@code f * near} places on inside its far set. Offset layouts interleave the sections row by
 * row instead. Copies are numbered {@code near index * far + far index}.
 */
final class Raid10Model implements Reference {

    final int disks;
    final int near;
    final int far;
    final boolean offset;
    final int setSize;
    final int chunk;
    /** Rows per far section: each disk is divided into {@code far} equal sections. */
    final long sectionRows;
    /** Chunks in the array: the slots of one section, {@code near} per chunk. */
    final long arrayChunks;

    Raid10Model(int layout, int disks, int chunk, long memberBytes) {
        this.disks = disks;
        this.near = layout & 0xff;
        this.far = (layout >> 8) & 0xff;
        this.offset = (layout & 0x10000) != 0;
        int variant = layout >> 17;
        this.setSize = variant == 0 ? disks : variant == 1 ? disks / far : far * near;
        this.chunk = chunk;
        this.sectionRows = memberBytes / chunk / far;
        this.arrayChunks = sectionRows * disks / near;
    }

    long arraySize() {
        return arrayChunks * chunk;
    }

    /** Disk {@code disk} moved {@code shift} places on, wrapping inside its far set (the last set takes the leftover disks). */
    int rotate(int disk, int shift) {
        int sets = disks / setSize;
        int set = Math.min(disk / setSize, sets - 1);
        int start = set * setSize;
        int size = set == sets - 1 ? disks - start : setSize;
        return start + (disk - start + shift) % size;
    }

    @Override
    public int member(long arrayOffset, int copy) {
        long slot = arrayOffset / chunk * near + copy / far;
        return rotate((int) (slot % disks), copy % far * near);
    }

    @Override
    public long memberOffset(long arrayOffset, int copy) {
        long slot = arrayOffset / chunk * near + copy / far;
        long gridRow = slot / disks;
        int f = copy % far;
        long row = offset ? gridRow * far + f : f * sectionRows + gridRow;
        return row * chunk + arrayOffset % chunk;
    }

    /** The same arrangement as an explicit table, filled by walking the grid slot by slot. */
    Reference.Table walk(int unit) {
        Reference.Table table = new Reference.Table(arraySize(), near * far, unit);
        for (long slot = 0; slot < arrayChunks * near; slot++) {
            long chunkIndex = slot / near;
            int n = (int) (slot % near);
            int disk = (int) (slot % disks);
            long gridRow = slot / disks;
            for (int f = 0; f < far; f++) {
                long row = offset ? gridRow * far + f : f * sectionRows + gridRow;
                for (long at = 0; at < chunk; at += unit) {
                    table.put((chunkIndex * chunk + at) / unit, n * far + f, rotate(disk, f * near), row * chunk + at);
                }
            }
        }
        return table.complete();
    }
}
