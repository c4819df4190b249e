package dev.parley.server.session;

import dev.parley.protocol.Limits;

/**
 * What a session announces in {@code welcome} and enforces: the limits, the heartbeat and idle
 * intervals, how many messages a join without recovery shows, the server's name, whether a
 * session closed by a graceful stop stays in its rooms' presence for a resume elsewhere, and how
 * many bytes of deliveries it may hold back behind its replies before it is closed as a slow
 * consumer (the outbound limit, {@code --max-outbound-bytes}).
 */
public record SessionSettings(Limits limits, long heartbeatMs, long idleTimeoutMs, int historyOnJoin, String server,
                              boolean keepPresenceOnStop, int maxHeldBytes) {
}
