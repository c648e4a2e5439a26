package io.uraid.io.internal;

import java.lang.reflect.Field;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import sun.misc.Unsafe;

/**
 * The one place that uses {@code sun.misc.Unsafe}: raw loads and stores on native memory
 * (io_uring rings, SQEs, kernel structs) with the memory ordering the kernel ABI asks for,
 * direct-buffer addresses, and explicit freeing of direct buffers. Fine on Java 17; kept in
 * one class so a later move to the FFM API touches one file.
 */
public final class UnsafeAccess {
    private static final Unsafe UNSAFE;
    private static final long ADDRESS_OFFSET;
    private static final long CAPACITY_OFFSET;
    private static final long LIMIT_OFFSET;
    private static final long POSITION_OFFSET;
    private static final long MARK_OFFSET;

    static {
        try {
            Field f = Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            UNSAFE = (Unsafe) f.get(null);
            ADDRESS_OFFSET = UNSAFE.objectFieldOffset(Buffer.class.getDeclaredField("address"));
            CAPACITY_OFFSET = UNSAFE.objectFieldOffset(Buffer.class.getDeclaredField("capacity"));
            LIMIT_OFFSET = UNSAFE.objectFieldOffset(Buffer.class.getDeclaredField("limit"));
            POSITION_OFFSET = UNSAFE.objectFieldOffset(Buffer.class.getDeclaredField("position"));
            MARK_OFFSET = UNSAFE.objectFieldOffset(Buffer.class.getDeclaredField("mark"));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private UnsafeAccess() {
    }

    /** Native address of a direct buffer's first byte (its position is ignored). */
    public static long addressOf(ByteBuffer direct) {
        if (!direct.isDirect()) {
            throw new IllegalArgumentException("buffer is not direct");
        }
        return UNSAFE.getLong(direct, ADDRESS_OFFSET);
    }

    /**
     * Points a direct buffer at {@code length} bytes of native memory at {@code address}
     * (position 0, limit = capacity = length), so one preallocated buffer object can carry any
     * operation to a {@code FileChannel} without allocating. The buffer must be a duplicate or
     * slice owned by the caller (never one whose memory a Cleaner frees), used by one thread.
     */
    public static void retarget(ByteBuffer direct, long address, int length) {
        UNSAFE.putLong(direct, ADDRESS_OFFSET, address);
        UNSAFE.putInt(direct, CAPACITY_OFFSET, length);
        UNSAFE.putInt(direct, LIMIT_OFFSET, length);
        UNSAFE.putInt(direct, POSITION_OFFSET, 0);
        UNSAFE.putInt(direct, MARK_OFFSET, -1);
    }

    /**
     * Where the field {@code name} of {@code type} lies in its instances, for {@link #getInt(Object, long)}:
     * how a JDK-internal field is read without {@code --add-opens} (it is located, never made accessible).
     */
    public static long fieldOffset(Class<?> type, String name) throws NoSuchFieldException {
        return UNSAFE.objectFieldOffset(type.getDeclaredField(name));
    }

    /** The int at {@code offset} (from {@link #fieldOffset}) in {@code o}. */
    public static int getInt(Object o, long offset) {
        return UNSAFE.getInt(o, offset);
    }

    /** Frees a direct buffer created by {@link ByteBuffer#allocateDirect} (not a slice). */
    public static void free(ByteBuffer direct) {
        UNSAFE.invokeCleaner(direct);
    }

    public static byte getByte(long address) {
        return UNSAFE.getByte(address);
    }

    public static void putByte(long address, byte v) {
        UNSAFE.putByte(address, v);
    }

    public static void putShort(long address, short v) {
        UNSAFE.putShort(address, v);
    }

    public static int getInt(long address) {
        return UNSAFE.getInt(address);
    }

    public static void putInt(long address, int v) {
        UNSAFE.putInt(address, v);
    }

    public static long getLong(long address) {
        return UNSAFE.getLong(address);
    }

    public static void putLong(long address, long v) {
        UNSAFE.putLong(address, v);
    }

    /** Load with acquire semantics (for ring tails written by the kernel). */
    public static int getIntAcquire(long address) {
        return UNSAFE.getIntVolatile(null, address);
    }

    /** Store with release semantics (for ring heads/tails read by the kernel). */
    public static void putIntRelease(long address, int v) {
        UNSAFE.putOrderedInt(null, address, v);
    }

    public static void fullFence() {
        UNSAFE.fullFence();
    }

    public static void setMemory(long address, long bytes, byte value) {
        UNSAFE.setMemory(address, bytes, value);
    }

    /** {@code bytes} of native memory from the C heap (large sizes: fresh pages, untouched until used). */
    public static long allocateMemory(long bytes) {
        return UNSAFE.allocateMemory(bytes);
    }

    public static void freeMemory(long address) {
        UNSAFE.freeMemory(address);
    }

    public static void copyMemory(long from, long to, long bytes) {
        UNSAFE.copyMemory(from, to, bytes);
    }
}
