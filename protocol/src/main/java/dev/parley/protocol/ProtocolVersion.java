package dev.parley.protocol;

/** Where and under which name the protocol is spoken. */
public final class ProtocolVersion {
    /** The HTTP path that upgrades to a WebSocket. */
    public static final String WEBSOCKET_PATH = "/ws";
    /** The WebSocket subprotocol the server selects when a client offers it. */
    public static final String SUBPROTOCOL = "parley.v1";

    private ProtocolVersion() {
    }
}
