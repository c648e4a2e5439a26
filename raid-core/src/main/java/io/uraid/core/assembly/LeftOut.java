package io.uraid.core.assembly;

import java.nio.file.Path;

/**
 * A device given (or found) for an array that assembly did not take as a member, and why: it
 * belongs to another array, is stale, ran apart from the others, is unreadable... The reason
 * reaches whoever asked (CLI, status, detail), not only the log.
 */
public record LeftOut(Path device, String reason) {
    @Override
    public String toString() {
        return device + " left out: " + reason;
    }
}
