package io.uraid.daemon.nbd;

import static io.uraid.io.nbd.NbdProtocol.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.uraid.io.Errno;
import org.junit.jupiter.api.Test;

/** The answer each kind of request gets, against the spec's rules written out case by case. */
class RequestRulesTest {
    private static final long SIZE = 1L << 20;
    private static final int BS = 4096;
    private static final int[] COMMANDS = {CMD_READ, CMD_WRITE, CMD_FLUSH, CMD_TRIM, CMD_WRITE_ZEROES};

    private static int check(int type, int flags, long offset, long length, boolean readOnly) {
        return RequestRules.check(type, flags, offset, length, readOnly, SIZE, BS);
    }

    private static int allowedFlags(int type) {
        switch (type) {
            case CMD_READ:
            case CMD_WRITE:
            case CMD_TRIM:
                return CMD_FLAG_FUA;
            case CMD_WRITE_ZEROES:
                return CMD_FLAG_FUA | CMD_FLAG_NO_HOLE;
            default:
                return 0;
        }
    }

    private static boolean changesData(int type) {
        return type == CMD_WRITE || type == CMD_TRIM || type == CMD_WRITE_ZEROES;
    }

    @Test
    void everyFlagBitIsCheckedPerCommand() {
        for (int type : COMMANDS) {
            for (int bit = 0; bit < 16; bit++) {
                int flag = 1 << bit;
                int expected = (allowedFlags(type) & flag) != 0 ? 0 : -Errno.EINVAL;
                long length = type == CMD_FLUSH ? 0 : BS;
                assertEquals(expected, check(type, flag, 0, length, false), "command " + type + " flag bit " + bit);
            }
        }
    }

    @Test
    void unknownCommandsAreInvalid() {
        for (int type : new int[] {2, 5, 7, 8, 9, 100, 0xffff}) { // DISC never gets here; CACHE, BLOCK_STATUS... are not offered
            assertEquals(-Errno.EINVAL, check(type, 0, 0, BS, false), "command " + type);
        }
    }

    @Test
    void rangesPastTheEndAreEnospcForWritesAndEinvalOtherwise() {
        // offset, length: past the end, straddling it, an empty request beyond it, offsets that are
        // negative as signed numbers, and (no payload: TRIM, WRITE_ZEROES only) a length that overflows
        long[][] ranges = {{SIZE, BS}, {SIZE - BS, 2 * BS}, {SIZE + BS, 0}, {-BS, BS}, {Long.MAX_VALUE - 4095, BS},
            {BS, Long.MAX_VALUE - 4095}};
        for (long[] r : ranges) {
            String where = r[0] + "+" + r[1];
            if (r[1] <= MAX_PAYLOAD) {
                assertEquals(-Errno.EINVAL, check(CMD_READ, 0, r[0], r[1], false), "read " + where);
                assertEquals(-Errno.ENOSPC, check(CMD_WRITE, 0, r[0], r[1], false), "write " + where);
            }
            assertEquals(-Errno.EINVAL, check(CMD_TRIM, 0, r[0], r[1], false), "trim " + where);
            assertEquals(-Errno.ENOSPC, check(CMD_WRITE_ZEROES, 0, r[0], r[1], false), "zeroes " + where);
        }
        assertEquals(0, check(CMD_READ, 0, SIZE - BS, BS, false), "the last block");
        assertEquals(0, check(CMD_WRITE, 0, SIZE, 0, false), "an empty request at the very end");
    }

    @Test
    void misalignedRangesAreInvalid() {
        for (int type : new int[] {CMD_READ, CMD_WRITE, CMD_TRIM, CMD_WRITE_ZEROES}) {
            assertEquals(-Errno.EINVAL, check(type, 0, 512, BS, false), "offset, command " + type);
            assertEquals(-Errno.EINVAL, check(type, 0, 0, BS + 512, false), "length, command " + type);
            assertEquals(0, check(type, 0, BS, 2 * BS, false), "aligned, command " + type);
        }
    }

    @Test
    void payloadsOverTheMaximumAreInvalidNeverAllocated() {
        assertEquals(-Errno.EINVAL, RequestRules.check(CMD_READ, 0, 0, MAX_PAYLOAD + (long) BS, false, 1L << 40, BS));
        assertEquals(-Errno.EINVAL, RequestRules.check(CMD_WRITE, 0, 0, MAX_PAYLOAD + (long) BS, false, 1L << 40, BS));
        assertEquals(0, RequestRules.check(CMD_WRITE, 0, 0, MAX_PAYLOAD, false, 1L << 40, BS));
        assertEquals(0, RequestRules.check(CMD_TRIM, 0, 0, 1L << 36, false, 1L << 40, BS), "trims have no payload");
    }

    @Test
    void aReadOnlyExportRefusesChangesWithEpermAfterTheFlagCheck() {
        for (int type : COMMANDS) {
            long length = type == CMD_FLUSH ? 0 : BS;
            assertEquals(changesData(type) ? -Errno.EPERM : 0, check(type, 0, 0, length, true), "command " + type);
            assertEquals(-Errno.EINVAL, check(type, 1 << 15, 0, length, true), "a bad flag first, command " + type);
        }
    }
}
