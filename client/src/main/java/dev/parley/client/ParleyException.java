package dev.parley.client;

import dev.parley.protocol.ErrorCode;

/**
 * The server refused a request: it answered with an {@code error} whose {@link #code()} is one of
 * the protocol's error codes. The connection stays usable.
 *
 * <p>It reaches applications as the cause of a failed request future (wrapped in a
 * {@link java.util.concurrent.CompletionException} by {@code join()}, or an
 * {@link java.util.concurrent.ExecutionException} by {@code get()}).
 */
public final class ParleyException extends RuntimeException {
    private final transient ErrorCode code;

    /**
     * @param code    the error code, or {@code null} when the server sent one this version does not know
     * @param message the server's message for humans
     */
    public ParleyException(ErrorCode code, String message) {
        super((code == null ? "unknown error" : code.wireName()) + ": " + message, null, true, false);
        this.code = code;
    }

    /** The protocol's error code, such as {@link ErrorCode#NICK_TAKEN}; {@code null} for a code this version does not know. */
    public ErrorCode code() {
        return code;
    }
}
