package io.uraid.daemon;

import io.uraid.core.array.Member;
import io.uraid.core.array.MemberState;
import io.uraid.core.array.RaidArray;
import io.uraid.core.assembly.AssembleOptions;
import io.uraid.core.assembly.Assembler;
import io.uraid.core.assembly.GrowPlan;
import io.uraid.core.assembly.GrowSpec;
import io.uraid.core.assembly.Grower;
import io.uraid.core.assembly.OpenArray;
import io.uraid.core.sb.MdSuperblock;
import io.uraid.core.sb.MdUuid;
import io.uraid.core.sync.Redundancy;
import io.uraid.core.sync.RedundancyOptions;
import io.uraid.io.IoEngine;
import io.uraid.io.IoEngines;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * {@code uraid grow} on a running array. An array's shape (raid devices, component size,
 * bitmap) sizes everything its runtime holds (layout, leg pools, bitmap, sync windows), so a
 * shape change is made as md makes it under a frozen array, in three steps:
 * <ol>
 * <li>Check, with nothing changed: no sync pass running, and the plan ({@link GrowPlan}) accepted
 *     for the superblocks the array last wrote. A refusal leaves the array running untouched.</li>
 * <li>Faulty members are removed, through the array's membership as {@code uraid remove} does
 *     (they hold nothing the array needs; md drops only vacant slots).</li>
 * <li>The export is paused (its clients wait), the array stops cleanly, the plan is written
 *     ({@link Grower}), and the same devices are assembled again in the new shape and served.
 *     What the new shape owes then runs in the background like any other sync: a waiting spare
 *     takes a new slot and is rebuilt, the new space of a grown component is resynced.</li>
 * </ol>
 */
final class Growth {
    private static final Logger LOG = Logger.getLogger(Growth.class.getName());

    /**
     * @param next    the array as it runs now (null: it could not be started again)
     * @param summary what changed
     * @param failure why the change was not made, or null
     */
    record Result(ManagedArray next, String summary, String failure) {
    }

    private Growth() {
    }

    /**
     * Returns once a waiting spare has taken each empty slot (its rebuild started), as md starts
     * recovery at once when raid devices grow with a spare present: a {@code uraid wait} right
     * after the grow then follows that rebuild. Bounded: the rebuild goes on regardless.
     */
    private static void awaitSparesPlaced(OpenArray next) {
        long until = System.nanoTime() + 5_000_000_000L;
        while (next.redundancy().spareCount() > 0 && !next.redundancy().syncStatus().running()
                && java.util.Arrays.stream(next.array().members()).anyMatch(x -> x.device() == null)
                && System.nanoTime() < until) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * The device's size now, in sectors: a member file may have grown since it was opened
     * ({@code truncate}, then {@code grow --size max}), which the open device does not see.
     */
    private static long currentSectors(io.uraid.io.BlockDevice d) {
        try {
            if (java.nio.file.Files.isRegularFile(d.path())) {
                return java.nio.file.Files.size(d.path()) / 512;
            }
        } catch (IOException e) {
            // the open device's own size
        }
        return d.size() / 512;
    }

    /** What the daemon watches of the array being grown: told when the old one stops and the new one assembles. */
    interface Watch {
        /** The running array is about to stop: nothing its stop changes is an event. */
        void stopping();

        /** {@code next} is assembled and has not started (its watch attaches here). */
        void assembled(OpenArray next);
    }

    /**
     * @param redundancy sync settings of the array assembled again (the daemon's, as at its first assembly)
     * @param options    its runtime settings (the daemon's stripe cache size), as at its first assembly
     */
    static Result grow(ManagedArray m, GrowSpec spec, RedundancyOptions redundancy,
                       io.uraid.core.array.ArrayOptions options, Watch watch) throws IOException {
        OpenArray open = m.open();
        RaidArray array = open.array();
        Redundancy red = open.redundancy();
        var sync = red.syncStatus();
        if (sync.running()) {
            throw new IOException(m.name() + ": a " + sync.action().mdName() + " is running; grow it once that has"
                    + " ended (uraid wait " + m.name() + ")");
        }
        List<Path> paths = new ArrayList<>();
        List<MdSuperblock> superblocks = new ArrayList<>();
        List<Long> sectors = new ArrayList<>();
        List<Integer> faulty = new ArrayList<>();
        for (Member member : array.members()) {
            if (member.device() == null) {
                continue;
            }
            if (member.state() == MemberState.FAULTY) {
                faulty.add(member.role());
                continue;
            }
            if (member.state() != MemberState.IN_SYNC) {
                throw new IOException(m.name() + ": " + member.device().path() + " is being rebuilt; grow it once that"
                        + " has ended (uraid wait " + m.name() + ")");
            }
            paths.add(member.device().path());
            superblocks.add(open.superblock(member.role()));
            sectors.add(currentSectors(member.device()));
        }
        for (Redundancy.WaitingSpare s : red.waitingSpares()) {
            paths.add(s.device().path());
            superblocks.add(s.superblock());
            sectors.add(currentSectors(s.device()));
        }
        // Refusals (IllegalArgumentException: the request does not fit this array) before any change.
        String planned;
        try {
            planned = GrowPlan.of(superblocks, sectors.stream().mapToLong(Long::longValue).toArray(), spec, null)
                    .summary();
        } catch (IllegalStateException e) {
            throw new IOException(e.getMessage(), e); // refused in this state (exit 1); bad requests stay usage errors
        }
        for (int role : faulty) {
            Path dev = array.members()[role].device().path();
            if (!open.removeMember(role)) {
                throw new IOException(m.name() + ": faulty " + dev + " is still busy; try again");
            }
            LOG.warning("array " + m.name() + ": faulty " + dev + " removed before the grow");
        }
        for (var d : array.displaced()) {
            open.removeDisplaced(d.member().device().path());
        }
        String uuid = MdUuid.format(superblocks.get(0).setUuid());
        LOG.warning("array " + planned + "; pausing its export to assemble it in its new shape");
        m.target().pause();
        watch.stopping();
        String summary = null;
        String failure = null;
        try {
            open.close(); // clean: in-flight requests answered, members flushed, superblocks clean
        } catch (RuntimeException e) {
            LOG.severe("array " + m.name() + ": stop before the grow: " + e); // the export must not stay paused
        }
        try (IoEngine engine = IoEngines.openBest(8)) {
            summary = Grower.apply(engine, paths, spec);
        } catch (IOException | RuntimeException e) {
            failure = m.name() + ": grow failed (" + e.getMessage() + "); started again as it was";
        }
        OpenArray next;
        try {
            next = Assembler.assemble(paths, AssembleOptions.DEFAULT.withRun(true).withUuid(uuid).withName(m.name())
                    .withRedundancy(redundancy).withOptions(options), IoEngines.openBest(Assembler.ENGINE_ENTRIES),
                    watch::assembled);
        } catch (IOException | RuntimeException e) {
            m.target().resume(null);
            String why = (failure != null ? failure : m.name() + ": " + summary) + "; it could not be started again: "
                    + e.getMessage();
            LOG.severe("array " + why);
            return new Result(null, summary, why);
        }
        if (m.export().cache() != null) {
            m.export().cache().clear(); // a shrunk array no longer holds what was cached past its end
        }
        m.target().resume(next.array());
        awaitSparesPlaced(next);
        if (failure == null) {
            LOG.warning("array " + summary + "; running again, " + next.array().workingCount() + "/"
                    + next.array().members().length + " members in sync"
                    + (next.redundancy().spareCount() > 0 ? ", " + next.redundancy().spareCount() + " spare(s)" : ""));
        } else {
            LOG.severe("array " + failure);
        }
        return new Result(new ManagedArray(m.name(), next, m.export(), m.target()), summary, failure);
    }
}
