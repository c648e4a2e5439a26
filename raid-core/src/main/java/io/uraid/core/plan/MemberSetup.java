package io.uraid.core.plan;

/**
 * The writes a level puts on a device before a rebuild copies anything to it (a spare or a
 * re-added member taking a role, a replacement): what the level keeps beside the data there
 * must not be read back as this array's. md's raid5 clears the device's partial parity log as
 * it joins (an old log there would be replayed after the next unclean stop). Offsets are bytes
 * from the device's start; the buffers are the level's and stay valid while the array runs. The
 * rebuild's final flush makes the writes durable before the device counts as in sync.
 */
public interface MemberSetup {
    /** Nothing to write. */
    MemberSetup NONE = new MemberSetup() {
        @Override
        public int writes() {
            return 0;
        }

        @Override
        public long offset(int i) {
            throw new IndexOutOfBoundsException(i);
        }

        @Override
        public long address(int i) {
            throw new IndexOutOfBoundsException(i);
        }

        @Override
        public int length(int i) {
            throw new IndexOutOfBoundsException(i);
        }
    };

    /** Number of writes. */
    int writes();

    /** Device byte write {@code i} starts at. */
    long offset(int i);

    /** Native address of the bytes of write {@code i}. */
    long address(int i);

    /** Bytes of write {@code i}. */
    int length(int i);
}
