package dev.parley.client;

/**
 * A request or the client itself failed because of the connection rather than the server's
 * answer: the first connection could not be made, the connection was lost before a reply came, a
 * request was made while reconnecting with {@link WhileReconnecting#FAIL}, or the
 * client has closed for good. {@link #disconnect()} tells how the connection ended, where it did.
 */
public final class ParleyConnectionException extends RuntimeException {
    private final transient Disconnect disconnect;

    public ParleyConnectionException(String message, Disconnect disconnect) {
        super(disconnect == null ? message : message + " (" + disconnect + ")", null, true, false);
        this.disconnect = disconnect;
    }

    public ParleyConnectionException(String message, Throwable cause) {
        super(message, cause, true, false);
        this.disconnect = null;
    }

    /** How the connection ended, or {@code null} when this failure is not about a closed connection. */
    public Disconnect disconnect() {
        return disconnect;
    }
}
