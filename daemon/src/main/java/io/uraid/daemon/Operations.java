package io.uraid.daemon;

import io.uraid.core.array.Member;
import io.uraid.core.array.MemberState;
import io.uraid.io.remote.DevicePaths;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * The management verbs of the control socket. Each takes the words the CLI sent and returns
 * the text to print; a failure is an exception whose message is the one-line error.
 */
public final class Operations {
    private static final Logger LOG = Logger.getLogger(Operations.class.getName());
    private final Daemon daemon;

    Operations(Daemon daemon) {
        this.daemon = daemon;
    }

    /**
     * Runs one command.
     *
     * @throws IllegalArgumentException for bad usage (unknown verb, missing arguments)
     * @throws IOException              when the command fails
     */
    public String execute(List<String> words) throws IOException {
        if (words.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        String verb = words.get(0);
        List<String> args = words.subList(1, words.size());
        switch (verb) {
            case "ping":
                return "uraid daemon running, " + daemon.arrays().size() + " array(s)"
                        + (daemon.notStarted().isEmpty() ? "" : "; config array(s) NOT running: "
                        + String.join(", ", daemon.notStarted().keySet())) + "\n";
            case "assemble":
                return assemble(args);
            case "stop":
                return stop(args);
            case "status":
                return status();
            case "detail":
                if (args.equals(List.of("--scan"))) {
                    return Reports.scan(daemon.arrays());
                }
                if (args.isEmpty() || args.size() > 2 || args.size() == 2 && !args.get(1).equals("--json")) {
                    throw new IllegalArgumentException("usage: detail NAME [--json] | detail --scan");
                }
                ManagedArray m = daemon.get(args.get(0));
                return args.size() == 2 ? AssemblyReport.json(Reports.detailJson(m, daemon.nbd().endpoints()), m)
                        : AssemblyReport.detail(Reports.detail(m, daemon.nbd().endpoints()), m);
            case "fail":
                return fail(args);
            case "remove":
                return remove(args);
            case "add":
                return add(args);
            case "flags":
                return flags(args);
            case "readonly":
            case "readwrite":
                return access(verb.equals("readonly"), args);
            case "owner":
                need(args, 1, "owner DEV");
                return owner(Path.of(args.get(0)));
            case "check":
                return new SyncVerbs(daemon).scrub(io.uraid.core.sync.SyncAction.CHECK, args);
            case "repair":
                return new SyncVerbs(daemon).scrub(io.uraid.core.sync.SyncAction.REPAIR, args);
            case "replace":
                return new SyncVerbs(daemon).replace(args);
            case "grow":
                if (args.size() < 2) {
                    throw new IllegalArgumentException("usage: grow NAME --raid-devices N | --size max|BYTES"
                            + " [--array-size BYTES] | --bitmap internal|none [--bitmap-chunk BYTES]");
                }
                return daemon.grow(args.get(0), io.uraid.core.assembly.GrowSpec.parse(args.subList(1, args.size())))
                        + "\n";
            default:
                throw new IllegalArgumentException("unknown command '" + verb + "'");
        }
    }

    private String stop(List<String> args) throws IOException {
        boolean force = args.size() == 2 && args.get(1).equals("--force");
        if (args.size() != (force ? 2 : 1)) {
            throw new IllegalArgumentException("usage: stop NAME [--force]");
        }
        daemon.stop(args.get(0), force);
        return "stopped " + args.get(0) + "\n";
    }

    /** mdstat, plus the config arrays that are not running: then it fails (the daemon is not healthy). */
    private String status() throws IOException {
        var notStarted = daemon.notStarted();
        List<ManagedArray> arrays = daemon.arrays();
        String text = Reports.mdstat(arrays) + AssemblyReport.statusTrailer(arrays, notStarted);
        if (!notStarted.isEmpty()) {
            throw new io.uraid.daemon.control.ReplyException(notStarted.size() + " config array(s) not running: "
                    + String.join(", ", notStarted.keySet()), text);
        }
        return text;
    }

    /** Receives the text of a streaming answer. */
    public interface Sink {
        void write(String text) throws IOException;
    }

    /** Sends the "ok" that opens a streaming answer. */
    public interface Opener {
        void open() throws IOException;
    }

    /**
     * {@code monitor [--test] [--oneshot] [--from SEQ]}: one JSON line per md event
     * ({@code {"seq":12,"time":MILLIS,"event":"Fail","array":"data","component":"/dev/sdc"}}), in
     * order, until the client goes away or the daemon stops. It starts with the events published
     * after the "ok" (the follower's place in the event log is taken before it), or with event
     * number SEQ when the daemon still holds it (1: the first since it started); events the
     * daemon no longer holds are counted in a {@code {"lost":N}} line. {@code --test} first sends a
     * TestMessage for every array (to the program and the log too); {@code --oneshot} ends once
     * every event published so far has been sent.
     */
    public void follow(List<String> args, Opener ok, Sink out) throws IOException {
        boolean test = false;
        boolean oneshot = false;
        long from = -1;
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--test" -> test = true;
                case "--oneshot" -> oneshot = true;
                case "--from" -> {
                    if (i + 1 == args.size() || !args.get(i + 1).matches("\\d{1,18}")) {
                        throw new IllegalArgumentException("monitor --from takes an event number");
                    }
                    from = Long.parseLong(args.get(++i));
                }
                default -> throw new IllegalArgumentException("usage: monitor [--test] [--oneshot] [--from SEQ]");
            }
        }
        var log = daemon.events().log();
        long next = from >= 0 ? from : log.next();
        ok.open();
        if (test && daemon.monitor() != null) {
            daemon.monitor().test();
        }
        long end = log.next(); // --oneshot: everything published up to here, the test messages included
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        try {
            while (!daemon.isClosed() && !(oneshot && next >= end)) {
                var batch = log.read(next, 256, 500);
                if (batch.lost() > 0) {
                    out.write(mapper.writeValueAsString(mapper.createObjectNode().put("lost", batch.lost())) + "\n");
                }
                StringBuilder lines = new StringBuilder();
                for (var en : batch.entries()) {
                    var e = en.event();
                    lines.append(mapper.writeValueAsString(mapper.createObjectNode().put("seq", en.seq())
                            .put("time", e.millis()).put("event", e.event()).put("array", e.array())
                            .put("component", e.component()))).append('\n');
                }
                if (lines.length() > 0) {
                    out.write(lines.toString());
                }
                next = batch.next();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code readonly NAME} / {@code readwrite NAME}: what NBD clients may do with the export. */
    private String access(boolean readOnly, List<String> args) throws IOException {
        need(args, 1, (readOnly ? "readonly" : "readwrite") + " NAME");
        ManagedArray m = daemon.get(args.get(0));
        if (m.export().readOnly() == readOnly) {
            return m.name() + " is already " + (readOnly ? "read-only" : "read-write") + "\n";
        }
        m.export().setReadOnly(readOnly);
        if (readOnly) {
            // What clients wrote before is on the members before we say it is read-only.
            var done = new java.util.concurrent.CompletableFuture<Integer>();
            m.array().flush((tag, result) -> done.complete(result), 0);
            try {
                int r = done.get(30, java.util.concurrent.TimeUnit.SECONDS);
                if (r < 0) {
                    LOG.warning("array " + m.name() + ": flush before read-only failed: errno " + -r);
                }
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                LOG.warning("array " + m.name() + ": flush before read-only: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        LOG.warning("array " + m.name() + ": export " + (readOnly ? "read-only" : "read-write") + " by request");
        return m.name() + " is now " + (readOnly ? "read-only" : "read-write") + "\n";
    }

    /** {@code owner DEV}: the name of the running array DEV belongs to (member, replacement or spare), or nothing. */
    private String owner(Path device) {
        Path wanted = real(device);
        for (ManagedArray m : daemon.arrays()) {
            var s = io.uraid.core.report.ArrayStatus.of(m.name(), m.open());
            List<String> paths = new ArrayList<>();
            s.members().forEach(x -> paths.add(x.path()));
            s.replacements().forEach(x -> paths.add(x.path()));
            s.spares().forEach(x -> paths.add(x.path()));
            for (String p : paths) {
                if (p != null && real(Path.of(p)).equals(wanted)) {
                    return m.name() + "\n";
                }
            }
        }
        return "";
    }

    private static Path real(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    private String assemble(List<String> args) throws IOException {
        boolean run = false;
        boolean force = false;
        List<String> rest = new ArrayList<>();
        for (String a : args) {
            if (a.equals("--run") || a.equals("-R")) {
                run = true;
            } else if (a.equals("--force") || a.equals("-f")) {
                force = true;
            } else {
                rest.add(a);
            }
        }
        if (rest.size() < 2) {
            throw new IllegalArgumentException("usage: assemble NAME DEV... [--run] [--force]");
        }
        List<Path> devices = new ArrayList<>();
        for (String d : rest.subList(1, rest.size())) {
            devices.add(DevicePaths.of(d));
        }
        ManagedArray m = daemon.assemble(rest.get(0), devices, run, force, null);
        int spares = m.open().redundancy().spareCount();
        long rebuilding = java.util.Arrays.stream(m.array().members())
                .filter(x -> x.state() == MemberState.REBUILDING).count();
        StringBuilder reply = new StringBuilder(m.name() + " has been started with " + m.array().workingCount()
                + " drive(s) (out of " + m.array().members().length + ")"
                + (rebuilding > 0 ? ", " + rebuilding + " rebuilding" : "")
                + (spares > 0 ? " and " + spares + " spare(s)" : "") + "\n");
        String degraded = AssemblyReport.degraded(m.array());
        if (degraded != null) {
            reply.append("warning: started ").append(degraded).append('\n');
        }
        for (var l : m.open().leftOut()) {
            reply.append(l).append('\n');
        }
        return reply.toString();
    }

    /** The running array named by {@code args[0]} and the role of member {@code args[1]}. */
    private record Target(ManagedArray array, int role) {
    }

    private Target member(List<String> args, String usage) throws IOException {
        need(args, 2, usage);
        ManagedArray m = daemon.get(args.get(0));
        int role = m.roleOf(DevicePaths.of(args.get(1)));
        if (role < 0) {
            throw new IOException(args.get(1) + " is not a member of " + m.name());
        }
        return new Target(m, role);
    }

    private String fail(List<String> args) throws IOException {
        Target t = member(args, "fail NAME DEV");
        ManagedArray m = t.array();
        int role = t.role();
        Member member = m.array().members()[role];
        if (member.state() != MemberState.IN_SYNC) {
            return "set " + args.get(1) + " faulty in " + m.name() + " (it already was)\n";
        }
        // RaidArray.fail only guards redundant levels; a striped array would lose data outright.
        if (!m.array().level().redundant() || !m.array().fail(role)) {
            throw new IOException("refusing to fail " + args.get(1) + ": " + m.name()
                    + " would lose data without it");
        }
        LOG.warning("array " + m.name() + ": " + args.get(1) + " set faulty by request");
        return "set " + args.get(1) + " faulty in " + m.name() + "\n";
    }

    private String remove(List<String> args) throws IOException {
        need(args, 2, "remove NAME DEV");
        ManagedArray spareOf = daemon.get(args.get(0));
        Path path = DevicePaths.of(args.get(1));
        if (spareOf.roleOf(path) < 0 && spareOf.open().removeSpare(path)) {
            LOG.warning("array " + spareOf.name() + ": spare " + args.get(1) + " removed by request");
            return "hot removed " + args.get(1) + " from " + spareOf.name() + "\n";
        }
        if (spareOf.roleOf(path) < 0 && spareOf.open().isDisplaced(path)) { // replaced, or its role taken by a spare
            if (!onceIdle(() -> spareOf.open().removeDisplaced(path))) {
                throw new IOException(args.get(1) + " is still busy; try again");
            }
            LOG.warning("array " + spareOf.name() + ": faulty " + args.get(1) + " removed by request");
            return "hot removed " + args.get(1) + " from " + spareOf.name() + "\n";
        }
        Target t = member(args, "remove NAME DEV");
        ManagedArray m = t.array();
        int role = t.role();
        if (m.array().members()[role].state() != MemberState.FAULTY) {
            throw new IOException(args.get(1) + " is an active member of " + m.name() + "; fail it first");
        }
        if (!onceIdle(() -> m.open().removeMember(role))) {
            throw new IOException(args.get(1) + " is still busy; try again");
        }
        LOG.warning("array " + m.name() + ": " + args.get(1) + " removed by request");
        return "hot removed " + args.get(1) + " from " + m.name() + "\n";
    }

    /**
     * mdadm --add: the failed member itself is re-added (rebuilt from the other copies, only the
     * chunks written meanwhile when there is a bitmap); any other device becomes a hot spare that
     * takes a role without a working member and is rebuilt in the background.
     */
    private String add(List<String> all) throws IOException {
        if (all.size() < 2) {
            throw new IllegalArgumentException("usage: add NAME DEV [write-mostly] [failfast]");
        }
        int setFlags = MemberFlags.parse(all.subList(2, all.size()), true)[0];
        List<String> args = all.subList(0, 2);
        ManagedArray m = daemon.get(args.get(0));
        if (!m.array().level().redundant()) {
            throw new IOException(m.name() + " is " + m.array().level().name() + ": it has no redundancy to rebuild");
        }
        Path dev = DevicePaths.of(args.get(1));
        int role = m.roleOf(dev);
        if (role >= 0) {
            if (m.array().members()[role].state() != MemberState.FAULTY || !m.open().reAdd(role)) {
                throw new IOException(args.get(1) + " is already an active member of " + m.name());
            }
            if (setFlags != 0) {
                m.array().setDevflags(role, m.array().members()[role].devflags() | setFlags);
            }
            LOG.warning("array " + m.name() + ": " + args.get(1) + " re-added, rebuilding");
            return "re-added " + args.get(1) + " to " + m.name() + "\n";
        }
        try (var prepare = io.uraid.io.IoEngines.openBest(8)) {
            m.open().addSpare(dev, prepare, false, setFlags);
        }
        LOG.warning("array " + m.name() + ": " + args.get(1) + " added as a spare");
        return "added " + args.get(1) + " to " + m.name() + "\n";
    }

    /**
     * {@code flags NAME DEV WORD...}: sets or clears md's write-mostly and failfast flags of a
     * member at runtime, as {@code mdadm --writemostly/--readwrite/--failfast/--nofailfast} do;
     * the superblocks record them.
     */
    private String flags(List<String> args) throws IOException {
        if (args.size() < 3) {
            throw new IllegalArgumentException("usage: flags NAME DEV write-mostly|readwrite|failfast|nofailfast...");
        }
        int[] change = MemberFlags.parse(args.subList(2, args.size()), false);
        ManagedArray m = daemon.get(args.get(0));
        int role = m.roleOf(DevicePaths.of(args.get(1)));
        if (role < 0) {
            throw new IOException(args.get(1) + " is not a member of " + m.name());
        }
        if (m.array().level().mdLevel() != 1 && m.array().level().mdLevel() != 10) {
            throw new IOException(m.name() + " is " + m.array().level().name() + ": member flags are for raid1 and raid10");
        }
        int flags = (m.array().members()[role].devflags() | change[0]) & ~change[1];
        m.array().setDevflags(role, flags);
        LOG.info("array " + m.name() + ": " + args.get(1) + " flags now " + MemberFlags.describe(flags));
        return args.get(1) + " in " + m.name() + ": " + MemberFlags.describe(flags) + "\n";
    }

    /** A removal that a faulty device's legs still in flight hold up. */
    private interface Removal {
        boolean remove() throws IOException;
    }

    /**
     * Retries {@code removal} while the device still has legs in flight (they complete or fail
     * within moments of the failure), as mdadm retries a hot remove the kernel finds busy;
     * false when it is still busy after {@link #REMOVE_PATIENCE_MILLIS}.
     */
    private static boolean onceIdle(Removal removal) throws IOException {
        long until = System.nanoTime() + REMOVE_PATIENCE_MILLIS * 1_000_000L;
        while (!removal.remove()) {
            if (System.nanoTime() - until > 0) {
                return false;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the device's I/O to end");
            }
        }
        return true;
    }

    private static final long REMOVE_PATIENCE_MILLIS = 5_000;

    private static void need(List<String> args, int n, String usage) {
        if (args.size() != n) {
            throw new IllegalArgumentException("usage: " + usage);
        }
    }
}
