package dev.parley.client;

/**
 * Where a {@link ParleyClient} stands. A client moves {@code CONNECTING → CONNECTED}, then
 * {@code CONNECTED → RECONNECTING → CONNECTED} as often as its connection is lost and recovered,
 * and ends in {@code CLOSED}, from which it never leaves.
 */
public enum ConnectionState {
    /** The first connection is being made; {@link ParleyClient#connect} has not completed yet. */
    CONNECTING,
    /** Welcomed by the server, every room re-joined: requests go out at once. */
    CONNECTED,
    /** The connection was lost and a new one is being made; requests wait or fail, as the options say. */
    RECONNECTING,
    /** Closed by {@link ParleyClient#close()}, by the server for good, or after giving up reconnecting. */
    CLOSED
}
