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
import java.util.function.Function;
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
     * What the backend is made of: Redis at {@code redisUri} (null for memory; a Redis Cluster's
     * comma-separated seeds when {@code redisCluster}), history kept per room, and the Redis timings,
     * in milliseconds (the life of an idle room's keys among them, 0 for ever); or a {@code database}
     * (null for none) with the retention of its events ({@code retentionMs}, {@code maxEvents}; 0 for
     * none), which stores direct messages too when {@code auth} is on (a user is then a token's subject).
     */
    public record Settings(String redisUri, boolean redisCluster, int historySize, long redisTimeoutMs, long redisCheckMs,
                           long roomTtlMs,
                           long presenceTtlMs, long presenceRefreshMs, Database.Settings database, long retentionMs,
                           long maxEvents, boolean auth) {
    }

    /** A node alone: rooms and nicks in this process, always reachable. */
    public static Backend inMemory(int historySize, LongSupplier clock) {
        return new Backend(new MemoryBroker(historySize, clock), new MemoryPresence(), () -> true,
                () -> CompletableFuture.completedFuture(null));
    }

    /**
     * In memory, on the database, on Redis, or on Redis with the history in the database, as
     * {@code settings} say. A database is connected and migrated off the caller's thread (fails with
     * {@link DatabaseStartException}); Redis once connected (fails when it cannot be reached).
     */
    public static CompletableFuture<Backend> open(Settings settings, LongSupplier clock, MeterRegistry registry) {
        Duration checkInterval = Duration.ofMillis(settings.redisCheckMs());
        if (settings.database() == null) {
            return settings.redisUri() == null ? CompletableFuture.completedFuture(inMemory(settings.historySize(), clock))
                    : onRedis(settings, registry, redis -> RedisBroker.open(redis, settings.historySize(),
                            Duration.ofMillis(settings.roomTtlMs()), clock, checkInterval));
        }
        return CompletableFuture.supplyAsync(() -> openDatabase(settings, clock, registry), ownThread("parley-database-open"))
                .thenCompose(database -> {
                    CompletableFuture<Backend> backend = settings.redisUri() == null
                            ? CompletableFuture.completedFuture(new Backend(withOutages(new PostgresBroker(database,
                                    clock, registry, settings.auth()), settings), new MemoryPresence(), () -> true,
                                    () -> CompletableFuture.completedFuture(null)))
                            : onRedis(settings, registry, redis -> PostgresBroker.clustered(database, redis, clock,
                                    checkInterval, registry, settings.auth()).thenApply(broker -> withOutages(broker, settings)));
                    return backend.whenComplete((opened, failure) -> {
                        if (failure != null) {
                            ownThread("parley-database-close").execute(database::close);
                        }
                    }).thenApply(opened -> opened.alsoOn(database));
                });
    }

    /** A node of a cluster: connects to Redis, then opens the broker that {@code broker} makes on it, and the presence. */
    private static CompletableFuture<Backend> onRedis(Settings settings, MeterRegistry registry,
                                                      Function<Redis, CompletableFuture<? extends Broker>> broker) {
        return Redis.connect(settings.redisUri(), settings.redisCluster(), Duration.ofMillis(settings.redisTimeoutMs()), registry).thenCompose(redis -> {
            CompletableFuture<? extends Broker> opening = broker.apply(redis);
            CompletableFuture<RedisPresence> presence = RedisPresence.open(redis, nodeId(), new RedisPresence.Settings(
                    Duration.ofMillis(settings.presenceTtlMs()), Duration.ofMillis(settings.presenceRefreshMs()),
                    EVICTION_TIMEOUT), registry);
            return opening.thenCombine(presence, (b, p) -> new Backend(b, p, redis::isReachable, redis::closeAsync))
                    .whenComplete((backend, failure) -> {
                        if (failure != null) {
                            opening.thenAcceptAsync(Broker::close, ownThread("parley-backend-close"));
                            redis.closeAsync();
                        }
                    });
        });
    }

    /**
     * The durable {@code broker} with the recent events of watched rooms answering reads while the
     * database cannot, and the database's timeout on every request, even where the driver's own
     * would wait longer.
     */
    private static Broker withOutages(PostgresBroker broker, Settings settings) {
        return new OutageBroker(broker, settings.database().timeoutMs(), settings.historySize());
    }

    /** The database, migrated, with its retention scheduled when it has limits. Blocks. */
    private static Database openDatabase(Settings settings, LongSupplier clock, MeterRegistry registry) {
        Database database = Database.open(settings.database(), registry);
        Retention retention = new Retention(database, settings.retentionMs(), settings.maxEvents(), RETENTION_BATCH, clock);
        if (retention.limits()) {
            retention.schedule();
        }
        return database;
    }

    /**
     * This backend, ready only while {@code database} answers too; its release closes the database
     * first (on the closing thread: the pool's close blocks), then what it released before.
     */
    private Backend alsoOn(Database database) {
        return new Backend(broker, presence, () -> reachable.getAsBoolean() && database.reachable(), () -> {
            database.close();
            return release.get();
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
