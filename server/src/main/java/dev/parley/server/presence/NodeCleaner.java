package dev.parley.server.presence;

import dev.parley.server.redis.LuaScript;
import dev.parley.server.redis.Redis;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * Removes what a dead node left in Redis: its sessions from the rooms in its index, reporting each
 * member that left with them, its claims of the nicks in its index, then its index keys and its
 * entry among the live nodes. One node does it, the holder of a lease on the dead node; a cleaner
 * that dies mid-way lets its lease expire, and another starts over (every step may run again).
 */
final class NodeCleaner {
    private static final LuaScript DROP_SESSIONS = LuaScript.fromResources("presence/drop-session",
            "presence/drop-node-sessions");
    private static final LuaScript DROP_CLAIMS = LuaScript.fromResources("presence/drop-node-claims");

    private final Redis redis;
    private final RedisClusterAsyncCommands<String, String> commands;
    private final String nodeId;
    private final long leaseMs;
    private final BiConsumer<String, String> memberRemoved;

    /** {@code memberRemoved} is told of each (room, nick) that left with a dead node's sessions. */
    NodeCleaner(Redis redis, String nodeId, Duration lease, BiConsumer<String, String> memberRemoved) {
        this.redis = redis;
        this.commands = redis.commands();
        this.nodeId = nodeId;
        this.leaseMs = lease.toMillis();
        this.memberRemoved = memberRemoved;
    }

    /** Cleans up after {@code dead} unless another node holds its lease; completes with whether this node did. */
    CompletableFuture<Boolean> clean(String dead) {
        return redis.call(commands.set(PresenceKeys.nodeCleaner(dead), nodeId, SetArgs.Builder.nx().px(leaseMs)))
                .thenCompose(taken -> "OK".equals(taken) ? cleanUp(dead).thenApply(done -> true)
                        : CompletableFuture.completedFuture(false));
    }

    private CompletableFuture<Void> cleanUp(String dead) {
        CompletableFuture<Void> rooms = redis.call(commands.smembers(PresenceKeys.nodeRooms(dead)))
                .thenCompose(names -> CompletableFuture.allOf(names.stream().map(room -> dropSessions(dead, room))
                        .toArray(CompletableFuture[]::new)));
        CompletableFuture<Void> nicks = redis.call(commands.smembers(PresenceKeys.nodeNicks(dead)))
                .thenCompose(keys -> CompletableFuture.allOf(keys.stream().map(nickKey -> redis.call(
                        DROP_CLAIMS.runInOrder(commands, ScriptOutputType.INTEGER, PresenceKeys.claimsOf(nickKey), dead)))
                        .toArray(CompletableFuture[]::new)));
        return CompletableFuture.allOf(rooms, nicks)
                .thenCompose(dropped -> NodeHeartbeat.forget(redis, dead))
                .thenCompose(forgotten -> redis.call(commands.del(PresenceKeys.nodeCleaner(dead))))
                .thenApply(released -> null);
    }

    private CompletableFuture<Void> dropSessions(String dead, String room) {
        return redis.call(DROP_SESSIONS.<List<Object>>runInOrder(commands, ScriptOutputType.MULTI,
                PresenceKeys.room(room), dead)).thenAccept(left -> left.forEach(nick -> memberRemoved.accept(room,
                        (String) nick)));
    }
}
