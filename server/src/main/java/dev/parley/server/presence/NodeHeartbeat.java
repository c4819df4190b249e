package dev.parley.server.presence;

import dev.parley.server.redis.LuaScript;
import dev.parley.server.redis.Redis;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * This node's entry in {@link PresenceKeys#NODES}, which says it is alive for a ttl after each
 * renewal: one command a round, whatever the number of sessions, that also tells which nodes died.
 */
final class NodeHeartbeat {
    private static final LuaScript BEAT = LuaScript.fromResources("presence/now", "presence/heartbeat");
    /** Keys a SCAN step looks at. */
    private static final int SCAN_COUNT = 1000;

    /** How this node's entry was found when renewed. */
    enum Found { ALIVE, LAPSED, MISSING }

    /** A renewal's answer: this node's entry as found, the nodes whose entries lapsed, and the suspects without one. */
    record Beat(Found found, List<String> dead, List<String> absent) {
    }

    private final Redis redis;
    private final String nodeId;
    private final String ttlMs;

    NodeHeartbeat(Redis redis, String nodeId, Duration ttl) {
        this.redis = redis;
        this.nodeId = nodeId;
        this.ttlMs = Long.toString(ttl.toMillis());
    }

    /** Renews this node's entry for a ttl, and asks which of {@code suspects} have no entry. */
    @SuppressWarnings("unchecked")
    CompletableFuture<Beat> beat(Collection<String> suspects) {
        List<String> args = new ArrayList<>(List.of(nodeId, ttlMs));
        args.addAll(suspects);
        return redis.call(BEAT.<List<Object>>runInOrder(redis.commands(), ScriptOutputType.MULTI,
                new String[] {PresenceKeys.NODES}, args.toArray(String[]::new))).thenApply(reply -> new Beat(
                        Found.values()[((Long) reply.get(0)).intValue()], (List<String>) reply.get(1),
                        (List<String>) reply.get(2)));
    }

    /** Deletes this node's entry and index keys at once: it stops, holding nothing. */
    CompletableFuture<Void> end() {
        return forget(redis, nodeId);
    }

    /**
     * Deletes {@code node}'s index keys, then its entry: the entry last, so that a node whose
     * deleting stopped half-way is still found dead and cleaned up after.
     */
    static CompletableFuture<Void> forget(Redis redis, String node) {
        return redis.call(redis.commands().del(PresenceKeys.nodeRooms(node), PresenceKeys.nodeNicks(node)))
                .thenCompose(deleted -> redis.call(redis.commands().zrem(PresenceKeys.NODES, node)))
                .thenApply(removed -> null);
    }

    /**
     * The other nodes that have index keys, found by a SCAN of every key (on a Redis Cluster,
     * Lettuce's cursor steps through every master): for the rare look for orphans.
     */
    CompletableFuture<Set<String>> nodesWithIndexes() {
        return scan(ScanCursor.INITIAL, new HashSet<>());
    }

    private CompletableFuture<Set<String>> scan(ScanCursor cursor, Set<String> found) {
        return redis.call(redis.commands().scan(cursor, ScanArgs.Builder.matches(PresenceKeys.NODE_INDEXES)
                .limit(SCAN_COUNT))).thenCompose((KeyScanCursor<String> step) -> {
                    for (String key : step.getKeys()) {
                        String node = PresenceKeys.nodeOfIndex(key);
                        if (node != null && !node.equals(nodeId)) {
                            found.add(node);
                        }
                    }
                    return step.isFinished() ? CompletableFuture.completedFuture(found) : scan(step, found);
                });
    }
}
