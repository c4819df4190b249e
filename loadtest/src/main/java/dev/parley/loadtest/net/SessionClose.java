package dev.parley.loadtest.net;

/**
 * How a session ended: the close code the server sent ({@link dev.parley.protocol.CloseCode#ABNORMAL_CLOSURE}
 * when the connection ended without a close frame) and whether this harness asked for it.
 */
public record SessionClose(int code, String reason, boolean requested) {
}
