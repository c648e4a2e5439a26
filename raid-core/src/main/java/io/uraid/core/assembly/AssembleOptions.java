package io.uraid.core.assembly;

import io.uraid.core.array.ArrayOptions;

/**
 * How to assemble.
 *
 * @param run     start a redundant array even when members are missing (mdadm --run)
 * @param options request-path tuning of the array
 */
public record AssembleOptions(boolean run, ArrayOptions options) {
    public static final AssembleOptions DEFAULT = new AssembleOptions(false, ArrayOptions.DEFAULT);

    public AssembleOptions withRun(boolean r) {
        return new AssembleOptions(r, options);
    }
}
