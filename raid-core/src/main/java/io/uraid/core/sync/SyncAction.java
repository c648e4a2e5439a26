package io.uraid.core.sync;

/** What a sync pass does (md's sync_action). */
public enum SyncAction {
    /** Nothing running. */
    IDLE,
    /** After an unclean stop: copy the first in-sync copy onto the others, where they may differ. */
    RESYNC,
    /** Read every copy and count mismatches (mismatch_cnt); write nothing. */
    CHECK,
    /** Like check, and rewrite every copy that differs from the first. */
    REPAIR,
    /** Rebuild one member (a spare that took a failed member's role, or a re-added member). */
    RECOVER;

    /** md's spelling in sync_action and /proc/mdstat. */
    public String mdName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
