import io.uraid.core.api.BlockTarget;
import io.uraid.core.api.IoCallback;
import io.uraid.daemon.nbd.Endpoint;
import io.uraid.daemon.nbd.NbdExport;
import io.uraid.daemon.nbd.NbdServer;
import java.lang.reflect.Field;

/**
 * Bench harness (run as a single-file program by nbd-server-only.sh): uraid's NBD server over a
 * RAM target that copies synchronously, so fio measures the NBD layer alone. Usage: SOCKET SIZE_MIB
 */
public class MemoryExport {
    public static void main(String[] args) throws Exception {
        Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
        f.setAccessible(true);
        sun.misc.Unsafe u = (sun.misc.Unsafe) f.get(null);
        long size = Long.parseLong(args[1]) << 20;
        long base = u.allocateMemory(size);
        u.setMemory(base, size, (byte) 0);
        BlockTarget ram = new BlockTarget() {
            public long size() { return size; }
            public int blockSize() { return 512; }
            public void read(long o, int l, long a, IoCallback cb, long tag) { u.copyMemory(base + o, a, l); cb.done(tag, 0); }
            public void write(long o, int l, long a, int fl, IoCallback cb, long tag) { u.copyMemory(a, base + o, l); cb.done(tag, 0); }
            public void flush(IoCallback cb, long tag) { cb.done(tag, 0); }
            public void discard(long o, long l, IoCallback cb, long tag) { u.setMemory(base + o, l, (byte) 0); cb.done(tag, 0); }
        };
        NbdServer server = new NbdServer();
        server.listen(Endpoint.parse("unix:" + args[0]));
        server.addExport(new NbdExport("mem", ram, false));
        Thread.sleep(Long.MAX_VALUE);
    }
}
