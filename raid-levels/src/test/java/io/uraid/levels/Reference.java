package io.uraid.levels;

/**
 * A naive model of where md puts each byte, written for obviousness rather than speed, against
 * which the real layouts are checked.
 */
interface Reference {

    int member(long arrayOffset, int copy);

    long memberOffset(long arrayOffset, int copy);

    /**
     * A reference backed by an explicit table, one entry per {@code unit} bytes of the array and
     * copy, filled by walking the array in the most obvious order.
     */
    final class Table implements Reference {
        private final int unit;
        private final int copies;
        private final int[] members;
        private final long[] offsets;

        Table(long arraySize, int copies, int unit) {
            this.unit = unit;
            this.copies = copies;
            int entries = Math.toIntExact(arraySize / unit * copies);
            members = new int[entries];
            offsets = new long[entries];
            java.util.Arrays.fill(members, -1);
        }

        /** Records that copy {@code copy} of array unit {@code arrayUnit} lives at {@code memberOffset} of {@code member}. */
        void put(long arrayUnit, int copy, int member, long memberOffset) {
            int i = Math.toIntExact(arrayUnit * copies + copy);
            if (members[i] != -1) {
                throw new AssertionError("reference table filled twice at unit " + arrayUnit + " copy " + copy);
            }
            members[i] = member;
            offsets[i] = memberOffset;
        }

        /** Fails when the walk left a hole: every unit of the array must have every copy. */
        Table complete() {
            for (int i = 0; i < members.length; i++) {
                if (members[i] == -1) {
                    throw new AssertionError("reference table has no entry for unit " + i / copies + " copy " + i % copies);
                }
            }
            return this;
        }

        @Override
        public int member(long arrayOffset, int copy) {
            return members[Math.toIntExact(arrayOffset / unit * copies + copy)];
        }

        @Override
        public long memberOffset(long arrayOffset, int copy) {
            return offsets[Math.toIntExact(arrayOffset / unit * copies + copy)] + arrayOffset % unit;
        }
    }
}
