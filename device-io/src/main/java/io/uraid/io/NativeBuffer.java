package io.uraid.io;

import io.uraid.io.internal.UnsafeAccess;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A block of native memory outside the Java heap, aligned for O_DIRECT (4096 by default),
 * freed explicitly by {@link #close()}. The memory is malloc'd (anonymous), so io_uring can
 * register it as fixed buffers.
 */
public final class NativeBuffer implements AutoCloseable {
    public static final int DEFAULT_ALIGNMENT = 4096;

    private final ByteBuffer owner;
    /** Base of memory taken from the C heap ({@link #allocateUntouched}), else 0. */
    private final long heap;
    private final ByteBuffer aligned;
    private final long address;
    private final int capacity;
    private volatile boolean closed;

    /** A slice of {@code parent}: shares its memory, frees nothing on close. */
    private NativeBuffer(NativeBuffer parent, int offset, int length) {
        this.owner = null;
        this.heap = 0;
        this.aligned = parent.aligned.slice(offset, length).order(ByteOrder.LITTLE_ENDIAN);
        this.address = parent.address + offset;
        this.capacity = length;
    }

    private NativeBuffer(int capacity, int alignment) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("buffer capacity must be positive: " + capacity);
        }
        if (Integer.bitCount(alignment) != 1) {
            throw new IllegalArgumentException("alignment must be a power of two: " + alignment);
        }
        // alignedSlice also rounds the end down to the alignment, so over-allocate a whole
        // number of alignment units plus one for the shift.
        long rounded = ((long) capacity + alignment - 1) / alignment * alignment;
        this.heap = 0;
        this.owner = ByteBuffer.allocateDirect(Math.toIntExact(rounded + alignment));
        this.aligned = owner.alignedSlice(alignment).limit(capacity).slice().order(ByteOrder.LITTLE_ENDIAN);
        this.address = UnsafeAccess.addressOf(aligned);
        this.capacity = capacity;
    }

    /** {@code capacity} bytes from the C heap, 4096-aligned, contents undefined, pages not touched. */
    private NativeBuffer(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("buffer capacity must be positive: " + capacity);
        }
        this.owner = null;
        this.heap = UnsafeAccess.allocateMemory((long) capacity + DEFAULT_ALIGNMENT);
        this.address = (heap + DEFAULT_ALIGNMENT - 1) & -DEFAULT_ALIGNMENT;
        ByteBuffer view = ByteBuffer.allocateDirect(1).duplicate();
        UnsafeAccess.retarget(view, address, capacity);
        this.aligned = view.order(ByteOrder.LITTLE_ENDIAN);
        this.capacity = capacity;
    }

    /**
     * Allocates {@code capacity} bytes, 4096-aligned, whose pages are not touched (nor zeroed)
     * here: a large pool that is carved up on demand costs memory only as it is used, or when it
     * is registered with an engine (which pins every page). Contents are undefined.
     */
    public static NativeBuffer allocateUntouched(int capacity) {
        return new NativeBuffer(capacity);
    }

    /** Allocates {@code capacity} bytes, 4096-aligned, zero-filled. */
    public static NativeBuffer allocate(int capacity) {
        return new NativeBuffer(capacity, DEFAULT_ALIGNMENT);
    }

    /** Allocates {@code capacity} bytes aligned to {@code alignment}, zero-filled. */
    public static NativeBuffer allocate(int capacity, int alignment) {
        return new NativeBuffer(capacity, alignment);
    }

    /** Native address of the first byte. */
    public long address() {
        return address;
    }

    public int capacity() {
        return capacity;
    }

    /** A little-endian view of the whole buffer (position 0, limit capacity); views share memory. */
    public ByteBuffer view() {
        return aligned.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A little-endian view of {@code length} bytes starting at {@code offset}. */
    public ByteBuffer view(int offset, int length) {
        return aligned.slice(offset, length).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * {@code length} bytes of this buffer from {@code offset}, as a buffer of their own that
     * shares this memory (closing it frees nothing; it is valid while this buffer is). For
     * carving one region, registered with an engine once, into many buffers.
     */
    public NativeBuffer slice(int offset, int length) {
        if (offset < 0 || length <= 0 || offset > capacity - length) {
            throw new IllegalArgumentException("slice [" + offset + ", +" + length + ") outside " + capacity + " bytes");
        }
        return new NativeBuffer(this, offset, length);
    }

    /** Frees the memory now; the buffer and its views must not be used afterwards. */
    @Override
    public void close() {
        if (!closed && (owner != null || heap != 0)) {
            closed = true;
            if (owner != null) {
                UnsafeAccess.free(owner);
            } else {
                UnsafeAccess.freeMemory(heap);
            }
        }
    }
}
