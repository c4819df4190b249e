package dev.parley.loadtest.net;

/**
 * How a session ended: the close code the server sent ({@code 1006} when the connection ended
 * without a close frame) and whether this harness asked for it.
 */
public record SessionClose(int code, String reason, boolean requested) {
    /** The code of a connection that ended without a close frame (RFC 6455). */
    public static final int ABNORMAL = 1006;
}
