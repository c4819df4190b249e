package dev.parley.server.broker;

import dev.parley.protocol.Command;
import dev.parley.protocol.ServerEvent;
import dev.parley.protocol.StreamPosition;
import dev.parley.server.redis.LuaScript;
import dev.parley.server.redis.Redis;
import dev.parley.server.store.Webhook;
import dev.parley.server.store.WebhookLanes;
import io.lettuce.core.KeyValue;
import io.lettuce.core.ScriptOutputType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.ObjIntConsumer;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The {@link Broker} of a cluster: rooms live in Redis, so that every node sees the same offsets,
 * epoch and history, and their events reach every node that has members in them.
 *
 * <p>Per room (the {@code {room}} hash tag keeps a room's keys in one Redis Cluster slot):
 * <ul>
 *   <li>{@code parley:room:{R}:log}, a stream of the last {@code historySize} room events (message,
 *       edit, delete, reaction), the offset as entry id ({@code 58-0}), without their texts;</li>
 *   <li>{@code parley:room:{R}:texts}, a hash from offset to the text of each of those messages and
 *       edits, so that a delete can erase it (a stream entry cannot be changed);</li>
 *   <li>{@code parley:room:{R}:state}, a hash from offset to the state of each of those messages that
 *       was edited, deleted or reacted to (JSON);</li>
 *   <li>{@code parley:room:{R}:meta}, a hash of the room's {@code epoch} and {@code top} offset;</li>
 *   <li>{@code parley:room:{R}:nonces}, a hash from a sender's nonce ({@code <nick> <nonce>}) to the
 *       offset of the kept message it came with, trimmed with the stream;</li>
 *   <li>{@code parley:room:{R}:live}, {@code :senders}, {@code :mentions} and {@code :mentioned}, the
 *       unread index of the stream's messages that are not deleted, and {@code parley:room:{R}:reads},
 *       the users' read markers ({@link RedisReadState});</li>
 *   <li>{@code parley:room:{R}}, the channel of its live room events, presence and typing events;</li>
 *   <li>with webhooks, {@code parley:room:{R}:webhooks}, the room's webhook outbox ({@link RedisWebhookOutbox}).</li>
 * </ul>
 * One Lua script gives a room event its offset, appends it and publishes it ({@code publish.lua}
 * for messages, {@code event.lua} for edits, deletes and reactions, which also checks the message
 * and changes its state in the same step; both keep the unread index with the stream), so the
 * order in which every node receives a room's events is the history's order. Direct messages go to the channel
 * {@code parley:user:<nick>}, subscribed by the node where that user is connected. The set
 * {@code parley:rooms} names the rooms that have had messages; those found expired when it is listed
 * are taken out.
 *
 * <p>A node subscribes to a room's channel while it has members there ({@link RoomChannels}); each
 * room's {@link RoomFeed} fills any gap in the live messages from the stream, and every
 * {@code checkInterval} compares its position with the room's hash, which catches a lost last
 * message.
 */
public final class RedisBroker implements Broker {
    private static final String ROOMS = "parley:rooms";
    private static final Set<String> FEATURES = Set.of("edit", "delete", "reactions", "replies", ReadState.FEATURE);
    /** The last two arguments of a room script without webhooks: no webhook's id, and an outbox's most. */
    private static final String[] NO_WEBHOOK = {"", "0"};
    private static final LuaScript RECOVER = RedisRooms.script("read", "recover");
    private static final LuaScript RANGE = RedisRooms.script("read", "range");
    /** Sent whole: it runs only when a failover lost writes. */
    private static final LuaScript REWIND = RedisRooms.script("rewind");
    private static final Publishing PUBLISHING = new Publishing("publish");
    private static final Publishing SHARDED = new Publishing("spublish");

    /** The scripts that append and publish room events, with one publish command, and every script to load with them. */
    private record Publishing(LuaScript send, LuaScript event, List<LuaScript> all) {
        Publishing(String command) {
            this(RedisRooms.publishing(command, "index", "outbox", "append", "publish"),
                    RedisRooms.publishing(command, "index", "outbox", "append", "event"));
        }

        private Publishing(LuaScript send, LuaScript event) {
            this(send, event, Stream.concat(Stream.of(send, event, RECOVER, RANGE), RedisReadState.SCRIPTS.stream()).toList());
        }

        static Publishing on(Redis redis) {
            return redis.isCluster() ? SHARDED : PUBLISHING;
        }
    }

    private final Redis redis;
    private final Publishing publishing;
    private final RoomChannels channels;
    private final RedisReadState readState;
    private final int historySize;
    /** Every room script's last argument: the life of the room's keys after its last write, in ms. */
    private final String roomTtlMs;
    private final LongSupplier clock;
    /** Where the room scripts put the room events' webhooks; null without webhooks. */
    private volatile RedisWebhookOutbox webhooks;

    private RedisBroker(Redis redis, RoomChannels channels, int historySize, String roomTtlMs, LongSupplier clock) {
        this.redis = redis;
        this.publishing = Publishing.on(redis);
        this.channels = channels;
        this.roomTtlMs = roomTtlMs;
        this.readState = new RedisReadState(redis, roomTtlMs);
        this.historySize = historySize;
        this.clock = clock;
        redis.onConnected(() -> loadScripts(redis).exceptionally(failure -> null));
    }

    /**
     * A broker on {@code redis} that keeps {@code historySize} messages per room and a room's keys for
     * {@code roomTtl} after its last write ({@link Duration#ZERO}: for ever), stamps messages with
     * {@code clock}, and checks each watched room's position every {@code checkInterval}. Completes
     * once its publish/subscribe connection is up.
     */
    public static CompletableFuture<RedisBroker> open(Redis redis, int historySize, Duration roomTtl, LongSupplier clock,
                                                     Duration checkInterval) {
        String roomTtlMs = Long.toString(roomTtl.toMillis());
        return loadScripts(redis).thenCompose(loaded -> RoomChannels.open(redis, rooms -> positions(redis, rooms),
                        (room, from, to) -> fetch(redis, roomTtlMs, room, from, to),
                        (room, epoch) -> rewind(redis, roomTtlMs, room, epoch), checkInterval))
                .thenApply(channels -> new RedisBroker(redis, channels, historySize, roomTtlMs, clock));
    }

    private static CompletableFuture<Void> loadScripts(Redis redis) {
        return CompletableFuture.allOf(Publishing.on(redis).all().stream().map(script -> redis.call(script.load(redis.commands())))
                .toArray(CompletableFuture[]::new));
    }

    /**
     * From now on, the room scripts add the webhook of each room event of a type {@code posts}
     * accepts to the room's outbox in Redis, in the step that appends the event; each room's holds at
     * most {@code most}, and {@code dropped} is told of those that went to make room. Returns that
     * outbox, which member webhooks go to as well.
     */
    public WebhookLanes keepWebhooks(Predicate<String> posts, int most, ObjIntConsumer<String> dropped) {
        webhooks = new RedisWebhookOutbox(redis, posts, most, dropped);
        return webhooks;
    }

    private String[] webhookArgs(String type) {
        RedisWebhookOutbox outbox = webhooks;
        return outbox == null ? NO_WEBHOOK : outbox.scriptArgs(type);
    }

    /** The room script's reply {@code reply} of a new event in {@code room}: what its outbox dropped, after the offset. */
    private void dropped(String room, List<Object> reply) {
        RedisWebhookOutbox outbox = webhooks;
        if (outbox != null) {
            outbox.dropped(room, (Long) reply.get(1));
        }
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
    public CompletableFuture<Boolean> sentWith(String room, String from, String nonce) {
        return redis.call(redis.commands().hexists(RedisRooms.nonces(room), RoomLog.nonceKey(from, nonce)));
    }

    @Override
    public CompletableFuture<ServerEvent.Message> publish(String room, String from, String text, String nonce) {
        return send(new RoomAction.Send(room, from, text, nonce, null));
    }

    @Override
    public CompletableFuture<Optional<ServerEvent.RoomEvent>> publish(RoomAction action) {
        if (action instanceof RoomAction.Send send) {
            return send(send).thenApply(Optional::of);
        }
        long ts = clock.getAsLong();
        String room = action.room();
        List<String> args = new ArrayList<>(List.of(Epochs.fresh(), RoomChannels.channel(room), Integer.toString(historySize),
                Long.toString(ts), action.from(), room));
        String type;
        if (action instanceof RoomAction.Edit edit) {
            type = Webhook.MESSAGE_EDITED;
            args.addAll(List.of("edit", Long.toString(edit.target()), edit.text(),
                    RedisReadState.mentionedBy(edit.from(), edit.text())));
        } else if (action instanceof RoomAction.Delete delete) {
            type = Webhook.MESSAGE_DELETED;
            args.addAll(List.of("delete", Long.toString(delete.target()), delete.moderator() ? "1" : "0"));
        } else {
            type = Webhook.REACTION_CHANGED;
            RoomAction.React react = (RoomAction.React) action;
            args.addAll(List.of("reaction", Long.toString(react.target()), react.emoji(), react.on() ? "1" : "0",
                    Integer.toString(Command.React.MAX_EMOJI_PER_MESSAGE)));
        }
        args.addAll(List.of(webhookArgs(type)));
        args.add(roomTtlMs);
        CompletableFuture<List<Object>> reply = redis.call(publishing.event().run(redis.commands(), ScriptOutputType.MULTI,
                RedisRooms.keys(room), args.toArray(String[]::new)));
        return reply.thenApply(r -> {
            long offset = (Long) r.get(0);
            if (offset == 0) {
                if (r.size() > 1) {
                    throw refused((String) r.get(1), Long.parseLong(args.get(7)));
                }
                return Optional.empty();
            }
            redis.published();
            dropped(room, r);
            return Optional.of(event(action, offset, ts));
        });
    }

    private CompletableFuture<ServerEvent.Message> send(RoomAction.Send send) {
        long ts = clock.getAsLong();
        String room = send.room();
        String[] webhook = webhookArgs(Webhook.MESSAGE_CREATED);
        CompletableFuture<List<Object>> reply = redis.call(publishing.send().run(redis.commands(), ScriptOutputType.MULTI,
                RedisRooms.keys(room), Epochs.fresh(), RoomChannels.channel(room), Integer.toString(historySize),
                Long.toString(ts), send.from(), send.text(), room,
                send.nonce() == null ? "" : RoomLog.nonceKey(send.from(), send.nonce()),
                send.replyTo() == null ? "" : send.replyTo().toString(), RedisReadState.mentionedBy(send.from(), send.text()),
                webhook[0], webhook[1], roomTtlMs));
        return reply.thenApply(r -> {
            long offset = (Long) r.get(0);
            if (offset == 0) {
                throw refused((String) r.get(1), send.replyTo());
            }
            if (r.size() > 2) {
                String replyTo = (String) r.get(3);
                ServerEvent.Message first = new ServerEvent.Message(room, offset, Long.parseLong((String) r.get(1)),
                        (String) r.get(2), (String) r.get(4), replyTo.isEmpty() ? null : Long.valueOf(replyTo), null, null, null);
                return first.text() == null ? first.withTextDeleted() : first;
            }
            redis.published();
            dropped(room, r);
            if (offset == 1) {
                redis.call(redis.commands().sadd(ROOMS, room));
            }
            return new ServerEvent.Message(room, offset, ts, send.from(), send.text(), send.replyTo(), null, null, null);
        });
    }

    /** The event {@code action} became, published with {@code offset} at {@code ts}. */
    private static ServerEvent.RoomEvent event(RoomAction action, long offset, long ts) {
        if (action instanceof RoomAction.Edit edit) {
            return new ServerEvent.Edit(edit.room(), offset, edit.target(), edit.from(), edit.text(), ts);
        } else if (action instanceof RoomAction.Delete delete) {
            return new ServerEvent.Delete(delete.room(), offset, delete.target(), delete.from(), ts);
        }
        RoomAction.React react = (RoomAction.React) action;
        return new ServerEvent.Reaction(react.room(), offset, react.target(), react.from(), react.emoji(), react.on(), ts);
    }

    private static RoomActionRefused refused(String code, long target) {
        return switch (code) {
            case "forbidden" -> RoomActionRefused.forbidden(target);
            case "bad_request" -> RoomActionRefused.tooManyEmoji(Command.React.MAX_EMOJI_PER_MESSAGE);
            default -> RoomActionRefused.notFound(target);
        };
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
    public CompletableFuture<Void> toUser(String nick, String exceptSession, ServerEvent event) {
        return channels.toUser(nick, exceptSession, event);
    }

    @Override
    public CompletableFuture<Boolean> disconnect(String nick) {
        return channels.disconnect(nick);
    }

    @Override
    public CompletableFuture<OptionalLong> markRead(String user, String room, long offset) {
        return readState.markRead(user, room, offset);
    }

    @Override
    public CompletableFuture<List<ServerEvent.UnreadRoom>> unread(String user) {
        return readState.unread(user);
    }

    @Override
    public CompletableFuture<Void> forget(String user, String room) {
        return readState.forget(user, room);
    }

    @Override
    public CompletableFuture<Recovery> recover(String room, StreamPosition since, int latest, int recoverMax) {
        CompletableFuture<List<Object>> reply = redis.call(RECOVER.run(redis.commands(), ScriptOutputType.MULTI,
                RedisRooms.keys(room), Epochs.fresh(), since == null ? "" : since.epoch(),
                Long.toString(since == null ? 0 : since.offset()), Integer.toString(latest), Integer.toString(recoverMax),
                roomTtlMs));
        return reply.thenApply(r -> {
            boolean recovered = (Long) r.get(2) == 1;
            List<?> entries = (List<?>) r.get(3);
            return new Recovery((String) r.get(0), (Long) r.get(1), recovered,
                    recovered ? StreamEntries.logged(room, entries) : StreamEntries.current(room, entries), (Long) r.get(4));
        });
    }

    @Override
    public CompletableFuture<HistorySlice> history(String room, HistoryQuery query) {
        if (query.after() != null) {
            // Stream ids are unsigned: after Long.MAX_VALUE comes 2^63, past every offset.
            return range(redis, roomTtlMs, room, Long.toUnsignedString(query.after() + 1) + "-0", "+", query.limit(), false,
                    query.allEvents()).thenApply(range -> new HistorySlice(range.epoch(), range.messages()));
        }
        String last = query.before() == null ? "+" : Math.max(0, query.before() - 1) + "-0";
        return range(redis, roomTtlMs, room, "-", last, query.limit(), true, query.allEvents()).thenApply(range -> {
            List<ServerEvent.RoomEvent> oldestFirst = new ArrayList<>(range.messages());
            Collections.reverse(oldestFirst);
            return new HistorySlice(range.epoch(), oldestFirst);
        });
    }

    /**
     * Gives {@code room}, whose history {@code epoch} went back, a new epoch; tried again every
     * second until Redis answers (the new master may not be known yet).
     */
    private static void rewind(Redis redis, String roomTtlMs, String room, String epoch) {
        redis.call(REWIND.<Long>runInOrder(redis.commands(), ScriptOutputType.INTEGER, RedisRooms.keys(room), Epochs.fresh(),
                epoch, roomTtlMs)).exceptionally(failure -> {
                    redis.timers().schedule(() -> rewind(redis, roomTtlMs, room, epoch), 1, TimeUnit.SECONDS);
                    return null;
                });
    }

    private static CompletableFuture<RoomFeed.Fetched> fetch(Redis redis, String roomTtlMs, String room, long from, long to) {
        return range(redis, roomTtlMs, room, from + "-0", to + "-0", (int) Math.min(Integer.MAX_VALUE, to - from + 1),
                false, true);
    }

    /** Up to {@code count} events from stream id {@code first} to {@code last}: the log's, or messages with their state. */
    private static CompletableFuture<RoomFeed.Fetched> range(Redis redis, String roomTtlMs, String room, String first,
                                                            String last, int count, boolean newestFirst, boolean log) {
        CompletableFuture<List<Object>> reply = redis.call(RANGE.run(redis.commands(), ScriptOutputType.MULTI,
                RedisRooms.keys(room), Epochs.fresh(), first, last, Integer.toString(count), newestFirst ? "rev" : "fwd",
                log ? "log" : "state", roomTtlMs));
        return reply.thenApply(r -> {
            List<?> entries = (List<?>) r.get(2);
            return new RoomFeed.Fetched((String) r.get(0), (Long) r.get(1),
                    log ? StreamEntries.logged(room, entries) : StreamEntries.current(room, entries));
        });
    }

    @Override
    public Set<String> features() {
        return FEATURES;
    }

    @Override
    public CompletableFuture<Map<String, Long>> roomsWithHistory() {
        return redis.call(redis.commands().smembers(ROOMS)).thenCompose(this::tops);
    }

    private CompletableFuture<Map<String, Long>> tops(Set<String> rooms) {
        Map<String, CompletableFuture<String>> tops = new HashMap<>();
        rooms.forEach(room -> tops.put(room, redis.call(redis.commands().hget(RedisRooms.meta(room), "top"))));
        return CompletableFuture.allOf(tops.values().toArray(CompletableFuture[]::new)).thenApply(done -> {
            Map<String, Long> result = new HashMap<>();
            tops.forEach((room, top) -> {
                String value = top.join();
                if (hasMessages(value)) {
                    result.put(room, Long.parseLong(value));
                } else {
                    forgetExpired(room);
                }
            });
            return result;
        });
    }

    /** Whether a room's {@code top} (null without a hash) says it has messages in its epoch. */
    private static boolean hasMessages(String top) {
        return top != null && !top.equals("0");
    }

    /**
     * Takes a room without messages in its epoch (its keys expired, or Redis lost them) out of
     * {@code parley:rooms}, so that the set follows the rooms Redis holds; its first message adds it
     * back after its script.
     */
    private void forgetExpired(String room) {
        RedisRooms.removeUnlessBack(redis, ROOMS, room,
                () -> redis.call(redis.commands().hget(RedisRooms.meta(room), "top")).thenApply(RedisBroker::hasMessages));
    }

    /** The epoch and top offset in each room's hash; rooms without one are left out. */
    private static CompletableFuture<Map<String, RoomFeed.Position>> positions(Redis redis, Set<String> rooms) {
        Map<String, CompletableFuture<List<KeyValue<String, String>>>> reads = new HashMap<>();
        rooms.forEach(room -> reads.put(room, redis.call(redis.commands().hmget(RedisRooms.meta(room), "epoch", "top"))));
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

    /** Stops the checks; the connections close with {@link Redis}. */
    @Override
    public void close() {
        channels.close();
    }
}
