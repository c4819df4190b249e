package dev.parley.protocol;

/**
 * A command the server cannot accept. It becomes an {@code error} reply carrying {@link #code()}
 * and, where the command had a readable one, its {@link #id()}.
 */
public final class ProtocolException extends Exception {
    private final ErrorCode code;
    private final transient RequestId id;

    public ProtocolException(ErrorCode code, RequestId id, String message) {
        super(message, null, false, false);
        this.code = code;
        this.id = id;
    }

    public ErrorCode code() {
        return code;
    }

    /** The failed command's id, or {@code null}. */
    public RequestId id() {
        return id;
    }

    /** The {@code error} event that reports this failure. */
    public ServerEvent.Error toEvent() {
        return new ServerEvent.Error(id, code, getMessage());
    }
}
