package io.uraid.core.assembly;

import io.uraid.core.array.ArrayOptions;
import io.uraid.core.sync.RedundancyOptions;

/**
 * How to assemble.
 *
 * @param run        start a redundant array even when members it expects are missing (mdadm --run)
 * @param options    request-path tuning of the array
 * @param redundancy bitmap and background sync tuning
 * @param uuid       when not null, the array UUID the members must carry (a config line's
 *                   {@code UUID=}); devices with another one are left out, untouched
 * @param readOnly   only read: members are opened read-only and nothing is written to them
 *                   (no superblock update, no bitmap, no resync), as {@code uraid io --verify} needs
 * @param name       the name the array runs as (recorded in its host-wide claim); null: the
 *                   name in its superblock
 * @param force      start a raid4/5/6 array that is both dirty and degraded (mdadm --force; md's
 *                   start_dirty_degraded): its parity may not match its data, so the missing
 *                   members' bytes rebuilt from it may be wrong
 */
public record AssembleOptions(boolean run, ArrayOptions options, RedundancyOptions redundancy, String uuid,
                              boolean readOnly, String name, boolean force) {
    public static final AssembleOptions DEFAULT = new AssembleOptions(false, ArrayOptions.DEFAULT);

    public AssembleOptions(boolean run, ArrayOptions options) {
        this(run, options, RedundancyOptions.DEFAULT);
    }

    public AssembleOptions(boolean run, ArrayOptions options, RedundancyOptions redundancy) {
        this(run, options, redundancy, null, false, null, false);
    }

    public AssembleOptions(boolean run, ArrayOptions options, RedundancyOptions redundancy, String uuid,
                           boolean readOnly, String name) {
        this(run, options, redundancy, uuid, readOnly, name, false);
    }

    public AssembleOptions withForce(boolean f) {
        return new AssembleOptions(run, options, redundancy, uuid, readOnly, name, f);
    }

    public AssembleOptions withRun(boolean r) {
        return new AssembleOptions(r, options, redundancy, uuid, readOnly, name, force);
    }

    public AssembleOptions withOptions(ArrayOptions o) {
        return new AssembleOptions(run, o, redundancy, uuid, readOnly, name, force);
    }

    public AssembleOptions withRedundancy(RedundancyOptions r) {
        return new AssembleOptions(run, options, r, uuid, readOnly, name, force);
    }

    /** Members must carry array UUID {@code u} (mdadm's {@code --uuid}); null: any one array. */
    public AssembleOptions withUuid(String u) {
        return new AssembleOptions(run, options, redundancy, u, readOnly, name, force);
    }

    public AssembleOptions withReadOnly(boolean ro) {
        return new AssembleOptions(run, options, redundancy, uuid, ro, name, force);
    }

    public AssembleOptions withName(String n) {
        return new AssembleOptions(run, options, redundancy, uuid, readOnly, n, force);
    }
}
