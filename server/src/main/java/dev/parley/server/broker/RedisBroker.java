package dev.parley.server.broker;

import dev.parley.protocol.Names;
import dev.parley.protocol.ServerEvent;
import dev.parley.protocol.StreamPosition;
import dev.parley.server.redis.LuaScript;
import dev.parley.server.redis.Redis;
import io.lettuce.core.KeyValue;
import io.lettuce.core.ScriptOutputType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * The {@link Broker} of a cluster: rooms live in Redis, so that every node sees the same offsets,
 * epoch and history, and their events reach every node that has members in them.
 *
 * <p>Per room (the {@code {room}} hash tag keeps a room's keys in one Redis Cluster slot):
 * <ul>
 *   <li>{@code parley:room:{R}:log}, a stream of the last {@code historySize} messages, the offset
 *       as entry id ({@code 58-0});</li>
 *   <li>{@code parley:room:{R}:meta}, a hash of the room's {@code epoch} and {@code top} offset;</li>
 *   <li>{@code parley:room:{R}:nonces}, a hash from a sender's nonce ({@code <nick> <nonce>}) to the
 *       offset of the kept message it came with, trimmed with the stream;</li>
 *   <li>{@code parley:room:{R}}, the channel of its live messages, presence and typing events.</li>
 * </ul>
 * One Lua script gives a message its offset, appends it and publishes it, so the order in which
 * every node receives a room's messages is the history's order. Direct messages go to the channel
 * {@code parley:user:<nick>}, subscribed by the node where that user is connected. The set
 * {@code parley:rooms} names the rooms that have had messages.
 *
 * <p>A node subscribes to a room's channel while it has members there ({@link RoomChannels}); each
 * room's {@link RoomFeed} fills any gap in the live messages from the stream, and every
 * {@code checkInterval} compares its position with the room's hash, which catches a lost last
 * message.
 */
public final class RedisBroker implements Broker {
    private static final String ROOM_PREFIX = "parley:room:{";
    private static final String ROOMS = "parley:rooms";
    private static final LuaScript PUBLISH = script("publish");
    private static final LuaScript RECOVER = script("recover");
    private static final LuaScript RANGE = script("range");
    private static final List<LuaScript> SCRIPTS = List.of(PUBLISH, RECOVER, RANGE);

    private final Redis redis;
    private final RoomChannels channels;
    private final int historySize;
    private final LongSupplier clock;

    private RedisBroker(Redis redis, RoomChannels channels, int historySize, LongSupplier clock) {
        this.redis = redis;
        this.channels = channels;
        this.historySize = historySize;
        this.clock = clock;
        redis.onConnected(() -> loadScripts(redis).exceptionally(failure -> null));
    }

    /**
     * A broker on {@code redis} that keeps {@code historySize} messages per room, stamps messages
     * with {@code clock}, and checks each watched room's position every {@code checkInterval}.
     * Completes once its publish/subscribe connection is up.
     */
    public static CompletableFuture<RedisBroker> open(Redis redis, int historySize, LongSupplier clock,
                                                     Duration checkInterval) {
        return loadScripts(redis).thenCompose(loaded -> RoomChannels.open(redis, rooms -> positions(redis, rooms),
                        (room, from, to) -> fetch(redis, room, from, to), checkInterval))
                .thenApply(channels -> new RedisBroker(redis, channels, historySize, clock));
    }

    private static CompletableFuture<Void> loadScripts(Redis redis) {
        return CompletableFuture.allOf(SCRIPTS.stream().map(script -> redis.call(script.load(redis.commands())))
                .toArray(CompletableFuture[]::new));
    }

    @Override
    public void listen(BrokerListener listener) {
        channels.listen(listener);
    }

    @Override
    public CompletableFuture<Void> watch(String room) {
        return channels.watch(room);
    }

    @Override
    public void unwatch(String room) {
        channels.unwatch(room);
    }

    @Override
    public CompletableFuture<Void> watchUser(String nick) {
        return channels.watchUser(nick);
    }

    @Override
    public void unwatchUser(String nick) {
        channels.unwatchUser(nick);
    }

    @Override
    public CompletableFuture<ServerEvent.Message> publish(String room, String from, String text, String nonce) {
        long ts = clock.getAsLong();
        CompletableFuture<List<Object>> reply = redis.call(PUBLISH.run(redis.commands(), ScriptOutputType.MULTI,
                keys(room), Epochs.fresh(), RoomChannels.channel(room), Integer.toString(historySize), Long.toString(ts),
                from, text, room, nonce == null ? "" : Names.nickKey(from) + ' ' + nonce));
        return reply.thenApply(r -> {
            long offset = (Long) r.get(0);
            if (r.size() > 1) {
                return new ServerEvent.Message(room, offset, Long.parseLong((String) r.get(1)), (String) r.get(2),
                        (String) r.get(3));
            }
            redis.published();
            if (offset == 1) {
                redis.call(redis.commands().sadd(ROOMS, room));
            }
            return new ServerEvent.Message(room, offset, ts, from, text);
        });
    }

    @Override
    public CompletableFuture<Void> broadcast(String room, ServerEvent event) {
        return channels.broadcast(room, event);
    }

    @Override
    public CompletableFuture<Boolean> direct(ServerEvent.Dm dm) {
        return channels.direct(dm);
    }

    @Override
    public CompletableFuture<Recovery> recover(String room, StreamPosition since, int latest, int recoverMax) {
        CompletableFuture<List<Object>> reply = redis.call(RECOVER.run(redis.commands(), ScriptOutputType.MULTI,
                keys(room), Epochs.fresh(), since == null ? "" : since.epoch(),
                Long.toString(since == null ? 0 : since.offset()), Integer.toString(latest), Integer.toString(recoverMax)));
        return reply.thenApply(r -> new Recovery((String) r.get(0), (Long) r.get(1), (Long) r.get(2) == 1,
                messages(room, (List<?>) r.get(3)), (Long) r.get(4)));
    }

    @Override
    public CompletableFuture<HistorySlice> history(String room, HistoryQuery query) {
        if (query.after() != null) {
            // Stream ids are unsigned: after Long.MAX_VALUE comes 2^63, past every offset.
            return range(redis, room, Long.toUnsignedString(query.after() + 1) + "-0", "+", query.limit(), false)
                    .thenApply(range -> new HistorySlice(range.epoch(), range.messages()));
        }
        String last = query.before() == null ? "+" : Math.max(0, query.before() - 1) + "-0";
        return range(redis, room, "-", last, query.limit(), true).thenApply(range -> {
            List<ServerEvent.Message> oldestFirst = new ArrayList<>(range.messages());
            Collections.reverse(oldestFirst);
            return new HistorySlice(range.epoch(), oldestFirst);
        });
    }

    private static CompletableFuture<RoomFeed.Fetched> fetch(Redis redis, String room, long from, long to) {
        return range(redis, room, from + "-0", to + "-0", (int) Math.min(Integer.MAX_VALUE, to - from + 1), false);
    }

    private static CompletableFuture<RoomFeed.Fetched> range(Redis redis, String room, String first, String last, int count,
                                                            boolean newestFirst) {
        CompletableFuture<List<Object>> reply = redis.call(RANGE.run(redis.commands(), ScriptOutputType.MULTI,
                keys(room), Epochs.fresh(), first, last, Integer.toString(count), newestFirst ? "rev" : "fwd"));
        return reply.thenApply(r -> new RoomFeed.Fetched((String) r.get(0), (Long) r.get(1),
                messages(room, (List<?>) r.get(2))));
    }

    @Override
    public CompletableFuture<Map<String, Long>> roomsWithHistory() {
        return redis.call(redis.commands().smembers(ROOMS)).thenCompose(this::tops);
    }

    private CompletableFuture<Map<String, Long>> tops(Set<String> rooms) {
        Map<String, CompletableFuture<String>> tops = new HashMap<>();
        rooms.forEach(room -> tops.put(room, redis.call(redis.commands().hget(meta(room), "top"))));
        return CompletableFuture.allOf(tops.values().toArray(CompletableFuture[]::new)).thenApply(done -> {
            Map<String, Long> result = new HashMap<>();
            tops.forEach((room, top) -> {
                String value = top.join();
                if (value != null && !value.equals("0")) {
                    result.put(room, Long.parseLong(value));
                }
            });
            return result;
        });
    }

    /** The epoch and top offset in each room's hash; rooms without one are left out. */
    private static CompletableFuture<Map<String, RoomFeed.Position>> positions(Redis redis, Set<String> rooms) {
        Map<String, CompletableFuture<List<KeyValue<String, String>>>> reads = new HashMap<>();
        rooms.forEach(room -> reads.put(room, redis.call(redis.commands().hmget(meta(room), "epoch", "top"))));
        return CompletableFuture.allOf(reads.values().toArray(CompletableFuture[]::new)).thenApply(done -> {
            Map<String, RoomFeed.Position> positions = new HashMap<>();
            reads.forEach((room, read) -> {
                List<KeyValue<String, String>> position = read.join();
                String epoch = position.get(0).getValueOrElse(null);
                if (epoch != null) {
                    positions.put(room, new RoomFeed.Position(epoch, Long.parseLong(position.get(1).getValueOrElse("0"))));
                }
            });
            return positions;
        });
    }

    private static List<ServerEvent.Message> messages(String room, List<?> entries) {
        List<ServerEvent.Message> messages = new ArrayList<>(entries.size());
        for (Object e : entries) {
            List<?> entry = (List<?>) e;
            String id = (String) entry.get(0);
            List<?> fields = (List<?>) entry.get(1);
            Map<String, String> body = new HashMap<>(4);
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                body.put((String) fields.get(i), (String) fields.get(i + 1));
            }
            long offset = Long.parseLong(id.substring(0, id.indexOf('-')));
            messages.add(new ServerEvent.Message(room, offset, Long.parseLong(body.get("ts")), body.get("from"),
                    body.get("text")));
        }
        return messages;
    }

    private static String[] keys(String room) {
        return new String[] {ROOM_PREFIX + room + "}:log", meta(room), ROOM_PREFIX + room + "}:nonces"};
    }

    private static String meta(String room) {
        return ROOM_PREFIX + room + "}:meta";
    }

    /** The script {@code redis/<name>.lua}, after the part every room script starts with, {@code redis/epoch.lua}. */
    private static LuaScript script(String name) {
        return LuaScript.fromResources("epoch", name);
    }

    /** Stops the checks; the connections close with {@link Redis}. */
    @Override
    public void close() {
        channels.close();
    }
}
