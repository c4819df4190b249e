package dev.parley.loadtest.net;

/**
 * A session that could not be opened for a reason the protocol names (closed before
 * {@code welcome}, an {@code error} reply to {@code hello}, a handshake timeout). {@link #cause()}
 * is the short text a report groups failures by.
 */
public final class SessionFailure extends RuntimeException {
    private final String cause;

    public SessionFailure(String cause) {
        super(cause, null, false, false);
        this.cause = cause;
    }

    /** The short cause, such as {@code "hello error nick_taken"}. */
    public String cause() {
        return cause;
    }
}
