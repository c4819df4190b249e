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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;

/**
 * The room members of {@link RedisPresence}: joins and leaves of sessions, the member lists (nicks,
 * each once however many of its sessions are in the room) and counts every node reads, and this
 * node's own sessions in rooms, which it puts back when Redis lost them ({@link #restore}), with the
 * index of its rooms ({@link NodeIndex}) that whoever cleans up after it reads.
 *
 * <p>The commands about one room are sent inside that room's map entry's compute, so that they
 * reach Redis in the order in which this node's membership changed.
 */
final class RoomMembers {
    private static final Logger LOG = LoggerFactory.getLogger(RoomMembers.class);
    private static final LuaScript ADD = LuaScript.fromResources("presence/now", "presence/add-members");
    private static final LuaScript REMOVE = LuaScript.fromResources("presence/drop-session", "presence/remove-member");
    private static final LuaScript INDEX_ROOMS = LuaScript.fromResources("presence/now", "presence/index-rooms");

    private final Redis redis;
    private final RedisClusterAsyncCommands<String, String> commands;
    private final String nodeId;
    private final String ttlMs;
    /** The rooms this node has sessions in as Redis has them, abandoned ones included. */
    private final NodeIndex rooms;
    /**
     * This node's sessions by room, each {@code <nick> <session> <node>} as the scripts take it; a
     * set is read and changed only inside its map entry's compute.
     */
    private final Map<String, Set<String>> localMembers = new ConcurrentHashMap<>();
    /** This node's sessions whose removal from a room failed, to remove again each round. */
    private final Set<RoomSession> unremoved = ConcurrentHashMap.newKeySet();

    private record RoomSession(String room, String session) {
    }

    RoomMembers(Redis redis, String nodeId, Duration ttl) {
        this.redis = redis;
        this.commands = redis.commands();
        this.nodeId = nodeId;
        this.ttlMs = Long.toString(ttl.toMillis());
        this.rooms = new NodeIndex(redis, PresenceKeys.nodeRooms(nodeId));
    }

    /** The room is in this node's index before the session is in the room, so a cleaner finds it. */
    CompletableFuture<RoomChange> join(String room, String nick, String sessionId) {
        String session = session(nick, sessionId);
        CompletableFuture<Void> indexed = rooms.hold(room);
        AtomicReference<CompletableFuture<List<Object>>> added = new AtomicReference<>();
        localMembers.compute(room, (name, sessions) -> {
            Set<String> updated = sessions == null ? new HashSet<>() : sessions;
            updated.add(session);
            added.set(add(room, List.of(session)));
            return updated;
        });
        return indexed.thenCombine(added.get(), (done, reply) -> reply)
                .thenCompose(reply -> index(room, reply)
                        .thenApply(inIndex -> new RoomChange(number(reply, 0) == 1, (int) number(reply, 1))))
                .whenComplete((change, failure) -> {
                    if (failure != null) {
                        withdraw(room, session);
                    }
                });
    }

    /**
     * Removes a session whose join failed here but may have been made in Redis (a reply past the
     * timeout); while that fails too, the room stays in this node's index, so that a cleaner would
     * find the session.
     */
    private void withdraw(String room, String session) {
        remove(room, session).exceptionally(failure -> {
            LOG.debug("withdrawing session {} from room {} failed: {}", session, room, failure.getMessage());
            return null;
        });
    }

    /**
     * Stops keeping the session in {@code room}: it stays in Redis, and the room in this node's
     * index, until this node is dead and another node cleans up after it.
     */
    void forget(String room, String nick, String sessionId) {
        localMembers.computeIfPresent(room, (name, sessions) -> {
            sessions.remove(session(nick, sessionId));
            return sessions.isEmpty() ? null : sessions;
        });
    }

    CompletableFuture<RoomChange> leave(String room, String nick, String sessionId) {
        return remove(room, session(nick, sessionId))
                .thenApply(reply -> new RoomChange(number(reply, 0) == 1, (int) number(reply, 1)));
    }

    /** Removes the session from the room, and the room from this node's index after its last local session. */
    private CompletableFuture<List<Object>> remove(String room, String session) {
        AtomicBoolean held = new AtomicBoolean();
        AtomicReference<CompletableFuture<List<Object>>> removed = new AtomicReference<>();
        localMembers.compute(room, (name, sessions) -> {
            held.set(sessions != null && sessions.remove(session));
            removed.set(drop(room, session));
            return sessions == null || sessions.isEmpty() ? null : sessions;
        });
        return removed.get().whenComplete((reply, failure) -> {
            if (held.get() && failure == null) {
                rooms.release(room);
            } else if (held.get()) {
                unremoved.add(new RoomSession(room, session));
            }
        });
    }

    /**
     * Removes again the sessions whose removal failed (Redis was out of reach), telling
     * {@code left} of each (room, nick) that left with one; a session joined again since is this
     * node's to keep. Nothing else would remove them: this node's heartbeat keeps them alive.
     */
    CompletableFuture<Void> retryRemovals(BiConsumer<String, String> left) {
        List<CompletableFuture<?>> retried = new ArrayList<>();
        for (RoomSession failed : List.copyOf(unremoved)) {
            localMembers.compute(failed.room(), (name, sessions) -> {
                if (sessions != null && sessions.contains(failed.session())) {
                    if (unremoved.remove(failed)) {
                        rooms.release(name);
                    }
                    return sessions;
                }
                retried.add(drop(name, failed.session()).thenAccept(reply -> {
                    if (unremoved.remove(failed)) {
                        rooms.release(name);
                        if (number(reply, 0) == 1) {
                            left.accept(name, failed.session().substring(0, failed.session().indexOf(' ')));
                        }
                    }
                }));
                return sessions;
            });
        }
        return CompletableFuture.allOf(retried.toArray(CompletableFuture[]::new));
    }

    /** Removes every session this node still has in Redis (it is stopping); completes when all are gone. */
    CompletableFuture<Void> leaveAll() {
        List<CompletableFuture<?>> removed = new ArrayList<>();
        for (String room : List.copyOf(localMembers.keySet())) {
            List<String> sessions = new ArrayList<>();
            localMembers.computeIfPresent(room, (name, held) -> {
                sessions.addAll(held);
                return held;
            });
            sessions.forEach(session -> removed.add(remove(room, session)));
        }
        return CompletableFuture.allOf(removed.toArray(CompletableFuture[]::new));
    }

    /** Whether this node has nothing left in any room, abandoned sessions included. */
    boolean isEmpty() {
        return rooms.isEmpty();
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
     * Re-adds this node's sessions in each room and its rooms to its index, re-creating what Redis
     * lost; completes when every room is done.
     */
    CompletableFuture<Void> restore() {
        List<CompletableFuture<?>> restored = new ArrayList<>();
        restored.add(rooms.restore());
        for (String room : localMembers.keySet()) {
            localMembers.computeIfPresent(room, (name, sessions) -> {
                restored.add(add(room, List.copyOf(sessions)).thenAccept(reply -> {
                    if (number(reply, 0) > 0) {
                        LOG.info("restored {} member(s) of room {} that Redis had lost", number(reply, 0), room);
                    }
                }));
                return sessions;
            });
        }
        return CompletableFuture.allOf(restored.toArray(CompletableFuture[]::new));
    }

    /**
     * Keeps the rooms this node has sessions in listed in the room index for a ttl, and forgets those
     * nobody kept there: one command, whatever the number of rooms and sessions.
     */
    CompletableFuture<Void> renewRoomIndex() {
        List<String> args = new ArrayList<>();
        args.add(ttlMs);
        args.addAll(localMembers.keySet());
        return redis.call(INDEX_ROOMS.runInOrder(commands, ScriptOutputType.INTEGER,
                new String[] {PresenceKeys.ROOM_INDEX}, args.toArray(String[]::new))).thenApply(forgotten -> null);
    }

    /** Drops {@code session} from the room in Redis; replies {1 if its nick left the room else 0, member count}. */
    private CompletableFuture<List<Object>> drop(String room, String session) {
        return redis.call(REMOVE.runInOrder(commands, ScriptOutputType.MULTI, PresenceKeys.room(room), session));
    }

    /** Adds {@code sessions} not in the room yet; replies {nicks added, member count, the room index's expiry}. */
    private CompletableFuture<List<Object>> add(String room, List<String> sessions) {
        String[] args = new String[sessions.size() + 1];
        args[0] = ttlMs;
        for (int i = 0; i < sessions.size(); i++) {
            args[i + 1] = sessions.get(i);
        }
        return redis.call(ADD.runInOrder(commands, ScriptOutputType.MULTI, PresenceKeys.room(room), args));
    }

    /** Lists {@code room} in the room index until the expiry {@link #add} gave. */
    private CompletableFuture<Long> index(String room, List<Object> added) {
        return redis.call(commands.zadd(PresenceKeys.ROOM_INDEX, number(added, 2), room));
    }

    /** A session in a room as the scripts take it: its nick first, for their counts per nick, its node last. */
    private String session(String nick, String sessionId) {
        return nick + ' ' + sessionId + ' ' + nodeId;
    }

    private static long number(List<Object> reply, int index) {
        return (Long) reply.get(index);
    }
}
