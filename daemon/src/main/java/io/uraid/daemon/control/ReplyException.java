package io.uraid.daemon.control;

import java.io.IOException;

/**
 * A command that failed but still has output to show, e.g. {@code status} while a config array
 * is not running: the client prints the output, then the one-line error, and exits 1.
 */
public final class ReplyException extends IOException {
    private static final long serialVersionUID = 1L;
    private final String body;

    public ReplyException(String message, String body) {
        super(message);
        this.body = body;
    }

    /** The command's output, sent after the error line. */
    public String body() {
        return body;
    }
}
