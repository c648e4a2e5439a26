package io.uraid.levels.parity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.uraid.io.NativeBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The kernels against a byte-at-a-time model written from the definitions (P = XOR,
 * Q = Σ g^z·D_z with products from {@link Gf256#mul}). The kernel's own P and Q are the
 * oracle in ParityKernelOracleTest.
 */
class ParityKernelsTest {
    private final List<NativeBuffer> buffers = new ArrayList<>();
    private final Random rnd = new Random(42);

    @AfterEach
    void free() {
        buffers.forEach(NativeBuffer::close);
    }

    private NativeBuffer buffer(int len) {
        NativeBuffer b = NativeBuffer.allocate(len);
        buffers.add(b);
        return b;
    }

    private NativeBuffer random(int len) {
        NativeBuffer b = buffer(len);
        byte[] bytes = new byte[len];
        rnd.nextBytes(bytes);
        b.view().put(bytes);
        return b;
    }

    /** Random data in every slot but those {@code zero} picks (left 0: zero slots). */
    private void fillSlots(byte[][] model, long[] addr, int len, java.util.function.IntPredicate zero) {
        for (int z = 0; z < addr.length; z++) {
            if (!zero.test(z)) {
                NativeBuffer b = random(len);
                addr[z] = b.address();
                model[z] = bytes(b, len);
            }
        }
    }

    private static byte[] bytes(NativeBuffer b, int len) {
        byte[] out = new byte[len];
        b.view().get(out, 0, len);
        return out;
    }

    /** Reference Q over slots (null = zero slot). */
    private static byte[] modelQ(byte[][] slots, int len) {
        byte[] q = new byte[len];
        for (int z = 0; z < slots.length; z++) {
            if (slots[z] == null) {
                continue;
            }
            int coef = Gf256.pow2(z);
            for (int i = 0; i < len; i++) {
                q[i] ^= (byte) Gf256.mul(coef, slots[z][i]);
            }
        }
        return q;
    }

    private static byte[] modelP(byte[][] slots, int len) {
        byte[] p = new byte[len];
        for (byte[] s : slots) {
            if (s != null) {
                for (int i = 0; i < len; i++) {
                    p[i] ^= s[i];
                }
            }
        }
        return p;
    }

    @Test
    void fieldTablesFollowThePolynomial() {
        assertEquals(0x1d, Gf256.pow2(8)); // x^8 = x^4 + x^3 + x^2 + 1
        assertEquals(1, Gf256.pow2(255));
        assertEquals(Gf256.pow2(254), Gf256.inv(2));
        for (int a = 1; a < 256; a++) {
            assertEquals(1, Gf256.mul(a, Gf256.inv(a)));
            long packed = 0x0101010101010101L * a;
            assertEquals(0x0101010101010101L * Gf256.mul(a, 2), GfWords.mul2(packed), "mul2 of " + a);
        }
        assertThrows(ArithmeticException.class, () -> Gf256.inv(0));
    }

    @Test
    void xorOfManySourcesMatchesTheModelAtOddBlockBoundaries() {
        for (int len : new int[] {8, 4096, 4096 + 8, 3 * 4096 + 520}) {
            for (int count = 1; count <= 6; count++) {
                byte[][] model = new byte[count][];
                long[] src = new long[count];
                for (int j = 0; j < count; j++) {
                    NativeBuffer b = random(len);
                    src[j] = b.address();
                    model[j] = bytes(b, len);
                }
                NativeBuffer dst = random(len);
                Xor.xor(dst.address(), src, count, len);
                assertArrayEquals(modelP(model, len), bytes(dst, len), "len " + len + " count " + count);
            }
        }
    }

    @Test
    void generateMatchesTheModelWithZeroSlotsAnywhere() {
        int len = 2 * 4096 + 64;
        for (int slots = 1; slots <= 8; slots++) {
            for (int zeroMask = 0; zeroMask < (1 << slots); zeroMask += 1 + slots) {
                byte[][] model = new byte[slots][];
                long[] addr = new long[slots];
                int mask = zeroMask;
                fillSlots(model, addr, len, z -> (mask >> z & 1) != 0);
                NativeBuffer p = random(len);
                NativeBuffer q = random(len);
                Syndrome.generate(addr, slots, p.address(), q.address(), len);
                assertArrayEquals(modelP(model, len), bytes(p, len));
                assertArrayEquals(modelQ(model, len), bytes(q, len), slots + " slots, zero mask " + zeroMask);
                NativeBuffer qOnly = random(len);
                Syndrome.generate(addr, slots, 0, qOnly.address(), len);
                assertArrayEquals(modelQ(model, len), bytes(qOnly, len));
            }
        }
    }

    @Test
    void updateEqualsRegeneratingAfterTheChange() {
        int len = 4096;
        int slots = 7;
        int[][] changes = {{0}, {6}, {3}, {1, 2}, {0, 6}, {2, 4, 5}, {0, 1, 2, 3, 4, 5, 6}};
        for (int[] changed : changes) {
            long[] addr = new long[slots];
            NativeBuffer[] data = new NativeBuffer[slots];
            for (int z = 0; z < slots; z++) {
                data[z] = random(len);
                addr[z] = data[z].address();
            }
            NativeBuffer p = buffer(len);
            NativeBuffer q = buffer(len);
            Syndrome.generate(addr, slots, p.address(), q.address(), len);
            long[] olds = new long[changed.length];
            long[] news = new long[changed.length];
            for (int k = 0; k < changed.length; k++) {
                NativeBuffer old = buffer(len);
                old.view().put(data[changed[k]].view());
                NativeBuffer fresh = random(len);
                olds[k] = old.address();
                news[k] = fresh.address();
                addr[changed[k]] = fresh.address();
            }
            Syndrome.update(p.address(), q.address(), changed, olds, news, changed.length, len);
            NativeBuffer p2 = buffer(len);
            NativeBuffer q2 = buffer(len);
            Syndrome.generate(addr, slots, p2.address(), q2.address(), len);
            assertArrayEquals(bytes(p2, len), bytes(p, len));
            assertArrayEquals(bytes(q2, len), bytes(q, len), java.util.Arrays.toString(changed));
        }
        assertThrows(IllegalArgumentException.class,
                () -> Syndrome.update(0, 8, new int[] {2, 1}, new long[2], new long[2], 2, 8));
    }

    @Test
    void everyTwoLostSlotsComeBackIncludingAroundZeroSlots() {
        int len = 4096 + 16;
        for (int slots : new int[] {2, 3, 5, 8}) {
            for (int zero = -1; zero < slots; zero += 2) {
                byte[][] model = new byte[slots][];
                long[] addr = new long[slots];
                int zeroSlot = zero;
                fillSlots(model, addr, len, z -> z == zeroSlot);
                NativeBuffer p = buffer(len);
                NativeBuffer q = buffer(len);
                Syndrome.generate(addr, slots, p.address(), q.address(), len);
                byte[] pBytes = bytes(p, len);
                byte[] qBytes = bytes(q, len);
                for (int x = 0; x < slots; x++) {
                    if (x == zero) {
                        continue;
                    }
                    for (int y = x + 1; y < slots; y++) {
                        if (y == zero) {
                            continue;
                        }
                        scribble(addr[x], len);
                        scribble(addr[y], len);
                        Raid6Recovery.dataData(addr, slots, y, x, p.address(), q.address(), len);
                        assertArrayEquals(model[x], read(addr[x], len), "x " + x + " y " + y + " of " + slots);
                        assertArrayEquals(model[y], read(addr[y], len));
                    }
                    scribble(addr[x], len);
                    scribble(p.address(), len);
                    Raid6Recovery.dataP(addr, slots, x, p.address(), q.address(), len);
                    assertArrayEquals(model[x], read(addr[x], len), "data+P " + x);
                    assertArrayEquals(pBytes, bytes(p, len));
                    scribble(addr[x], len);
                    scribble(q.address(), len);
                    Raid6Recovery.dataQ(addr, slots, x, p.address(), q.address(), len);
                    assertArrayEquals(model[x], read(addr[x], len), "data+Q " + x);
                    assertArrayEquals(qBytes, bytes(q, len));
                }
            }
        }
    }

    @Test
    void refusesLengthsThatAreNotWholeWords() {
        assertThrows(IllegalArgumentException.class, () -> Xor.xor(8, new long[] {8}, 1, 12));
        assertThrows(IllegalArgumentException.class, () -> Syndrome.generate(new long[1], 1, 0, 8, 4));
    }

    private void scribble(long address, int len) {
        byte[] junk = new byte[len];
        rnd.nextBytes(junk);
        for (int i = 0; i < len; i++) {
            io.uraid.io.internal.UnsafeAccess.putByte(address + i, junk[i]);
        }
    }

    private static byte[] read(long address, int len) {
        byte[] out = new byte[len];
        for (int i = 0; i < len; i++) {
            out[i] = io.uraid.io.internal.UnsafeAccess.getByte(address + i);
        }
        return out;
    }
}
