package dev.parley.server.node;

import dev.parley.server.broker.Broker;
import dev.parley.server.broker.MemoryBroker;
import dev.parley.server.broker.OutageBroker;
import dev.parley.server.broker.PostgresBroker;
import dev.parley.server.broker.RedisBroker;
import dev.parley.server.presence.MemoryPresence;
import dev.parley.server.presence.Presence;
import dev.parley.server.presence.RedisPresence;
import dev.parley.server.redis.Redis;
import dev.parley.server.store.Database;
import dev.parley.server.store.DatabaseStartException;
import dev.parley.server.store.Retention;
import io.micrometer.core.instrument.MeterRegistry;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What a node keeps its rooms and nicks in: the {@link Broker} and {@link Presence} it works
 * through, whether they can be reached (the node's readiness), and how to release them. The one
 * place that chooses between a node alone (in memory, or with its history in a database) and a
 * node of a cluster (on Redis).
 */
public record Backend(Broker broker, Presence presence, BooleanSupplier reachable,
                      Supplier<CompletableFuture<Void>> release) {
    /** How long a resume waits for another node to close the session it replaces. */
    private static final Duration EVICTION_TIMEOUT = Duration.ofSeconds(5);

    /** Most events one statement of the retention deletes. */
    private static final int RETENTION_BATCH = 1000;

    /**
     * What the backend is made of: Redis at {@code redisUri} (null for memory), history kept per
     * room, and the Redis timings, in milliseconds; or a {@code database} (null for none) with the
     * retention of its events ({@code retentionMs}, {@code maxEvents}; 0 for none).
     */
    public record Settings(String redisUri, int historySize, long redisTimeoutMs, long redisCheckMs,
                           long presenceTtlMs, long presenceRefreshMs, Database.Settings database, long retentionMs,
                           long maxEvents) {
    }

    /** A node alone: rooms and nicks in this process, always reachable. */
    public static Backend inMemory(int historySize, LongSupplier clock) {
        return new Backend(new MemoryBroker(historySize, clock), new MemoryPresence(), () -> true,
                () -> CompletableFuture.completedFuture(null));
    }

    /**
     * On the database when there is one (connected and migrated off the caller's thread; fails with
     * {@link DatabaseStartException}); else in memory without a Redis URI; on Redis with one, once
     * connected. Fails when Redis cannot be reached.
     */
    public static CompletableFuture<Backend> open(Settings settings, LongSupplier clock, MeterRegistry registry) {
        if (settings.database() != null) {
            return CompletableFuture.supplyAsync(() -> onDatabase(settings, clock, registry), ownThread("parley-database-open"));
        }
        if (settings.redisUri() == null) {
            return CompletableFuture.completedFuture(inMemory(settings.historySize(), clock));
        }
        return Redis.connect(settings.redisUri(), Duration.ofMillis(settings.redisTimeoutMs()), registry)
                .thenCompose(redis -> onRedis(redis, settings, clock, registry).whenComplete((backend, failure) -> {
                    if (failure != null) {
                        redis.closeAsync();
                    }
                }));
    }

    private static CompletableFuture<Backend> onRedis(Redis redis, Settings settings, LongSupplier clock,
                                                      MeterRegistry registry) {
        CompletableFuture<RedisBroker> broker = RedisBroker.open(redis, settings.historySize(), clock,
                Duration.ofMillis(settings.redisCheckMs()));
        CompletableFuture<RedisPresence> presence = RedisPresence.open(redis, nodeId(), new RedisPresence.Settings(
                Duration.ofMillis(settings.presenceTtlMs()), Duration.ofMillis(settings.presenceRefreshMs()),
                EVICTION_TIMEOUT), registry);
        return broker.thenCombine(presence, (b, p) -> new Backend(b, p, redis::isReachable, redis::closeAsync));
    }

    /** A node alone with its room events in the database; presence in memory. Blocks. */
    private static Backend onDatabase(Settings settings, LongSupplier clock, MeterRegistry registry) {
        Database database = Database.open(settings.database(), registry);
        Retention retention = new Retention(database, settings.retentionMs(), settings.maxEvents(), RETENTION_BATCH, clock);
        if (retention.limits()) {
            retention.schedule();
        }
        // The recent events of watched rooms answer reads while the database cannot, and every
        // request gets the database's timeout even where the driver's own would wait longer.
        Broker broker = new OutageBroker(new PostgresBroker(database, clock, registry), settings.database().timeoutMs(),
                settings.historySize());
        return new Backend(broker, new MemoryPresence(), database::reachable, () -> {
            database.close();
            return CompletableFuture.completedFuture(null);
        });
    }

    /** A new name for this node each start: a restarted node holds none of its earlier sessions. */
    private static String nodeId() {
        byte[] id = new byte[9];
        new SecureRandom().nextBytes(id);
        return "n-" + Base64.getUrlEncoder().withoutPadding().encodeToString(id);
    }

    /**
     * Closes the broker and presence, then their connections; completes when they are released. On
     * a thread of its own: a close may block (the database's writer finishes its transaction, the
     * pool closes), and the caller may be an event loop.
     */
    CompletableFuture<Void> close() {
        return CompletableFuture.runAsync(() -> {
            broker.close();
            presence.close();
        }, ownThread("parley-backend-close")).thenCompose(closed -> release.get());
    }

    /** Runs each task on a new thread: for the rare blocking steps of opening and closing. */
    private static Executor ownThread(String name) {
        return runnable -> new Thread(runnable, name).start();
    }
}
