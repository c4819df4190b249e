package dev.parley.server.redis;

import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.pubsub.api.async.RedisPubSubAsyncCommands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/**
 * A publish/subscribe connection of {@link Redis}: the channels a part of the node listens on, and
 * what arrives on them. On one Redis, plain channels ({@code SUBSCRIBE}), which Lettuce subscribes
 * again after a reconnection. On a Redis Cluster, sharded channels ({@code SSUBSCRIBE}): Lettuce
 * sends each to the master that owns the channel's slot, but does not follow a slot to a new master
 * after a failover, and subscribes a node connection's channels again in one command, which Redis
 * refuses ({@code CROSSSLOT}) once they span slots. So this subscribes every channel again, one
 * command each, whenever the topology changed or a connection came back ({@link Redis#onConnected}),
 * and when Redis dropped one of them (a master that lost the slot sends {@code SUNSUBSCRIBE});
 * a channel already subscribed where it belongs is left as it is.
 */
public final class PubSub {
    private static final Logger LOG = LoggerFactory.getLogger(PubSub.class);
    /** After a failed round of subscribing again, the next one: the new master may not be known yet. */
    private static final long RETRY_MS = 500;

    private final Redis redis;
    private final RedisPubSubAsyncCommands<String, String> commands;
    private final boolean sharded;
    /** The channels subscribed, to subscribe again on a cluster. */
    private final Set<String> channels = ConcurrentHashMap.newKeySet();
    private final List<Runnable> resubscribedListeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean retrying = new AtomicBoolean();
    private volatile BiConsumer<String, String> listener = (channel, message) -> { };

    PubSub(Redis redis, StatefulRedisPubSubConnection<String, String> connection, boolean sharded) {
        this.redis = redis;
        this.commands = connection.async();
        this.sharded = sharded;
        connection.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                received(channel, message);
            }

            @Override
            public void smessage(String channel, String message) {
                received(channel, message);
            }

            @Override
            public void sunsubscribed(String channel, long count) {
                if (channels.contains(channel)) {
                    LOG.info("Redis dropped the subscription to {} (its slot moved); subscribing again", channel);
                    resubscribe();
                }
            }
        });
        if (sharded) {
            redis.onConnected(this::resubscribe);
        }
    }

    /** Takes every message of a subscribed channel, on a Lettuce thread (it must not block). */
    public void listen(BiConsumer<String, String> listener) {
        this.listener = listener;
    }

    /**
     * Runs {@code listener} after every channel was subscribed again on a cluster (not on one Redis,
     * where Lettuce does it): whatever was published meanwhile was not received.
     */
    public void onResubscribed(Runnable listener) {
        resubscribedListeners.add(listener);
    }

    /** Completes once Redis confirmed the subscription. */
    public CompletableFuture<Void> subscribe(String channel) {
        channels.add(channel);
        return redis.call(sharded ? commands.ssubscribe(channel) : commands.subscribe(channel));
    }

    /**
     * Ends the subscription. A failure is only logged: Redis forgets the subscription when the
     * connection drops; when it does not, messages of the channel are ignored by the listener.
     */
    public void unsubscribe(String channel) {
        channels.remove(channel);
        redis.call(sharded ? commands.sunsubscribe(channel) : commands.unsubscribe(channel)).exceptionally(failure -> {
            LOG.debug("unsubscribing from {} failed: {}", channel, failure.getMessage());
            return null;
        });
    }

    private void received(String channel, String message) {
        redis.received();
        listener.accept(channel, message);
    }

    /** Subscribes every channel again, one command each (each to its slot's master); retried until all succeed. */
    private void resubscribe() {
        if (channels.isEmpty()) {
            return;
        }
        CompletableFuture<?>[] all = channels.stream().map(channel -> redis.call(commands.ssubscribe(channel)))
                .toArray(CompletableFuture[]::new);
        CompletableFuture.allOf(all).whenComplete((done, failure) -> {
            if (failure == null) {
                resubscribedListeners.forEach(Runnable::run);
            } else if (retrying.compareAndSet(false, true)) {
                LOG.debug("subscribing again failed, retrying: {}", failure.getMessage());
                redis.timers().schedule(() -> {
                    retrying.set(false);
                    resubscribe();
                }, RETRY_MS, TimeUnit.MILLISECONDS);
            }
        });
    }
}
