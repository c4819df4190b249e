package dev.parley.server.hooks;

/**
 * A hook request that got no usable answer: the backend refused the connection, timed out, sent a
 * redirect or more than {@link HookClient#MAX_REPLY_BYTES}, or too many requests were in flight.
 * The caller applies its policy; the message says which, for the log.
 */
public final class HookFailure extends RuntimeException {
    public HookFailure(String message, Throwable cause) {
        super(message, cause, false, false);
    }

    public HookFailure(String message) {
        this(message, null);
    }
}
