package dev.parley.server.session;

import dev.parley.protocol.Limits;

/**
 * What a session announces in {@code welcome} and enforces: the limits, the heartbeat and idle
 * intervals, how many messages a join without recovery shows, and the server's name.
 */
public record SessionSettings(Limits limits, long heartbeatMs, long idleTimeoutMs, int historyOnJoin, String server) {
}
