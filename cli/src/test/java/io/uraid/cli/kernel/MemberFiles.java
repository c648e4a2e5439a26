package io.uraid.cli.kernel;

import io.uraid.core.bitmap.BitmapImage;
import io.uraid.core.report.MemberExaminer;
import io.uraid.core.sb.MdSuperblock;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/** What md or uraid left on a member file, read on the host while no one has it open. */
final class MemberFiles {
    private MemberFiles() {
    }

    /** The member's write-intent bitmap (superblock and bits), as its superblock places it. */
    static BitmapImage bitmap(Path member) throws IOException {
        MdSuperblock sb = MemberExaminer.readV1(member);
        byte[] area = new byte[64 << 10];
        try (RandomAccessFile f = new RandomAccessFile(member.toFile(), "r")) {
            f.seek((sb.superOffset() + sb.bitmapOffset()) * 512);
            f.readFully(area);
        }
        return BitmapImage.decode(ByteBuffer.wrap(area).order(ByteOrder.LITTLE_ENDIAN));
    }
}
