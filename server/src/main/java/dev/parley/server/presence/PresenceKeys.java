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

    /** The claim of {@code nick}, whatever its case: {@code <node> <session> <secret hash>}. */
    static String nick(String nick) {
        return "parley:nick:{" + Names.nickKey(nick) + '}';
    }

    /** The room's nicks, score 0, so read in nick order. */
    static String members(String room) {
        return "parley:presence:{" + room + "}:members";
    }

    /** The room's members and their expiries (the same nicks scored by expiry time), as the scripts take them. */
    static String[] room(String room) {
        return new String[] {members(room), "parley:presence:{" + room + "}:expiry"};
    }

    /** The channel over which other nodes ask {@code nodeId} to evict a session, and it answers. */
    static String nodeChannel(String nodeId) {
        return "parley:node:" + nodeId;
    }
}
