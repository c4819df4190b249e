package dev.parley.client;

import dev.parley.protocol.CloseCode;

/**
 * How one connection ended.
 *
 * @param code   the WebSocket close code: the server's (see {@link CloseCode}),
 *               {@link CloseCode#ABNORMAL_CLOSURE} when the connection dropped without a close frame,
 *               -1 when it never opened, or the client's own when it gave up on a connection (such
 *               as {@link #NO_HEARTBEAT})
 * @param reason the close frame's reason, or a description of what happened; never {@code null}
 * @param remote whether the server closed the connection
 */
public record Disconnect(int code, String reason, boolean remote) {
    /** The client dropped a connection on which the server stayed silent past its heartbeat. */
    public static final int NO_HEARTBEAT = 4100;
    /** The client dropped a connection that did not complete its handshake and hello in time. */
    public static final int CONNECT_TIMEOUT = 4101;
    /** The client dropped a connection because its token supplier failed. */
    public static final int NO_TOKEN = 4102;

    public Disconnect {
        reason = reason == null ? "" : reason;
    }

    /** The Parley close code, or {@code null} when {@link #code()} is not one of the server's. */
    public CloseCode closeCode() {
        return CloseCode.of(code);
    }

    @Override
    public String toString() {
        return code + (reason.isEmpty() ? "" : " " + reason) + (remote ? " (by the server)" : "");
    }
}
