package dev.parley.server.backend;

/**
 * A request failed because something the server depends on (the cluster's Redis) is out of reach
 * or too slow; nothing was done. Sessions answer it with {@code error unavailable} and stay open.
 */
public final class UnavailableException extends RuntimeException {

    /** Without a stack trace: under overload these are many (every refused send), and the message says where. */
    public UnavailableException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
