package dev.parley.server;

import dev.parley.server.broker.Broker;
import dev.parley.server.broker.MemoryBroker;
import dev.parley.server.broker.RedisBroker;
import dev.parley.server.metrics.ServerMetrics;
import dev.parley.server.presence.MemoryPresence;
import dev.parley.server.presence.Presence;
import dev.parley.server.presence.RedisPresence;
import dev.parley.server.redis.Redis;
import io.micrometer.core.instrument.MeterRegistry;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What a node keeps its rooms and nicks in: the {@link Broker} and {@link Presence} the hub works
 * through, whether they can be reached (the node's readiness), and how to release them. The one
 * place that chooses between a node alone (in memory) and a node of a cluster (on Redis).
 */
record Backend(Broker broker, Presence presence, BooleanSupplier reachable, Supplier<CompletableFuture<Void>> release) {
    private static final LongSupplier CLOCK = System::currentTimeMillis;
    /** How long a resume waits for another node to close the session it replaces. */
    private static final Duration EVICTION_TIMEOUT = Duration.ofSeconds(5);

    /** In memory without {@code redisUri}; on Redis with it, once connected. Fails when Redis cannot be reached. */
    static CompletableFuture<Backend> open(ServerConfig config, ServerMetrics metrics) {
        if (config.redisUri() == null) {
            return CompletableFuture.completedFuture(new Backend(new MemoryBroker(config.historySize(), CLOCK),
                    new MemoryPresence(), () -> true, () -> CompletableFuture.completedFuture(null)));
        }
        return Redis.connect(config.redisUri(), Duration.ofMillis(config.redisTimeoutMs()), metrics.registry())
                .thenCompose(redis -> onRedis(redis, config, metrics.registry()).whenComplete((backend, failure) -> {
                    if (failure != null) {
                        redis.closeAsync();
                    }
                }));
    }

    private static CompletableFuture<Backend> onRedis(Redis redis, ServerConfig config, MeterRegistry registry) {
        CompletableFuture<RedisBroker> broker = RedisBroker.open(redis, config.historySize(), CLOCK,
                Duration.ofMillis(config.redisCheckMs()));
        CompletableFuture<RedisPresence> presence = RedisPresence.open(redis, nodeId(), new RedisPresence.Settings(
                Duration.ofMillis(config.presenceTtlMs()), Duration.ofMillis(config.presenceRefreshMs()), EVICTION_TIMEOUT),
                registry);
        return broker.thenCombine(presence, (b, p) -> new Backend(b, p, redis::isReachable, redis::closeAsync));
    }

    /** A new name for this node each start: a restarted node holds none of its earlier sessions. */
    private static String nodeId() {
        byte[] id = new byte[9];
        new SecureRandom().nextBytes(id);
        return "n-" + Base64.getUrlEncoder().withoutPadding().encodeToString(id);
    }

    /** Closes the broker and presence, then their connections; completes when they are released. */
    CompletableFuture<Void> close() {
        broker.close();
        presence.close();
        return release.get();
    }
}
