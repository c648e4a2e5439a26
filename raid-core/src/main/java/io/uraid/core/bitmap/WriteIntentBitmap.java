package io.uraid.core.bitmap;

import io.uraid.core.array.ArrayIo;
import io.uraid.core.array.BackgroundTask;
import io.uraid.core.array.Member;
import io.uraid.core.array.WriteGate;
import io.uraid.core.sb.BitmapSuperblock;
import io.uraid.io.NativeBuffer;

/**
 * md's internal write-intent bitmap, kept by the array's dispatcher. A write may start only
 * once the bits of every chunk it touches are durable on every working member and no bitmap
 * update on its way would write one of them clear (a write that arrives while an update clears
 * its chunk waits for that update and the next one, which sets the bit again); the bit write
 * is an ordered phase ahead of the data legs, and all writes waiting at that moment share it.
 * A chunk's bit is cleared lazily, after its last write completed and two clear passes have
 * seen it idle; before any bit goes clear on disk the members are fsynced, so a clear bit
 * always means "the copies of this chunk agree on stable storage".
 *
 * <p>Bits stay set while the array is degraded, so a member that comes back recovers only
 * the chunks written meanwhile (md's re-add). Dispatcher thread only, except the volatile
 * counters read by status.
 */
public final class WriteIntentBitmap implements BackgroundTask, WriteGate {
    /** FSYNC: the flush before a clear is in flight; WRITE_DUE: the area writes wait for engine room. */
    private static final int PHASE_IDLE = 0, PHASE_FSYNC = 1, PHASE_WRITE = 2, PHASE_WRITE_DUE = 3;

    private final BitmapSuperblock header;
    private final long areaOffset;
    private final int areaBytes;
    private final int chunkShift;
    /** Array bytes one bit covers. */
    private final long arrayBytesPerBit;
    private final long bits;
    /** Writes in flight (and resync holds) per chunk. */
    private final int[] counters;
    /** Clear passes that found the chunk idle since its last write. */
    private final byte[] idlePasses;
    /** What the next update writes; what the last completed update wrote; what is being written. */
    private final byte[] target;
    private final byte[] durable;
    private final byte[] writing;
    private final NativeBuffer buffer;
    private final long clearDelayNanos;
    private long nextClearPass;
    private boolean wantUpdate;
    private boolean clearPending;
    private int phase = PHASE_IDLE;
    private int legsOutstanding;
    private long headerEvents = -1;
    private long writingEvents;
    private long eventsCleared;
    private volatile long updates;
    private volatile long dirtyOnDisk;

    /**
     * @param header      the bitmap superblock found on the members
     * @param areaOffset  absolute byte offset of the bitmap on each member
     * @param initial     bits to start with (dirty chunks found at assembly, still to resync)
     * @param blockSize   members' logical block size (the area is written in whole blocks)
     * @param clearDelayNanos time between clear passes (md's daemon_sleep)
     */
    public WriteIntentBitmap(BitmapSuperblock header, long areaOffset, BitmapImage initial, int blockSize,
                             long clearDelayNanos) {
        this(header, areaOffset, initial, blockSize, clearDelayNanos, 1);
    }

    /**
     * A bitmap whose bits each cover {@code dataDisks} times its chunk of array bytes: md counts a
     * parity array's bitmap in member sectors (stripe rows), so a bit's chunk of rows holds that
     * many array bytes; 1 for the levels whose bitmap counts array sectors (raid1, raid10).
     * The array's chunk must divide the bitmap chunk (rows of a bit are whole stripes).
     */
    public WriteIntentBitmap(BitmapSuperblock header, long areaOffset, BitmapImage initial, int blockSize,
                             long clearDelayNanos, int dataDisks) {
        if (Integer.bitCount(header.chunkSize()) != 1) {
            throw new IllegalArgumentException("bitmap chunk is not a power of two: " + header.chunkSize());
        }
        this.header = header;
        this.areaOffset = areaOffset;
        // Whole 4 KiB blocks: mdadm and uraid reserve the bitmap space in 4 KiB units.
        this.areaBytes = BitmapImage.areaBytes(header, Math.max(4096, blockSize));
        this.chunkShift = Integer.numberOfTrailingZeros(header.chunkSize());
        this.arrayBytesPerBit = (long) header.chunkSize() * dataDisks;
        this.bits = header.bits();
        this.counters = new int[(int) bits];
        this.idlePasses = new byte[(int) bits];
        int n = (int) ((bits + 7) / 8);
        this.target = new byte[n];
        this.durable = new byte[n];
        this.writing = new byte[n];
        for (long i = 0; i < bits; i++) {
            if (initial.isSet(i)) {
                target[(int) (i >>> 3)] |= (byte) (1 << (i & 7));
            }
        }
        System.arraycopy(target, 0, durable, 0, n);
        this.eventsCleared = header.eventsCleared();
        this.buffer = NativeBuffer.allocate(areaBytes);
        this.clearDelayNanos = clearDelayNanos;
        this.dirtyOnDisk = count(durable);
    }

    /** The bitmap superblock as found at assembly (a new member gets a clean copy of it). */
    public BitmapSuperblock header() {
        return header;
    }

    public int chunkBytes() {
        return 1 << chunkShift;
    }

    /** Array bytes one bit covers: its chunk, times the data disks of a parity array. */
    public long arrayBytesPerBit() {
        return arrayBytesPerBit;
    }

    public long bitCount() {
        return bits;
    }

    /** Bits set in the last bitmap written (what {@code mdadm -X} would report as dirty). */
    public long dirtyOnDisk() {
        return dirtyOnDisk;
    }

    /** Bitmap writes completed (each covers every write that waited for it). */
    public long updates() {
        return updates;
    }

    /** True when chunk {@code c}'s bit is set in memory (it may hold data the copies disagree on). */
    public boolean isDirty(long c) {
        return get(target, c) || get(durable, c);
    }

    /** Keeps chunk {@code c}'s bit set until {@link #unhold} (a resync still owes it). */
    public void hold(long c) {
        counters[(int) c]++;
        set(target, c);
    }

    public void unhold(long c) {
        if (--counters[(int) c] == 0) {
            idlePasses[(int) c] = 0;
        }
    }

    @Override
    public boolean admit(long offset, long length) {
        long first = offset / arrayBytesPerBit;
        long last = Math.min(bits - 1, (offset + Math.max(length, 1) - 1) / arrayBytesPerBit);
        boolean ready = true;
        for (long c = first; c <= last; c++) {
            // Durable is not enough: an update on its way may be about to write the bit clear.
            if (!get(durable, c) || !get(target, c) || (phase != PHASE_IDLE && !get(writing, c))) {
                set(target, c);
                wantUpdate = true;
                ready = false;
            }
        }
        if (!ready) {
            return false;
        }
        for (long c = first; c <= last; c++) {
            counters[(int) c]++;
        }
        return true;
    }

    @Override
    public void release(long offset, long length) {
        long first = offset / arrayBytesPerBit;
        long last = Math.min(bits - 1, (offset + Math.max(length, 1) - 1) / arrayBytesPerBit);
        for (long c = first; c <= last; c++) {
            unhold(c);
        }
    }

    @Override
    public boolean pump(ArrayIo io) {
        if (phase == PHASE_WRITE_DUE) {
            writeArea(io);
            return phase != PHASE_WRITE_DUE;
        }
        if (phase != PHASE_IDLE) {
            return false;
        }
        long now = io.now();
        if (now - nextClearPass >= 0) {
            nextClearPass = now + clearDelayNanos;
            clearPending |= clearPass(io, false);
        }
        if (io.events() != headerEvents) {
            wantUpdate = true;
        }
        return startUpdate(io);
    }

    /** Marks idle chunks clear in {@code target}; returns true when some bit is to clear. */
    private boolean clearPass(ArrayIo io, boolean now) {
        if (degraded(io)) {
            return false; // a member that comes back needs every chunk written meanwhile
        }
        boolean any = false;
        for (int c = 0; c < bits; c++) {
            if (counters[c] != 0 || !get(target, c)) {
                continue;
            }
            if (now || idlePasses[c] >= 1) {
                clear(target, c);
                any = true;
            } else {
                idlePasses[c]++;
            }
        }
        return any;
    }

    private static int workingCount(ArrayIo io) {
        int n = 0;
        for (int r = 0; r < io.raidDisks(); r++) {
            if (io.member(r).inSync()) {
                n++;
            }
        }
        return n;
    }

    private static boolean degraded(ArrayIo io) {
        for (int r = 0; r < io.raidDisks(); r++) {
            if (!io.member(r).inSync()) {
                return true;
            }
        }
        return false;
    }

    private boolean startUpdate(ArrayIo io) {
        if (!wantUpdate && !clearPending) {
            return false;
        }
        int targets = workingCount(io);
        if (targets == 0 || io.room() < targets) {
            return false;
        }
        System.arraycopy(target, 0, writing, 0, target.length);
        writingEvents = io.events();
        boolean clears = clearPending;
        wantUpdate = false;
        clearPending = false;
        if (clears) {
            // Data written to the chunks about to be marked clean must be on stable storage first.
            phase = PHASE_FSYNC;
            legsOutstanding = 0;
            for (int r = 0; r < io.raidDisks(); r++) {
                if (io.member(r).inSync() && io.fsync(this, PHASE_FSYNC << 8 | r, r)) {
                    legsOutstanding++;
                }
            }
            return true;
        }
        writeArea(io);
        return true;
    }

    /**
     * Writes the area to every working member, or, when the engine has no room for all of them
     * now, waits (phase WRITE_DUE) until a pump finds room: an update is durable only once every
     * working member has it.
     */
    private void writeArea(ArrayIo io) {
        if (io.room() < workingCount(io)) {
            phase = PHASE_WRITE_DUE;
            return;
        }
        phase = PHASE_WRITE;
        boolean cleared = false;
        for (int i = 0; i < writing.length && !cleared; i++) {
            cleared = (durable[i] & ~writing[i]) != 0;
        }
        long cleared2 = cleared ? writingEvents : eventsCleared;
        BitmapSuperblock h = header.toBuilder().events(writingEvents).eventsCleared(cleared2).build();
        encode(h);
        legsOutstanding = 0;
        for (int r = 0; r < io.raidDisks(); r++) {
            Member m = io.member(r);
            if (m.inSync() && io.write(this, PHASE_WRITE << 8 | r, r, areaOffset, buffer.address(), areaBytes, true)) {
                legsOutstanding++;
            }
        }
        if (cleared) {
            eventsCleared = writingEvents;
        }
        if (legsOutstanding == 0) {
            phase = PHASE_IDLE;
        }
    }

    private void encode(BitmapSuperblock h) {
        var out = buffer.view();
        out.clear();
        out.put(h.encode());
        out.put(writing);
        while (out.hasRemaining()) {
            out.put((byte) 0);
        }
    }

    @Override
    public void onComplete(ArrayIo io, int token, int result) {
        if (result < 0) {
            io.failMember(token & 0xff, result); // the next update records it
        }
        if (--legsOutstanding > 0) {
            return;
        }
        if (phase == PHASE_FSYNC) {
            if (degraded(io)) {
                keepClearsSet();
            }
            writeArea(io);
            return;
        }
        System.arraycopy(writing, 0, durable, 0, writing.length);
        headerEvents = writingEvents;
        dirtyOnDisk = count(durable);
        updates++;
        phase = PHASE_IDLE;
        startUpdate(io); // writes that arrived meanwhile go at once
    }

    /**
     * Calls off the clears of the update under way: a member failed (its flush, say), so it may
     * not hold the last writes of those chunks, and its re-add must copy them.
     */
    private void keepClearsSet() {
        for (int i = 0; i < writing.length; i++) {
            target[i] |= (byte) (durable[i] & ~writing[i]);
            writing[i] = target[i];
        }
    }

    @Override
    public boolean closing(ArrayIo io) {
        if (phase == PHASE_WRITE_DUE) {
            writeArea(io);
            return false;
        }
        if (phase != PHASE_IDLE) {
            return false;
        }
        if (clearPass(io, true)) {
            clearPending = true;
        }
        if (io.events() != headerEvents) {
            wantUpdate = true;
        }
        if (startUpdate(io)) {
            return false;
        }
        return !wantUpdate && !clearPending;
    }

    /** Releases the native buffer; after the array stopped. */
    public void free() {
        buffer.close();
    }

    private static int count(byte[] b) {
        int n = 0;
        for (byte x : b) {
            n += Integer.bitCount(x & 0xff);
        }
        return n;
    }

    private static boolean get(byte[] b, long bit) {
        return (b[(int) (bit >>> 3)] & (1 << (bit & 7))) != 0;
    }

    private static void set(byte[] b, long bit) {
        b[(int) (bit >>> 3)] |= (byte) (1 << (bit & 7));
    }

    private static void clear(byte[] b, long bit) {
        b[(int) (bit >>> 3)] &= (byte) ~(1 << (bit & 7));
    }
}
