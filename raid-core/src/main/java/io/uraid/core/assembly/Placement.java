package io.uraid.core.assembly;

import io.uraid.core.sb.MdConstants;
import io.uraid.core.sb.MdSuperblock;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.logging.Logger;

/**
 * Where each device of one array goes, as md decides it: the newest superblock (highest events)
 * gives every slot its role; a device it does not list as active, or whose events fall behind,
 * is left out (and closed), never merged. What is left: the member of each role, the devices
 * replacing a role's member, the waiting spares.
 */
final class Placement {
    private static final Logger LOG = Logger.getLogger(Placement.class.getName());

    final MdSuperblock newest;
    final int disks;
    final MemberDevice[] byRole;
    final MemberDevice[] replacing;
    /** Waiting spares by slot. */
    final Map<Integer, MemberDevice> spares = new TreeMap<>();
    /** Devices that took a role (members and replacements). */
    final List<MemberDevice> used = new ArrayList<>();

    private Placement(MdSuperblock newest) {
        this.newest = newest;
        this.disks = newest.raidDisks();
        this.byRole = new MemberDevice[disks];
        this.replacing = new MemberDevice[disks];
    }

    static Placement of(List<MemberDevice> found, List<LeftOut> leftOut) throws IOException {
        MemberDevice newestDev = found.get(0);
        for (MemberDevice m : found) {
            if (m.superblock().events() > newestDev.superblock().events()) {
                newestDev = m;
            }
        }
        Placement p = new Placement(newestDev.superblock());
        p.place(found, newestDev, leftOut);
        return p;
    }

    private void place(List<MemberDevice> found, MemberDevice newestDev, List<LeftOut> leftOut) throws IOException {
        List<MemberDevice> halfJoined = new ArrayList<>();
        for (MemberDevice m : found) {
            int role = newest.devRole(m.slot());
            String dev = m.device().path().toString();
            if (isSpare(m, role)) {
                // A spare holds no data, so its events may lag (a stop cut short before its
                // superblock was refreshed), as the kernel allows; the newest table must still
                // call its slot spare.
                MemberDevice other = spares.put(m.slot(), m);
                if (other != null) {
                    throw new IOException(dev + " and " + other.device().path() + " both claim spare slot " + m.slot());
                }
                continue;
            }
            // One event behind is a superblock update cut short by a crash: md (kernel and mdadm)
            // still takes such a member; its role comes from the newest superblock, so a member
            // that update declared faulty stays out, and the resync evens out the rest.
            if (m.superblock().events() + 1 < newest.events()) {
                leave(m, "stale (events " + m.superblock().events() + ", the array is at " + newest.events()
                        + " on " + newestDev.device().path() + "); not merged: add it back to rebuild it", leftOut);
            } else if (role >= MdConstants.ROLE_MAX) {
                leave(m, "the newest superblock (" + newestDev.device().path() + ", events " + newest.events()
                        + ") lists its slot as " + (role == MdConstants.ROLE_FAULTY ? "faulty" : "not active")
                        + ": it failed, or the array ran without it; not merged: add it back to rebuild it", leftOut);
            } else if (role >= disks) {
                throw new IOException(dev + ": role " + role + " is outside the array's " + disks + " raid devices");
            } else if (joinedBeforeItsOwnUpdate(m)) {
                halfJoined.add(m);
            } else if (m.superblock().hasFeature(MdConstants.FEATURE_REPLACEMENT)) {
                if (replacing[role] != null) {
                    throw new IOException(dev + " and " + replacing[role].device().path() + " both replace role "
                            + role);
                }
                replacing[role] = m;
                used.add(m);
            } else if (byRole[role] != null) {
                throw new IOException(dev + " and " + byRole[role].device().path() + " both claim role " + role);
            } else {
                byRole[role] = m;
                used.add(m);
            }
        }
        for (MemberDevice m : used) {
            if (spares.containsKey(m.slot())) {
                throw new IOException(spares.get(m.slot()).device().path() + " claims slot " + m.slot()
                        + " of active member " + m.device().path());
            }
        }
        for (MemberDevice m : halfJoined) {
            // A crash cut short the update that gave it a role: it holds nothing yet. It is the
            // role's member being rebuilt (from 0) if the role is free, else a spare again.
            int role = newest.devRole(m.slot());
            if (byRole[role] == null) {
                byRole[role] = m;
                used.add(m);
            } else if (spares.putIfAbsent(m.slot(), m) != null) {
                throw new IOException(m.device().path() + " and " + spares.get(m.slot()).device().path()
                        + " both claim slot " + m.slot());
            }
        }
        for (int r = 0; r < disks; r++) {
            if (replacing[r] != null && byRole[r] == null) {
                byRole[r] = replacing[r]; // the member it replaced is gone: it is the role's member being rebuilt
                replacing[r] = null;
            }
        }
    }

    /** Closes a device assembly does not take, noting why (log and {@link LeftOut}). */
    static void leave(MemberDevice m, String reason, List<LeftOut> leftOut) {
        LOG.warning(m.device().path() + ": " + reason);
        leftOut.add(new LeftOut(m.device().path(), reason));
        try {
            m.device().close();
        } catch (IOException e) {
            LOG.warning(m.device().path() + ": close failed: " + e.getMessage());
        }
    }

    /** How many roles the newest superblock lists with an active device (mdadm's expected count). */
    int expectedRoles() {
        boolean[] listed = new boolean[disks];
        for (int role : newest.devRoles()) {
            if (role < disks) {
                listed[role] = true;
            }
        }
        int n = 0;
        for (boolean b : listed) {
            n += b ? 1 : 0;
        }
        return n;
    }

    /**
     * The slots the newest superblock gives a role (or calls faulty) whose device is not in the
     * array now: absent, or left out. md's superblock update lists such a slot as no device
     * (0xffff), so {@code mdadm --examine} shows the role missing ({@code Array State : A.}) and
     * the device, should it come back, is not taken as current.
     */
    Set<Integer> absentSlots(Set<Integer> present) {
        Set<Integer> absent = new HashSet<>();
        int[] roles = newest.devRoles();
        for (int s = 0; s < roles.length; s++) {
            if (roles[s] != MdConstants.ROLE_SPARE && !present.contains(s)) {
                absent.add(s);
            }
        }
        return absent;
    }

    /** Its own superblock still calls it a spare and carries no progress, the newest table gave it a role. */
    private static boolean joinedBeforeItsOwnUpdate(MemberDevice m) {
        return m.superblock().devRole(m.slot()) == MdConstants.ROLE_SPARE
                && !m.superblock().hasFeature(MdConstants.FEATURE_RECOVERY_OFFSET);
    }

    /** Both the newest table and the device's own superblock call its slot a spare. */
    private static boolean isSpare(MemberDevice m, int newestRole) {
        return newestRole == MdConstants.ROLE_SPARE && m.superblock().devRole(m.slot()) == MdConstants.ROLE_SPARE
                && m.slot() < Math.min(m.superblock().maxDev(), MdConstants.V1_MAX_DEVS);
    }
}
