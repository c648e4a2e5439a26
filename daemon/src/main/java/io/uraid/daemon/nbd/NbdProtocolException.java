package io.uraid.daemon.nbd;

import java.io.IOException;

/**
 * The peer broke a MUST of the protocol in a way that leaves the byte stream unusable (bad
 * magic, unknown client flags, absurd option length): the connection is dropped, nothing else.
 */
final class NbdProtocolException extends IOException {
    private static final long serialVersionUID = 1L;

    NbdProtocolException(String message) {
        super(message);
    }
}
