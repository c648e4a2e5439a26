package io.uraid.cli.kernel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Several member files as the partitions of one disk image (an MBR with up to four primary
 * partitions, each at a whole MiB), so that one of the guest's few block devices carries every
 * member of an array ({@code /dev/ubdb1}, {@code /dev/ubdb2}...); and back, each partition into
 * its member file, for uraid to read what the kernel left there.
 */
final class PartitionedImage {
    private static final long MIB = 1 << 20;
    private static final int SECTOR = 512;

    private PartitionedImage() {
    }

    /** Where partition {@code i} starts in an image of {@code members}. */
    private static long start(List<Path> members, int i) throws IOException {
        long at = MIB;
        for (int k = 0; k < i; k++) {
            at += Files.size(members.get(k));
        }
        return at;
    }

    /** Writes {@code image}: a partition table and every member's bytes in its partition. */
    static void pack(Path image, List<Path> members) throws IOException {
        if (members.isEmpty() || members.size() > 4) {
            throw new IllegalArgumentException("1 to 4 members per image, not " + members.size());
        }
        ByteBuffer mbr = ByteBuffer.allocate(SECTOR).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < members.size(); i++) {
            long size = Files.size(members.get(i));
            if (size % MIB != 0) {
                throw new IllegalArgumentException(members.get(i) + " is not whole MiB");
            }
            int e = 446 + 16 * i;
            mbr.put(e + 4, (byte) 0xfd); // Linux raid autodetect: what the partition holds, for readers
            mbr.putInt(e + 8, (int) (start(members, i) / SECTOR));
            mbr.putInt(e + 12, (int) (size / SECTOR));
        }
        mbr.put(510, (byte) 0x55).put(511, (byte) 0xaa);
        try (FileChannel out = FileChannel.open(image, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            out.write(mbr, 0);
            for (int i = 0; i < members.size(); i++) {
                try (FileChannel in = FileChannel.open(members.get(i))) {
                    long at = start(members, i);
                    for (long done = 0; done < in.size(); ) {
                        done += in.transferTo(done, in.size() - done, out.position(at + done));
                    }
                }
            }
        }
    }

    /** Copies each partition of {@code image} back over its member file (same sizes as packed). */
    static void unpack(Path image, List<Path> members) throws IOException {
        try (FileChannel in = FileChannel.open(image)) {
            for (int i = 0; i < members.size(); i++) {
                long at = start(members, i);
                long size = Files.size(members.get(i));
                try (FileChannel out = FileChannel.open(members.get(i), StandardOpenOption.WRITE)) {
                    for (long done = 0; done < size; ) {
                        done += in.transferTo(at + done, size - done, out.position(done));
                    }
                }
            }
        }
    }

    /** The guest's name of partition {@code p} (0-based) of the {@code i}th attached image. */
    static String partition(int image, int p) {
        return GuestMd.device(image) + (p + 1);
    }
}
