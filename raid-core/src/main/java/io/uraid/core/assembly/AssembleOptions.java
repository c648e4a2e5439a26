package io.uraid.core.assembly;

import io.uraid.core.array.ArrayOptions;
import io.uraid.core.sync.RedundancyOptions;

/**
 * How to assemble.
 *
 * @param run        start a redundant array even when members are missing (mdadm --run)
 * @param options    request-path tuning of the array
 * @param redundancy bitmap and background sync tuning
 */
public record AssembleOptions(boolean run, ArrayOptions options, RedundancyOptions redundancy) {
    public static final AssembleOptions DEFAULT = new AssembleOptions(false, ArrayOptions.DEFAULT);

    public AssembleOptions(boolean run, ArrayOptions options) {
        this(run, options, RedundancyOptions.DEFAULT);
    }

    public AssembleOptions withRun(boolean r) {
        return new AssembleOptions(r, options, redundancy);
    }

    public AssembleOptions withRedundancy(RedundancyOptions r) {
        return new AssembleOptions(run, options, r);
    }
}
