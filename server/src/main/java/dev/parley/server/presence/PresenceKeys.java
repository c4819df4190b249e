package dev.parley.server.presence;

import dev.parley.protocol.Names;

/**
 * The Redis keys and channels of {@link RedisPresence}. A nick's or a room's keys share one hash
 * tag ({@code {…}}), so that each script's keys lie in one Redis Cluster slot.
 */
final class PresenceKeys {
    /** The rooms that have members, scored by when no node will have refreshed them any more. */
    static final String ROOM_INDEX = "parley:presence:rooms";

    private PresenceKeys() {
    }

    /**
     * The claims of {@code nick}, whatever its case, as the scripts take them: its sessions (a hash
     * of {@code <node> <secret hash> <nick as spelt>} by session id), their expiries (scored by
     * expiry time), and the sessions taken over lately (scored by when they are forgotten).
     */
    static String[] nick(String nick) {
        String prefix = "parley:nick:{" + Names.nickKey(nick) + "}:";
        return new String[] {prefix + "sessions", prefix + "expiry", prefix + "replaced"};
    }

    /** The room's nicks, score 0, so read in nick order. */
    static String members(String room) {
        return "parley:presence:{" + room + "}:members";
    }

    /**
     * The room's members, their sessions there ({@code <nick> <session>} scored by expiry time) and
     * how many sessions each member has there (a hash by nick), as the scripts take them.
     */
    static String[] room(String room) {
        String prefix = "parley:presence:{" + room + "}:";
        return new String[] {members(room), prefix + "sessions", prefix + "counts"};
    }

    /** The channel over which other nodes ask {@code nodeId} to evict a session, and it answers. */
    static String nodeChannel(String nodeId) {
        return "parley:node:" + nodeId;
    }
}
