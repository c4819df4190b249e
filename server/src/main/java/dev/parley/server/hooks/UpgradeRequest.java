package dev.parley.server.hooks;

/**
 * What the connect hook is told of a connection's WebSocket upgrade request: the client address
 * (as {@code limits.ClientAddresses} resolved it) and its {@code Cookie}, {@code Origin} and
 * {@code User-Agent} headers, each null when absent. Kept by a session only while a connect hook is
 * configured, and only until its {@code welcome}.
 */
public record UpgradeRequest(String address, String cookie, String origin, String userAgent) {
}
