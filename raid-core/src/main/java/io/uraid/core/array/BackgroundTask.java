package io.uraid.core.array;

/**
 * Work the array's dispatcher thread runs beside client requests: write-intent bitmap
 * updates, resync, check/repair, rebuild. The dispatcher calls {@link #pump} every turn; the
 * task issues member I/O through {@link ArrayIo} and hears of each completion through
 * {@link #onComplete}. All methods run on the dispatcher thread.
 */
public interface BackgroundTask {

    /** Issues whatever I/O is due and there is room for. Returns true when it did work. */
    boolean pump(ArrayIo io);

    /** An operation issued with {@code token} completed with {@code result} (bytes or -errno). */
    void onComplete(ArrayIo io, int token, int result);

    /**
     * The array is stopping and no client request is left. Returns true once the task has
     * nothing more to write (it may issue final I/O first: it is asked again until true).
     */
    boolean closing(ArrayIo io);
}
