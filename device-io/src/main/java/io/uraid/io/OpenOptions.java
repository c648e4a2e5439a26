package io.uraid.io;

/**
 * How a device is opened.
 *
 * @param readOnly  open O_RDONLY instead of O_RDWR
 * @param direct    use O_DIRECT (falls back to buffered I/O, with one warning, where refused)
 * @param exclusive claim block devices with O_EXCL, so a mounted or in-use device is refused
 */
public record OpenOptions(boolean readOnly, boolean direct, boolean exclusive) {

    /** Read-write, O_DIRECT, exclusive: what arrays use for their members. */
    public static final OpenOptions DEFAULT = new OpenOptions(false, true, true);

    /** Read-only, O_DIRECT, not exclusive: for examining members that may be in use. */
    public static final OpenOptions READ_ONLY = new OpenOptions(true, true, false);

    public OpenOptions withDirect(boolean on) {
        return new OpenOptions(readOnly, on, exclusive);
    }

    public OpenOptions withExclusive(boolean on) {
        return new OpenOptions(readOnly, direct, on);
    }
}
