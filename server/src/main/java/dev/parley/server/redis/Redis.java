package dev.parley.server.redis;

import dev.parley.server.backend.UnavailableException;
import io.lettuce.core.AbstractRedisClient;
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
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * This node's link to the cluster's Redis: one {@link RedisClient}, or a {@link RedisClusterClient}
 * for a Redis Cluster, on its own two event loops, one shared connection for commands, and the
 * publish/subscribe connections opened from it. Every Redis-backed part of the server (broker,
 * presence) works through one instance, alike on one Redis and on a cluster: {@link #commands}
 * route by key there, and {@link #publish} and {@link PubSub} use sharded publish/subscribe (as
 * scripts must then: {@link #isCluster}).
 *
 * <p>Commands fail fast rather than queue while Redis is out of reach (auto-reconnect on, commands
 * rejected while disconnected, a timeout on each command), and {@link #call} turns those failures
 * into {@link UnavailableException}. Lettuce re-subscribes a publish/subscribe connection's
 * channels when it reconnects; on a cluster, {@link PubSub} subscribes again itself. On a cluster the
 * topology is refreshed periodically and on redirections and reconnections, and every change counts
 * as a connection back ({@link #onConnected}): a failover may have lost writes and cached scripts.
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
    /** A connection activated this long after a reconnection attempt counts as one back (attempts come every RECONNECT_MAX at most). */
    private static final Duration RECONNECTING = CONNECT_TIMEOUT.plus(RECONNECT_MAX).multipliedBy(2);
    private static final long SHUTDOWN_QUIET_MS = 100;
    /** A cluster client's shutdown can wait forever on a topology refresh under way (lettuce#2904). */
    private static final Duration CLIENT_SHUTDOWN_MAX = Duration.ofSeconds(5);
    /** A cluster's topology is read again at least this often, and after a redirection or reconnection at most this often. */
    private static final Duration TOPOLOGY_REFRESH = Duration.ofSeconds(10);
    private static final Duration ADAPTIVE_REFRESH_MIN_INTERVAL = Duration.ofSeconds(1);

    private final AbstractRedisClient client;
    private final ClientResources resources;
    private final boolean cluster;
    private final Supplier<CompletionStage<? extends StatefulRedisPubSubConnection<String, String>>> pubSubOpener;
    private final StatefulConnection<String, String> connection;
    private final RedisClusterAsyncCommands<String, String> commands;
    private final List<StatefulConnection<String, String>> connections = new CopyOnWriteArrayList<>();
    private final List<Runnable> connectedListeners = new CopyOnWriteArrayList<>();
    /** When Lettuce last tried to get a lost connection back (System.nanoTime). */
    private volatile long lastReconnectAttempt = System.nanoTime() - RECONNECTING.toNanos();
    /** On a cluster, how each connection opens its link to a master at {@code host, port}. */
    private final List<BiFunction<String, Integer, CompletionStage<?>>> masterLinks = new CopyOnWriteArrayList<>();
    private final Disposable events;
    private final Counter unavailable;
    private final Counter failed;
    private final Counter pubSubIn;
    private final Counter pubSubOut;
    /** False from a command's timeout until the next command succeeds. */
    private volatile boolean answering = true;

    private Redis(AbstractRedisClient client, ClientResources resources, boolean cluster,
                  Supplier<CompletionStage<? extends StatefulRedisPubSubConnection<String, String>>> pubSubOpener,
                  StatefulConnection<String, String> connection, RedisClusterAsyncCommands<String, String> commands,
                  MeterRegistry registry) {
        this.client = client;
        this.resources = resources;
        this.cluster = cluster;
        this.pubSubOpener = pubSubOpener;
        this.connection = connection;
        this.commands = commands;
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
                // Only while connections are being got back: a cluster's topology refresh opens short-lived
                // connections of its own every time, and resubscribing everything on each is a storm.
                if (System.nanoTime() - lastReconnectAttempt < RECONNECTING.toNanos()) {
                    connectedListeners.forEach(Runnable::run);
                }
            } else if (event instanceof ClusterTopologyChangedEvent) {
                linkMasters().whenComplete((linked, failure) -> connectedListeners.forEach(Runnable::run));
            } else if (event instanceof DisconnectedEvent) {
                disconnects.increment();
            } else if (event instanceof ReconnectAttemptEvent) {
                attempts.increment();
                lastReconnectAttempt = System.nanoTime();
            }
        });
    }

    /**
     * Connects to {@code uri} ({@code redis://[:password@]host:port[/db]}, or {@code rediss://} for
     * TLS), or with {@code cluster} to the Redis Cluster that the comma-separated seed URIs in
     * {@code uri} belong to; completes once the command connection is up, or fails when Redis cannot
     * be reached.
     */
    public static CompletableFuture<Redis> connect(String uri, boolean cluster, Duration timeout, MeterRegistry registry) {
        ClientResources resources = ClientResources.builder()
                .ioThreadPoolSize(IO_THREADS)
                .computationThreadPoolSize(1)
                .reconnectDelay(Delay.exponential(RECONNECT_MIN, RECONNECT_MAX, 2, TimeUnit.MILLISECONDS))
                .commandLatencyRecorder(new MicrometerCommandLatencyRecorder(registry, MicrometerOptions.create()))
                .build();
        CompletableFuture<Redis> connected;
        AbstractRedisClient opened;
        if (cluster) {
            List<RedisURI> seeds = Arrays.stream(uri.split(",")).map(String::strip).map(seed -> uri(seed, timeout)).toList();
            RedisClusterClient client = RedisClusterClient.create(resources, seeds);
            client.setOptions(failFast(ClusterClientOptions.builder(), timeout)
                    .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                            .enablePeriodicRefresh(TOPOLOGY_REFRESH)
                            .enableAllAdaptiveRefreshTriggers()
                            .adaptiveRefreshTriggersTimeout(ADAPTIVE_REFRESH_MIN_INTERVAL)
                            .refreshTriggersReconnectAttempts(1)
                            .build())
                    .build());
            opened = client;
            // An asynchronous connection needs the topology read first.
            connected = client.refreshPartitionsAsync().toCompletableFuture()
                    .thenCompose(read -> client.connectAsync(StringCodec.UTF8))
                    .thenCompose(connection -> {
                        Redis redis = new Redis(client, resources, true, () -> client.connectPubSubAsync(StringCodec.UTF8),
                                connection, connection.async(), registry);
                        return redis.linkMasters(connection).thenApply(linked -> redis);
                    });
        } else {
            RedisURI redisUri = uri(uri, timeout);
            RedisClient client = RedisClient.create(resources);
            client.setOptions(failFast(ClientOptions.builder(), timeout).build());
            opened = client;
            connected = client.connectAsync(StringCodec.UTF8, redisUri).toCompletableFuture().thenApply(connection ->
                    new Redis(client, resources, false, () -> client.connectPubSubAsync(StringCodec.UTF8, redisUri),
                            connection, connection.async(), registry));
        }
        return connected.whenComplete((redis, failure) -> {
            if (failure != null) {
                opened.shutdownAsync(0, 0, TimeUnit.SECONDS).thenRun(() -> resources.shutdown(0, 0, TimeUnit.SECONDS));
            }
        });
    }

    private static RedisURI uri(String uri, Duration timeout) {
        RedisURI redisUri = RedisURI.create(uri);
        redisUri.setTimeout(timeout);
        return redisUri;
    }

    /**
     * Commands rejected at once while their connection is down, and each failed after
     * {@code timeout}, instead of queued; reconnection on.
     */
    private static <B extends ClientOptions.Builder> B failFast(B options, Duration timeout) {
        options.autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .socketOptions(SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).keepAlive(true).build());
        return options;
    }

    /**
     * The shared connection's commands (thread-safe); wrap each in {@link #call}. On a cluster each
     * goes to the master of its key's slot: a command of several keys (a script's) must keep them
     * in one slot.
     */
    public RedisClusterAsyncCommands<String, String> commands() {
        return commands;
    }

    /**
     * Whether this is a Redis Cluster, where channels are sharded: a script publishes with
     * {@code SPUBLISH} there, to the shard that owns the channel's slot (the script's own when the
     * channel carries its keys' hash tag); one Redis keeps {@code PUBLISH}, which Redis 6 has too.
     */
    public boolean isCluster() {
        return cluster;
    }

    /** Publishes {@code message} on {@code channel} (sharded on a cluster); completes with how many subscribers received it. */
    public CompletableFuture<Long> publish(String channel, String message) {
        return call(cluster ? commands.spublish(channel, message) : commands.publish(channel, message)).thenApply(receivers -> {
            pubSubOut.increment();
            return receivers;
        });
    }

    /** Opens a publish/subscribe connection, closed with this; completes once it is up (on a cluster, to every master). */
    public CompletableFuture<PubSub> connectPubSub() {
        return call(pubSubOpener.get()).thenCompose(pubSub -> {
            connections.add(pubSub);
            CompletableFuture<Void> linked = pubSub instanceof StatefulRedisClusterPubSubConnection<String, String> sharded
                    ? linkMasters(sharded) : CompletableFuture.completedFuture(null);
            return linked.thenApply(done -> new PubSub(this, pubSub, cluster));
        });
    }

    private CompletableFuture<Void> linkMasters(StatefulRedisClusterConnection<String, String> connection) {
        return linkMasters(connection::getConnectionAsync);
    }

    private CompletableFuture<Void> linkMasters(StatefulRedisClusterPubSubConnection<String, String> connection) {
        return linkMasters(connection::getConnectionAsync);
    }

    /**
     * Opens {@code link}'s connection to every master now, and again whenever the topology
     * changes: while a master's connection is being made, a command routed to it is rejected
     * ({@code REJECT_COMMANDS}), not held. Completes when every link is made or failed: one that
     * failed is made again by the first command for that master, which alone is rejected.
     */
    private CompletableFuture<Void> linkMasters(BiFunction<String, Integer, CompletionStage<?>> link) {
        masterLinks.add(link);
        return linkMasters(List.of(link));
    }

    private CompletableFuture<Void> linkMasters() {
        return linkMasters(masterLinks);
    }

    private CompletableFuture<Void> linkMasters(List<BiFunction<String, Integer, CompletionStage<?>>> links) {
        List<CompletableFuture<?>> linked = new ArrayList<>();
        for (RedisClusterNode node : ((RedisClusterClient) client).getPartitions()) {
            if (node.is(RedisClusterNode.NodeFlag.UPSTREAM) && !node.is(RedisClusterNode.NodeFlag.FAIL)
                    && !node.is(RedisClusterNode.NodeFlag.EVENTUAL_FAIL)) {
                links.forEach(link -> linked.add(call(link.apply(node.getUri().getHost(), node.getUri().getPort()))
                        .exceptionally(failure -> {
                            LOG.debug("no connection to the master {} yet: {}", node.getUri(), failure.getMessage());
                            return null;
                        })));
            }
        }
        return CompletableFuture.allOf(linked.toArray(CompletableFuture[]::new));
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
                    && !(cause instanceof RedisLoadingException) && !isClusterInTransition(cause)) {
                failed.increment();
                result.completeExceptionally(cause);
            } else {
                unavailable.increment();
                result.completeExceptionally(new UnavailableException("Redis is out of reach: " + cause.getMessage(), cause));
            }
        });
        return result;
    }

    /** A cluster's refusal while a slot's master is replaced or the slot moves: out of reach for a moment. */
    private static boolean isClusterInTransition(Throwable cause) {
        String message = cause.getMessage();
        return message != null && (message.startsWith("CLUSTERDOWN") || message.startsWith("TRYAGAIN")
                || message.startsWith("MASTERDOWN"));
    }

    /** Counts a message published to a channel by a script. */
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
        // A quiet period, so that a reconnection under way (to a node that died) closes its channel
        // before the event loops end, and Lettuce releases the channel's read buffer.
        client.shutdownAsync(0, 2, TimeUnit.SECONDS)
                .orTimeout(CLIENT_SHUTDOWN_MAX.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((done, failure) ->
                resources.shutdown(SHUTDOWN_QUIET_MS, 2000, TimeUnit.MILLISECONDS).addListener(shutdown -> {
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
