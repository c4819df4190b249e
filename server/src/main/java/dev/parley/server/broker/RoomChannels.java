package dev.parley.server.broker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.protocol.Names;
import dev.parley.protocol.ParleyJson;
import dev.parley.protocol.ServerEvent;
import dev.parley.server.redis.PubSub;
import dev.parley.server.redis.Redis;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * This node's end of the Redis channels that carry room events between nodes: the subscriptions to
 * the channels of watched rooms ({@code parley:room:{R}}) and connected users
 * ({@code parley:user:<nick>}), a {@link RoomFeed} per watched room, which delivers in offset order
 * and fills gaps, and every {@code checkInterval} (and on each reconnection) a comparison of each
 * feed with its room's position (on a Redis Cluster also once the channels are subscribed again after
 * a failover: {@link PubSub}). Where a room's position and missing messages are read is the
 * owner's: the Redis stream for {@link RedisBroker}, the database for the clustered
 * {@link PostgresBroker}.
 */
final class RoomChannels implements LivePart {
    private static final Logger LOG = LoggerFactory.getLogger(RoomChannels.class);
    private static final ObjectMapper JSON = ParleyJson.mapper();
    private static final String ROOM_PREFIX = "parley:room:{";
    private static final String USER_PREFIX = "parley:user:";
    /** The field of a user channel's event that names the session it is not for. */
    private static final String EXCEPT = "except";
    /**
     * The field of a user channel's message for the nodes themselves, never sent to clients: its
     * value says what to do ({@value #DISCONNECT}: close the user's sessions).
     */
    private static final String CONTROL = "control";
    private static final String DISCONNECT = "disconnect";

    /** Reads where rooms stand: the epoch and latest offset of each of them that has a history; the others are left out. */
    interface Positions {
        CompletableFuture<Map<String, RoomFeed.Position>> read(Set<String> rooms);
    }

    private final Redis redis;
    private final PubSub pubSub;
    private final Positions positions;
    private final RoomFeed.Fetcher fetcher;
    private final RoomFeed.Rewinder rewinder;
    private final Map<String, Watch> watches = new ConcurrentHashMap<>();
    private final ScheduledFuture<?> checks;
    private volatile BrokerListener listener;

    /** A watched room: its feed, and when the node receives its channel from its starting position. */
    private record Watch(RoomFeed feed, CompletableFuture<Void> ready) {
    }

    private RoomChannels(Redis redis, PubSub pubSub, Positions positions,
                         RoomFeed.Fetcher fetcher, RoomFeed.Rewinder rewinder, Duration checkInterval) {
        this.redis = redis;
        this.pubSub = pubSub;
        this.positions = positions;
        this.fetcher = fetcher;
        this.rewinder = rewinder;
        pubSub.listen(this::received);
        redis.onConnected(this::checkAll);
        pubSub.onResubscribed(this::checkAll);
        long every = checkInterval.toMillis();
        checks = redis.timers().scheduleAtFixedRate(this::checkAll, every, every, TimeUnit.MILLISECONDS);
    }

    /** Channels on a publish/subscribe connection of {@code redis} of their own; completes once it is up. */
    static CompletableFuture<RoomChannels> open(Redis redis, Positions positions, RoomFeed.Fetcher fetcher,
                                                RoomFeed.Rewinder rewinder, Duration checkInterval) {
        return redis.connectPubSub().thenApply(pubSub -> new RoomChannels(redis, pubSub, positions, fetcher, rewinder,
                checkInterval));
    }

    @Override
    public void listen(BrokerListener listener) {
        this.listener = listener;
    }

    @Override
    public CompletableFuture<Void> watch(String room) {
        Watch watch = new Watch(new RoomFeed(room, listener, fetcher, rewinder), new CompletableFuture<>());
        Watch current = watches.putIfAbsent(room, watch);
        if (current != null) {
            return current.ready();
        }
        // Subscribed first, then the position read: whatever is published after it arrives live.
        pubSub.subscribe(channel(room))
                .thenCompose(subscribed -> positions.read(Set.of(room)))
                .whenComplete((read, failure) -> {
                    if (failure != null) {
                        // The subscription, if made, stays: unsubscribing here could undo a newer watch's.
                        watches.remove(room, watch);
                        watch.ready().completeExceptionally(failure);
                    } else {
                        RoomFeed.Position position = read.get(room);
                        watch.feed().start(position == null ? null : position.epoch(), position == null ? 0 : position.top());
                        watch.ready().complete(null);
                    }
                });
        return watch.ready();
    }

    @Override
    public void unwatch(String room) {
        if (watches.remove(room) != null) {
            pubSub.unsubscribe(channel(room));
        }
    }

    @Override
    public CompletableFuture<Void> watchUser(String nick) {
        return pubSub.subscribe(userChannel(nick));
    }

    @Override
    public void unwatchUser(String nick) {
        pubSub.unsubscribe(userChannel(nick));
    }

    @Override
    public CompletableFuture<Void> broadcast(String room, ServerEvent event) {
        return redis.publish(channel(room), ParleyJson.write(event)).handle((receivers, failure) -> {
            if (failure != null) {
                LOG.debug("{} event of room {} not sent: {}", event.getClass().getSimpleName(), room, failure.getMessage());
            }
            return null;
        });
    }

    @Override
    public CompletableFuture<Boolean> direct(ServerEvent.Dm dm) {
        return redis.publish(userChannel(dm.to()), ParleyJson.write(dm)).thenApply(receivers -> receivers > 0);
    }

    /** Publishes {@code event} on the user's channel with the session it must skip, as {@code "except"}. */
    @Override
    public CompletableFuture<Void> toUser(String nick, String exceptSession, ServerEvent event) {
        ObjectNode payload = JSON.valueToTree(event);
        payload.put(EXCEPT, exceptSession);
        return redis.publish(userChannel(nick), payload.toString()).handle((receivers, failure) -> {
            if (failure != null) {
                LOG.debug("{} for {} not published: {}", event, nick, failure.getMessage());
            }
            return null;
        });
    }

    /** Publishes a control message on the user's channel: the nodes that listen there close the user's sessions. */
    @Override
    public CompletableFuture<Boolean> disconnect(String nick) {
        ObjectNode payload = JSON.createObjectNode().put(CONTROL, DISCONNECT);
        return redis.publish(userChannel(nick), payload.toString()).thenApply(receivers -> receivers > 0);
    }

    /**
     * Publishes a stored message on its room's channel, with its epoch as {@code publish.lua} does.
     * A publish that fails is only logged: the message is stored, and the nodes' feeds find it in
     * the history at the next message or check.
     */
    @Override
    public void committed(String epoch, ServerEvent.RoomEvent message) {
        ObjectNode payload = JSON.valueToTree(message);
        payload.put("epoch", epoch);
        redis.publish(channel(message.room()), payload.toString()).exceptionally(failure -> {
            LOG.debug("message {} of room {} not published: {}", message.offset(), message.room(), failure.getMessage());
            return null;
        });
    }

    /** Compares every watched room's feed with its history's position; a room without a history yet is left for its first message. */
    private void checkAll() {
        Map<String, RoomFeed.Position> before = new HashMap<>();
        watches.forEach((room, watch) -> {
            if (watch.ready().isDone() && !watch.ready().isCompletedExceptionally()) {
                before.put(room, watch.feed().delivered());
            }
        });
        if (before.isEmpty()) {
            return;
        }
        positions.read(before.keySet()).thenAccept(read -> read.forEach((room, position) -> {
            Watch watch = watches.get(room);
            if (watch != null) {
                watch.feed().check(before.get(room), position.epoch(), position.top());
            }
        })).exceptionally(failure -> null);
    }

    private void received(String channel, String payload) {
        BrokerListener target = listener;
        try {
            if (channel.startsWith(USER_PREFIX)) {
                JsonNode node = JSON.readTree(payload);
                if (node.has(CONTROL)) {
                    control(channel.substring(USER_PREFIX.length()), node.get(CONTROL).asText());
                    return;
                }
                ServerEvent event = JSON.treeToValue(node, ServerEvent.class);
                if (event instanceof ServerEvent.Dm dm) {
                    target.onDirect(dm, BrokerListener.EVERY_SESSION);
                } else if (event != null) {
                    target.onUserEvent(channel.substring(USER_PREFIX.length()), node.path(EXCEPT).asText(null), event);
                }
                return;
            }
            Watch watch = watches.get(roomOf(channel));
            if (watch == null) {
                return;
            }
            JsonNode node = JSON.readTree(payload);
            ServerEvent event = JSON.treeToValue(node, ServerEvent.class);
            if (event instanceof ServerEvent.RoomEvent message) {
                watch.feed().onMessage(node.path("epoch").asText(), message);
            } else if (event != null) {
                watch.feed().onRoomEvent(event);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("unreadable message on {} ignored", channel, e);
        }
    }

    private void control(String nick, String action) {
        if (action.equals(DISCONNECT)) {
            listener.onDisconnect(nick);
        } else {
            LOG.warn("unknown control message '{}' for {} ignored", action, nick);
        }
    }

    /** The channel of a room's live events. */
    static String channel(String room) {
        return ROOM_PREFIX + room + "}";
    }

    private static String roomOf(String channel) {
        return channel.substring(ROOM_PREFIX.length(), channel.length() - 1);
    }

    private static String userChannel(String nick) {
        return USER_PREFIX + Names.nickKey(nick);
    }

    /** Stops the checks; the connection closes with {@link Redis}. */
    @Override
    public void close() {
        checks.cancel(false);
        watches.clear();
    }
}
