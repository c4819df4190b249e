package dev.parley.server.presence;

import dev.parley.protocol.Names;

/**
 * The Redis keys and channels of {@link RedisPresence}. A nick's, a room's or a node's keys share
 * one hash tag ({@code {…}}), so that each script's keys lie in one Redis Cluster slot.
 */
final class PresenceKeys {
    /** The rooms that have members, scored by when no node will have renewed them any more. */
    static final String ROOM_INDEX = "parley:presence:rooms";
    /** The live nodes, each scored by when it is dead unless it renews its entry (its heartbeat). */
    static final String NODES = "parley:nodes";
    /** What a SCAN for every node's index keys matches ({@link #nodeRooms}, {@link #nodeNicks}). */
    static final String NODE_INDEXES = "parley:node:{*}:*";
    private static final String NODE_PREFIX = "parley:node:{";
    private static final String ROOMS_SUFFIX = "}:rooms";
    private static final String NICKS_SUFFIX = "}:nicks";

    private PresenceKeys() {
    }

    /**
     * The claims of {@code nick}, whatever its case, as the scripts take them: its sessions (a hash
     * of {@code <node> <secret hash> <nick as spelt>} by session id) and the sessions taken over
     * lately (scored by when they are forgotten).
     */
    static String[] nick(String nick) {
        return claimsOf(Names.nickKey(nick));
    }

    /** {@link #nick} by the nick's {@link Names#nickKey}. */
    static String[] claimsOf(String nickKey) {
        String prefix = "parley:nick:{" + nickKey + "}:";
        return new String[] {prefix + "sessions", prefix + "replaced"};
    }

    /** The room's nicks, score 0, so read in nick order. */
    static String members(String room) {
        return "parley:presence:{" + room + "}:members";
    }

    /**
     * The room's members, their sessions there ({@code <nick> <session> <node>}, score 0) and how
     * many sessions each member has there (a hash by nick), as the scripts take them.
     */
    static String[] room(String room) {
        String prefix = "parley:presence:{" + room + "}:";
        return new String[] {members(room), prefix + "sessions", prefix + "counts"};
    }

    /** The rooms that node {@code nodeId} has sessions in (a set), for whoever cleans up after it. */
    static String nodeRooms(String nodeId) {
        return NODE_PREFIX + nodeId + ROOMS_SUFFIX;
    }

    /** The nicks (by {@link Names#nickKey}) that node {@code nodeId} holds claims of (a set). */
    static String nodeNicks(String nodeId) {
        return NODE_PREFIX + nodeId + NICKS_SUFFIX;
    }

    /** The lease of the node cleaning up after dead node {@code nodeId}. */
    static String nodeCleaner(String nodeId) {
        return NODE_PREFIX + nodeId + "}:cleaner";
    }

    /** The node whose {@link #nodeRooms} or {@link #nodeNicks} {@code key} is, or null for another key. */
    static String nodeOfIndex(String key) {
        if (!key.startsWith(NODE_PREFIX)) {
            return null;
        }
        String suffix = key.endsWith(ROOMS_SUFFIX) ? ROOMS_SUFFIX : key.endsWith(NICKS_SUFFIX) ? NICKS_SUFFIX : null;
        return suffix == null ? null : key.substring(NODE_PREFIX.length(), key.length() - suffix.length());
    }

    /** The channel over which other nodes ask {@code nodeId} to evict a session, and it answers. */
    static String nodeChannel(String nodeId) {
        return "parley:node:" + nodeId;
    }
}
