package dev.parley.protocol;

/**
 * WebSocket close codes the server sends. 1000–1013 are RFC 6455's; 4000–4999 are Parley's own.
 */
public enum CloseCode {
    NORMAL(1000, "normal close"),
    GOING_AWAY(1001, "server shutting down"),
    PROTOCOL_ERROR(1002, "protocol error"),
    UNSUPPORTED_DATA(1003, "binary frames are not supported"),
    INVALID_PAYLOAD(1007, "invalid UTF-8"),
    POLICY_VIOLATION(1008, "policy violation"),
    MESSAGE_TOO_BIG(1009, "message too big"),
    INTERNAL_ERROR(1011, "internal error"),
    /** A room's history was lost or has a hole this connection cannot be given: reconnect and recover. */
    SERVICE_RESTART(1012, "room history lost"),
    /** Something the server asked before letting the session in (the connect hook) did not answer: retry later. */
    TRY_AGAIN_LATER(1013, "try again later"),
    IDLE_TIMEOUT(4000, "idle timeout"),
    SLOW_CONSUMER(4001, "slow consumer"),
    TOKEN_EXPIRED(4003, "token expired"),
    HELLO_TIMEOUT(4008, "hello timeout"),
    SESSION_REPLACED(4009, "session replaced");

    /** Reported for a close frame that carried no code; never sent (RFC 6455, 7.1.5). */
    public static final int NO_STATUS_RECEIVED = 1005;
    /** Reported for a connection that ended without a close frame; never sent (RFC 6455, 7.1.5). */
    public static final int ABNORMAL_CLOSURE = 1006;

    private final int code;
    private final String reason;

    CloseCode(int code, String reason) {
        this.code = code;
        this.reason = reason;
    }

    public int code() {
        return code;
    }

    /** The close frame's default reason text. */
    public String reason() {
        return reason;
    }

    /** The constant for a numeric code, or {@code null} when Parley does not define it. */
    public static CloseCode of(int code) {
        for (CloseCode c : values()) {
            if (c.code == code) {
                return c;
            }
        }
        return null;
    }
}
