package dev.parley.server.presence;

import dev.parley.server.redis.LuaScript;
import dev.parley.server.redis.Redis;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;

/**
 * The room members of {@link RedisPresence}: joins and leaves of sessions, the member lists (nicks,
 * each once however many of its sessions are in the room) and counts every node reads, and this
 * node's own sessions in rooms, which it keeps alive ({@link #refresh}) and which alone make it
 * look for expired sessions of a room ({@link #removeExpired}).
 *
 * <p>The commands about one room are sent inside that room's map entry's compute, so that they
 * reach Redis in the order in which this node's membership changed.
 */
final class RoomMembers {
    private static final Logger LOG = LoggerFactory.getLogger(RoomMembers.class);
    private static final LuaScript ADD = LuaScript.fromResources("presence/now", "presence/add-members");
    private static final LuaScript REMOVE = LuaScript.fromResources("presence/drop-session", "presence/remove-member");
    private static final LuaScript REMOVE_EXPIRED = LuaScript.fromResources("presence/now", "presence/drop-session",
            "presence/remove-expired");
    private static final LuaScript REMOVE_EXPIRED_ROOMS = LuaScript.fromResources("presence/now",
            "presence/remove-expired-rooms");

    private final Redis redis;
    private final RedisClusterAsyncCommands<String, String> commands;
    private final String ttlMs;
    /**
     * This node's sessions by room, each {@code <nick> <session>} as the scripts take it; a set is
     * read and changed only inside its map entry's compute.
     */
    private final Map<String, Set<String>> localMembers = new ConcurrentHashMap<>();

    RoomMembers(Redis redis, Duration ttl) {
        this.redis = redis;
        this.commands = redis.commands();
        this.ttlMs = Long.toString(ttl.toMillis());
    }

    CompletableFuture<RoomChange> join(String room, String nick, String sessionId) {
        String session = session(nick, sessionId);
        AtomicReference<CompletableFuture<List<Object>>> added = new AtomicReference<>();
        localMembers.compute(room, (name, sessions) -> {
            Set<String> updated = sessions == null ? new HashSet<>() : sessions;
            updated.add(session);
            added.set(add(room, List.of(session)));
            return updated;
        });
        return added.get().thenCompose(reply -> index(room, reply)
                        .thenApply(indexed -> new RoomChange(number(reply, 0) == 1, (int) number(reply, 1))))
                .whenComplete((change, failure) -> {
                    if (failure != null) {
                        forget(room, nick, sessionId);
                    }
                });
    }

    /** Stops keeping the session in {@code room}: it stays in Redis with the expiry of this node's last refresh. */
    void forget(String room, String nick, String sessionId) {
        localMembers.computeIfPresent(room, (name, sessions) -> {
            sessions.remove(session(nick, sessionId));
            return sessions.isEmpty() ? null : sessions;
        });
    }

    CompletableFuture<RoomChange> leave(String room, String nick, String sessionId) {
        String session = session(nick, sessionId);
        AtomicReference<CompletableFuture<List<Object>>> removed = new AtomicReference<>();
        localMembers.compute(room, (name, sessions) -> {
            if (sessions != null) {
                sessions.remove(session);
            }
            removed.set(redis.call(REMOVE.runInOrder(commands, ScriptOutputType.MULTI, PresenceKeys.room(room),
                    session)));
            return sessions == null || sessions.isEmpty() ? null : sessions;
        });
        return removed.get().thenApply(reply -> new RoomChange(number(reply, 0) == 1, (int) number(reply, 1)));
    }

    /** Removes every session this node still has in Redis (it is stopping). */
    void leaveAll() {
        for (String room : List.copyOf(localMembers.keySet())) {
            Set<String> sessions = localMembers.remove(room);
            if (sessions != null) {
                sessions.forEach(session -> redis.call(REMOVE.runInOrder(commands, ScriptOutputType.MULTI,
                        PresenceKeys.room(room), session)));
            }
        }
    }

    CompletableFuture<List<String>> members(String room, String after, int limit) {
        Range<String> range = after == null ? Range.unbounded()
                : Range.from(Range.Boundary.excluding(after), Range.Boundary.unbounded());
        return redis.call(commands.zrangebylex(PresenceKeys.members(room), range, Limit.create(0, limit)))
                .thenApply(Collections::unmodifiableList);
    }

    CompletableFuture<Integer> count(String room) {
        return redis.call(commands.zcard(PresenceKeys.members(room))).thenApply(Long::intValue);
    }

    CompletableFuture<Map<String, Integer>> rooms() {
        return redis.call(commands.zrange(PresenceKeys.ROOM_INDEX, 0, -1)).thenCompose(names -> {
            Map<String, CompletableFuture<Long>> counts = new LinkedHashMap<>();
            names.forEach(room -> counts.put(room, redis.call(commands.zcard(PresenceKeys.members(room)))));
            return CompletableFuture.allOf(counts.values().toArray(CompletableFuture[]::new)).thenApply(all -> {
                Map<String, Integer> withMembers = new HashMap<>();
                counts.forEach((room, count) -> {
                    int members = count.join().intValue();
                    if (members > 0) {
                        withMembers.put(room, members);
                    }
                });
                return withMembers;
            });
        });
    }

    /**
     * Re-adds this node's sessions in each room with a fresh expiry, re-creating those Redis lost,
     * and keeps the rooms in the room index. Completes when every room is done.
     */
    CompletableFuture<Void> refresh() {
        List<CompletableFuture<Long>> refreshed = new ArrayList<>();
        for (String room : localMembers.keySet()) {
            localMembers.computeIfPresent(room, (name, sessions) -> {
                refreshed.add(add(room, List.copyOf(sessions)).thenCompose(reply -> {
                    if (number(reply, 0) > 0) {
                        LOG.info("restored {} member(s) of room {} that Redis had lost", number(reply, 0), room);
                    }
                    return index(room, reply);
                }));
                return sessions;
            });
        }
        return CompletableFuture.allOf(refreshed.toArray(CompletableFuture[]::new));
    }

    /**
     * Removes the expired sessions of the rooms this node has sessions in, telling {@code removed}
     * of each (room, nick) that left with them by this node's script, then forgets rooms that nobody
     * refreshed.
     */
    CompletableFuture<Void> removeExpired(BiConsumer<String, String> removed) {
        List<CompletableFuture<?>> steps = new ArrayList<>();
        for (String room : localMembers.keySet()) {
            steps.add(redis.call(REMOVE_EXPIRED.<List<Object>>runInOrder(commands, ScriptOutputType.MULTI,
                    PresenceKeys.room(room))).thenAccept(nicks -> nicks.forEach(nick -> removed.accept(room, (String) nick))));
        }
        steps.add(redis.call(REMOVE_EXPIRED_ROOMS.runInOrder(commands, ScriptOutputType.INTEGER,
                new String[] {PresenceKeys.ROOM_INDEX})));
        return CompletableFuture.allOf(steps.toArray(CompletableFuture[]::new));
    }

    /** Adds or re-adds {@code sessions} with a fresh expiry; replies {nicks added, member count, expiry}. */
    private CompletableFuture<List<Object>> add(String room, List<String> sessions) {
        String[] args = new String[sessions.size() + 1];
        args[0] = ttlMs;
        for (int i = 0; i < sessions.size(); i++) {
            args[i + 1] = sessions.get(i);
        }
        return redis.call(ADD.runInOrder(commands, ScriptOutputType.MULTI, PresenceKeys.room(room), args));
    }

    /** Keeps {@code room} in the room index until the expiry {@link #add} gave its members. */
    private CompletableFuture<Long> index(String room, List<Object> added) {
        return redis.call(commands.zadd(PresenceKeys.ROOM_INDEX, number(added, 2), room));
    }

    /** A session in a room as the scripts take it: its nick first, for their counts per nick. */
    private static String session(String nick, String sessionId) {
        return nick + ' ' + sessionId;
    }

    private static long number(List<Object> reply, int index) {
        return (Long) reply.get(index);
    }
}
