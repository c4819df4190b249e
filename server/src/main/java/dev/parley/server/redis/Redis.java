package dev.parley.server.redis;

import dev.parley.server.backend.UnavailableException;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisBusyException;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisLoadingException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.event.connection.ConnectedEvent;
import io.lettuce.core.event.connection.ConnectionActivatedEvent;
import io.lettuce.core.event.connection.DisconnectedEvent;
import io.lettuce.core.event.connection.ReconnectAttemptEvent;
import io.lettuce.core.metrics.MicrometerCommandLatencyRecorder;
import io.lettuce.core.metrics.MicrometerOptions;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.util.concurrent.EventExecutorGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * This node's link to the cluster's Redis: one {@link RedisClient} on its own two event loops,
 * one shared connection for commands, and the publish/subscribe connections opened from it.
 * Every Redis-backed part of the server (broker, presence) works through one instance.
 *
 * <p>Commands fail fast rather than queue while Redis is out of reach (auto-reconnect on, commands
 * rejected while disconnected, a timeout on each command), and {@link #call} turns those failures
 * into {@link UnavailableException}. Lettuce re-subscribes a publish/subscribe connection's
 * channels when it reconnects.
 *
 * <p>Metrics: {@code lettuce.command.completion} (latency by command), {@code parley.redis.errors},
 * {@code parley.redis.pubsub.in} and {@code .out}, {@code parley.redis.connects},
 * {@code parley.redis.disconnects}, {@code parley.redis.reconnect.attempts}, {@code parley.redis.up}.
 */
public final class Redis implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Redis.class);
    /**
     * Lettuce's own event loops: one per connection this node keeps (commands, publish/subscribe).
     * Apart from the server's loops, so that Redis replies never wait behind client traffic.
     */
    private static final int IO_THREADS = 2;
    /** Apart from the command timeout, which may be far shorter than a connection's set-up. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration RECONNECT_MIN = Duration.ofMillis(50);
    private static final Duration RECONNECT_MAX = Duration.ofSeconds(2);

    private final RedisClient client;
    private final ClientResources resources;
    private final RedisURI uri;
    private final StatefulRedisConnection<String, String> connection;
    private final List<StatefulConnection<String, String>> connections = new CopyOnWriteArrayList<>();
    private final List<Runnable> connectedListeners = new CopyOnWriteArrayList<>();
    private final Disposable events;
    private final Counter unavailable;
    private final Counter failed;
    private final Counter pubSubIn;
    private final Counter pubSubOut;
    /** False from a command's timeout until the next command succeeds. */
    private volatile boolean answering = true;

    private Redis(RedisClient client, ClientResources resources, RedisURI uri,
                  StatefulRedisConnection<String, String> connection, MeterRegistry registry) {
        this.client = client;
        this.resources = resources;
        this.uri = uri;
        this.connection = connection;
        connections.add(connection);
        unavailable = Counter.builder("parley.redis.errors").tag("kind", "unavailable")
                .description("Redis commands that failed, by kind").register(registry);
        failed = Counter.builder("parley.redis.errors").tag("kind", "failed")
                .description("Redis commands that failed, by kind").register(registry);
        pubSubIn = Counter.builder("parley.redis.pubsub.in").description("Publish/subscribe messages received")
                .register(registry);
        pubSubOut = Counter.builder("parley.redis.pubsub.out").description("Publish/subscribe messages published")
                .register(registry);
        Counter connects = Counter.builder("parley.redis.connects").description("Connections to Redis established")
                .register(registry);
        Counter disconnects = Counter.builder("parley.redis.disconnects").description("Connections to Redis lost")
                .register(registry);
        Counter attempts = Counter.builder("parley.redis.reconnect.attempts").description("Attempts to reconnect to Redis")
                .register(registry);
        Gauge.builder("parley.redis.up", this, redis -> redis.isReachable() ? 1 : 0)
                .description("1 while every connection to Redis is up").register(registry);
        events = resources.eventBus().get().subscribe(event -> {
            if (event instanceof ConnectedEvent) {
                connects.increment();
            } else if (event instanceof ConnectionActivatedEvent) {
                // Only now does the connection take commands again; at ConnectedEvent it still rejects them.
                connectedListeners.forEach(Runnable::run);
            } else if (event instanceof DisconnectedEvent) {
                disconnects.increment();
            } else if (event instanceof ReconnectAttemptEvent) {
                attempts.increment();
            }
        });
    }

    /**
     * Connects to {@code uri} ({@code redis://[:password@]host:port[/db]}, or {@code rediss://} for
     * TLS); completes once the command connection is up, or fails when Redis cannot be reached.
     */
    public static CompletableFuture<Redis> connect(String uri, Duration timeout, MeterRegistry registry) {
        RedisURI redisUri = RedisURI.create(uri);
        redisUri.setTimeout(timeout);
        ClientResources resources = ClientResources.builder()
                .ioThreadPoolSize(IO_THREADS)
                .computationThreadPoolSize(1)
                .reconnectDelay(Delay.exponential(RECONNECT_MIN, RECONNECT_MAX, 2, TimeUnit.MILLISECONDS))
                .commandLatencyRecorder(new MicrometerCommandLatencyRecorder(registry, MicrometerOptions.create()))
                .build();
        RedisClient client = RedisClient.create(resources);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .socketOptions(SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).keepAlive(true).build())
                .build());
        return client.connectAsync(StringCodec.UTF8, redisUri).toCompletableFuture()
                .thenApply(connection -> new Redis(client, resources, redisUri, connection, registry))
                .whenComplete((redis, failure) -> {
                    if (failure != null) {
                        client.shutdownAsync(0, 0, TimeUnit.SECONDS).thenRun(() -> resources.shutdown(0, 0, TimeUnit.SECONDS));
                    }
                });
    }

    /** The client, for a part that needs connections of its own; they count towards {@link #isReachable}. */
    public RedisClient client() {
        return client;
    }

    /** The shared connection's commands (thread-safe); wrap each in {@link #call}. */
    public RedisAsyncCommands<String, String> commands() {
        return connection.async();
    }

    /** Opens a publish/subscribe connection, closed with this; completes once it is up. */
    public CompletableFuture<StatefulRedisPubSubConnection<String, String>> connectPubSub() {
        return call(client.connectPubSubAsync(StringCodec.UTF8, uri)).thenApply(pubSub -> {
            connections.add(pubSub);
            return pubSub;
        });
    }

    /**
     * The result of a Redis command. A connection that is down, a reply later than the timeout, a
     * lost connection, or Redis busy with a script or loading its data fail it with
     * {@link UnavailableException}; another error Redis replied with fails it as it is. Either
     * failure is counted.
     */
    public <T> CompletableFuture<T> call(CompletionStage<T> command) {
        CompletableFuture<T> result = new CompletableFuture<>();
        command.whenComplete((value, failure) -> {
            if (failure == null) {
                answering = true;
                result.complete(value);
                return;
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (cause instanceof RedisCommandTimeoutException) {
                answering = false;
            }
            if (cause instanceof RedisCommandExecutionException && !(cause instanceof RedisBusyException)
                    && !(cause instanceof RedisLoadingException)) {
                failed.increment();
                result.completeExceptionally(cause);
            } else {
                unavailable.increment();
                result.completeExceptionally(new UnavailableException("Redis is out of reach: " + cause.getMessage(), cause));
            }
        });
        return result;
    }

    /** Counts a message published to a channel. */
    public void published() {
        pubSubOut.increment();
    }

    /** Counts a message received from a channel. */
    public void received() {
        pubSubIn.increment();
    }

    /** Runs {@code listener} (on a Lettuce thread; it must not block) whenever a connection to Redis takes commands again. */
    public void onConnected(Runnable listener) {
        connectedListeners.add(listener);
    }

    /** Lettuce's timer threads, for periodic work of the Redis-backed parts; tasks must not block. */
    public EventExecutorGroup timers() {
        return resources.eventExecutorGroup();
    }

    /**
     * Whether every connection to Redis is up and the last command either succeeded or failed for
     * another reason than a timeout (a Redis that accepts connections but does not answer): the
     * node's readiness.
     */
    public boolean isReachable() {
        if (!answering) {
            return false;
        }
        for (StatefulConnection<String, String> c : connections) {
            if (!c.isOpen()) {
                return false;
            }
        }
        return true;
    }

    /** Closes every connection and Lettuce's threads; completes when they are gone. */
    public CompletableFuture<Void> closeAsync() {
        events.dispose();
        CompletableFuture<Void> closed = new CompletableFuture<>();
        client.shutdownAsync(0, 2, TimeUnit.SECONDS).whenComplete((done, failure) ->
                resources.shutdown(0, 2, TimeUnit.SECONDS).addListener(shutdown -> {
                    if (failure != null) {
                        LOG.warn("closing the Redis client failed", failure);
                    }
                    closed.complete(null);
                }));
        return closed;
    }

    @Override
    public void close() {
        closeAsync().join();
    }
}
