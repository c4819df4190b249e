package dev.parley.server.broker;

import dev.parley.protocol.Mentions;
import dev.parley.protocol.Names;
import dev.parley.protocol.ServerEvent;
import dev.parley.server.redis.LuaScript;
import dev.parley.server.redis.Redis;
import io.lettuce.core.ScriptOutputType;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * {@link ReadState} in Redis, for {@link RedisBroker}. A room's markers are a hash in the room's slot
 * ({@code parley:room:{R}:reads}, user to offset), moved by {@code marker.lua}; its unread counts come
 * from the room's unread index, which the scripts that append and change messages keep
 * ({@code index.lua}), read by {@code unread.lua}. The rooms a user has markers in are the set
 * {@code parley:reads:{<user>}}, in the user's own slot: a marker is only ever in a room that set
 * names (it is added before the marker is set and again once it moved, and removed after the marker),
 * while the set may name a room whose marker is gone (expired with the room, or a {@code forget} that
 * failed half-way), which {@link #unread} leaves out and takes out of the set.
 */
final class RedisReadState implements ReadState {
    private static final String USER_ROOMS_PREFIX = "parley:reads:{";
    /**
     * Sent whole ({@link LuaScript#runInOrder}): after a {@code forget} of the same room, a marker's
     * {@code EVALSHA} that met {@code NOSCRIPT} would run again behind it and put the marker back.
     */
    private static final LuaScript MARKER = RedisRooms.script("marker");
    private static final LuaScript UNREAD = RedisRooms.script("index", "unread");
    /** The scripts to load by their SHA1. */
    static final List<LuaScript> SCRIPTS = List.of(UNREAD);

    private final Redis redis;
    /** The room scripts' last argument ({@code redis/epoch.lua}). */
    private final String roomTtlMs;

    RedisReadState(Redis redis, String roomTtlMs) {
        this.redis = redis;
        this.roomTtlMs = roomTtlMs;
    }

    /**
     * The nicks {@code text} mentions but its sender's, space-separated, as {@code publish.lua} and
     * {@code event.lua} index them ({@link Mentions} is the one parser of mentions).
     */
    static String mentionedBy(String from, String text) {
        String sender = Names.nickKey(from);
        return Mentions.in(text).stream().filter(nick -> !nick.equals(sender)).collect(Collectors.joining(" "));
    }

    @Override
    public CompletableFuture<OptionalLong> markRead(String user, String room, long offset) {
        String nick = Names.nickKey(user);
        return redis.call(redis.commands().sadd(userRooms(nick), room))
                .thenCompose(added -> redis.<List<Object>>call(MARKER.runInOrder(redis.commands(), ScriptOutputType.MULTI,
                        RedisRooms.keys(room), Epochs.fresh(), nick, Long.toString(offset), roomTtlMs)))
                .thenCompose(r -> (Long) r.get(0) == 0 ? CompletableFuture.completedFuture(OptionalLong.empty())
                        : redis.call(redis.commands().sadd(userRooms(nick), room))
                                .thenApply(again -> OptionalLong.of((Long) r.get(1))));
    }

    /** One {@code unread.lua} per room the user's set names, all sent at once on the shared connection. */
    @Override
    public CompletableFuture<List<ServerEvent.UnreadRoom>> unread(String user) {
        String nick = Names.nickKey(user);
        return redis.call(redis.commands().smembers(userRooms(nick))).thenCompose(rooms -> counts(nick, rooms));
    }

    private CompletableFuture<List<ServerEvent.UnreadRoom>> counts(String nick, Set<String> rooms) {
        List<CompletableFuture<ServerEvent.UnreadRoom>> reads = new ArrayList<>(rooms.size());
        for (String room : rooms) {
            CompletableFuture<List<Object>> reply = redis.call(UNREAD.run(redis.commands(), ScriptOutputType.MULTI,
                    RedisRooms.keys(room), Epochs.fresh(), nick, roomTtlMs));
            reads.add(reply.thenApply(r -> {
                if (r.isEmpty()) {
                    forgetUnmarked(nick, room);
                    return null;
                }
                return new ServerEvent.UnreadRoom(room, (Long) r.get(0), (Long) r.get(1), (Long) r.get(2));
            }));
        }
        return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenApply(done -> reads.stream()
                .map(CompletableFuture::join)
                .filter(read -> read != null)
                .sorted(Comparator.comparing(ServerEvent.UnreadRoom::room))
                .toList());
    }

    /**
     * Takes a room where the user has no marker (the room's keys expired, or a {@code forget} left it)
     * out of the user's set, so that the set follows the markers Redis holds; a marker set meanwhile
     * adds the room back once set ({@link #markRead}).
     */
    private void forgetUnmarked(String nick, String room) {
        RedisRooms.removeUnlessBack(redis, userRooms(nick), room,
                () -> redis.call(redis.commands().hexists(RedisRooms.reads(room), nick)));
    }

    @Override
    public CompletableFuture<Void> forget(String user, String room) {
        String nick = Names.nickKey(user);
        return redis.call(redis.commands().hdel(RedisRooms.reads(room), nick))
                .thenCompose(removed -> redis.call(redis.commands().srem(userRooms(nick), room)))
                .thenApply(removed -> null);
    }

    private static String userRooms(String nick) {
        return USER_ROOMS_PREFIX + nick + "}";
    }
}
