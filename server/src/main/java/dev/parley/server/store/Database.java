package dev.parley.server.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import com.zaxxer.hikari.pool.HikariPool;
import dev.parley.server.backend.UnavailableException;
import io.micrometer.core.instrument.MeterRegistry;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A node's PostgreSQL: the connection pool (pgjdbc and HikariCP), the schema (Flyway migrations,
 * applied when it opens), a bounded executor for reads, and whether the database can be reached.
 * JDBC blocks, so it runs only on this class's threads (and the writer's), never on an event loop.
 *
 * <p>Connections: {@code poolSize} in all, one for the {@link GroupCommitWriter}, one for the
 * writes of direct messages ({@link #write}), one for the probe of reachability and retention, the
 * rest for reads, one per read thread.
 */
public final class Database implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    /** Connections that are not the readers': the two writers' and the maintenance thread's. */
    static final int OTHER_CONNECTIONS = 3;
    /** Reads, or writes, waiting for a thread past which one fails with {@code unavailable}. */
    private static final int READ_QUEUE = 4096;
    private static final long PROBE_INTERVAL_MS = 1000;

    /**
     * @param timeoutMs    longest wait for a connection or a statement before the request fails with {@code unavailable}
     * @param webhookTypes the webhook types kept in the outbox ({@link WebhookOutbox}); none without a webhook URL
     */
    public record Settings(DatabaseUrl url, int poolSize, long timeoutMs, Set<String> webhookTypes) {
        public Settings {
            if (poolSize <= OTHER_CONNECTIONS) {
                throw new IllegalArgumentException("poolSize must be more than " + OTHER_CONNECTIONS);
            }
            webhookTypes = Set.copyOf(webhookTypes);
        }

        /** Without webhooks. */
        public Settings(DatabaseUrl url, int poolSize, long timeoutMs) {
            this(url, poolSize, timeoutMs, Set.of());
        }
    }

    /** Work on a connection of the pool. */
    @FunctionalInterface
    public interface Work<T> {
        T apply(Connection connection) throws SQLException;
    }

    private final Settings settings;
    private final HikariDataSource pool;
    private final ThreadPoolExecutor readers;
    /** One thread, so that writes are done in the order they were asked for. */
    private final ThreadPoolExecutor writer;
    private final ScheduledExecutorService maintenance;
    private volatile boolean reachable = true;

    private Database(Settings settings, HikariDataSource pool) {
        this.settings = settings;
        this.pool = pool;
        int readerCount = settings.poolSize() - OTHER_CONNECTIONS;
        this.readers = new ThreadPoolExecutor(readerCount, readerCount, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(READ_QUEUE), threads("parley-database-read"));
        this.writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(READ_QUEUE), threads("parley-database-dm-write"));
        this.maintenance = Executors.newSingleThreadScheduledExecutor(threads("parley-database-maintenance"));
        maintenance.scheduleWithFixedDelay(this::probe, PROBE_INTERVAL_MS, PROBE_INTERVAL_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * Connects, applies the migrations this node knows and starts the reachability probe; the
     * pool's metrics ({@code hikaricp_*}) go to {@code registry}. Blocks.
     * Throws {@link DatabaseStartException} with a one-line reason when the database cannot be
     * reached or logged into, or its schema is newer than this node knows.
     */
    public static Database open(Settings settings, MeterRegistry registry) {
        migrate(settings);
        HikariConfig config = new HikariConfig();
        config.setPoolName("parley-database");
        config.setJdbcUrl(settings.url().jdbcUrl());
        config.setUsername(settings.url().user());
        config.setPassword(settings.url().password());
        config.setMaximumPoolSize(settings.poolSize());
        config.setMinimumIdle(settings.poolSize());
        config.setConnectionTimeout(Math.max(250, settings.timeoutMs()));
        config.setValidationTimeout(Math.max(250, settings.timeoutMs()));
        config.setInitializationFailTimeout(settings.timeoutMs());
        // The server cancels a statement past the timeout; the socket timeout ends a wait on a
        // server that does not answer at all (stopped, or the network gone).
        config.setConnectionInitSql("set statement_timeout = " + settings.timeoutMs());
        config.addDataSourceProperty("socketTimeout", Long.toString(2 + settings.timeoutMs() / 1000));
        config.addDataSourceProperty("connectTimeout", Long.toString(1 + settings.timeoutMs() / 1000));
        config.addDataSourceProperty("tcpKeepAlive", "true");
        config.addDataSourceProperty("ApplicationName", "parley");
        config.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
        try {
            return new Database(settings, new HikariDataSource(config));
        } catch (HikariPool.PoolInitializationException e) {
            throw cannotConnect(settings, e);
        }
    }

    /** Applies the migrations with a connection of its own (no statement timeout: a migration may take long). */
    private static void migrate(Settings settings) {
        Flyway flyway = Flyway.configure()
                .dataSource(settings.url().jdbcUrl(), settings.url().user(), settings.url().password())
                .connectRetries(0)
                .load();
        try {
            MigrationInfoService info = flyway.info();
            MigrationInfo newest = Arrays.stream(info.applied())
                    .filter(migration -> migration.getState().name().startsWith("FUTURE")).reduce((a, b) -> b).orElse(null);
            if (newest != null) {
                MigrationInfo known = Arrays.stream(info.all())
                        .filter(migration -> !migration.getState().name().startsWith("FUTURE")).reduce((a, b) -> b).orElse(null);
                throw new DatabaseStartException("the database schema of " + settings.url().display() + " is at version "
                        + newest.getVersion() + ", newer than this node knows (" + (known == null ? "none" : known.getVersion())
                        + "): run a newer Parley");
            }
            int applied = flyway.migrate().migrationsExecuted;
            if (applied > 0) {
                LOG.info("database schema of {} migrated to version {}", settings.url().display(), flyway.info().current().getVersion());
            }
        } catch (FlywayException e) {
            throw cannotConnect(settings, e);
        }
    }

    private static DatabaseStartException cannotConnect(Settings settings, Exception e) {
        Throwable cause = e;
        while (cause.getCause() != null && !(cause instanceof SQLException)) {
            cause = cause.getCause();
        }
        String reason = cause.getMessage() == null ? cause.toString() : cause.getMessage().lines().findFirst().orElse("");
        return new DatabaseStartException("cannot use the database " + settings.url().display() + ": " + reason);
    }

    private static ThreadFactory threads(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Whether the last look at the database (the probe every second, or the last request) found it answering. */
    public boolean reachable() {
        return reachable;
    }

    Settings settings() {
        return settings;
    }

    /** A connection of the pool, for the writer and maintenance; waits at most the timeout. */
    Connection connection() throws SQLException {
        return pool.getConnection();
    }

    /**
     * Runs {@code work} on a read thread; fails with {@link UnavailableException} when the database
     * fails or is busy. A read that waited for a thread longer than the timeout is not run (its
     * caller has given up on it): a frozen database does not leave a backlog of stale reads.
     */
    <T> CompletableFuture<T> read(Work<T> work) {
        return run(readers, work);
    }

    /**
     * Runs {@code work} in one transaction on the one thread for small writes (direct messages, read markers),
     * after every write asked for before; fails as {@link #read} does, with nothing written. Not
     * the {@link GroupCommitWriter}'s thread: room events never wait for these.
     */
    <T> CompletableFuture<T> write(Work<T> work) {
        return run(writer, connection -> {
            connection.setAutoCommit(false);
            try {
                T result = work.apply(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        });
    }

    private <T> CompletableFuture<T> run(ThreadPoolExecutor executor, Work<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            long queued = System.nanoTime();
            executor.execute(() -> {
                if (System.nanoTime() - queued > TimeUnit.MILLISECONDS.toNanos(settings.timeoutMs())) {
                    result.completeExceptionally(new UnavailableException("the database is too slow", null));
                    return;
                }
                try (Connection connection = pool.getConnection()) {
                    result.complete(work.apply(connection));
                } catch (SQLException e) {
                    result.completeExceptionally(failed(e));
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new UnavailableException("the database is too busy", e));
        }
        return result;
    }

    /** Scheduled work on the maintenance thread (retention), which also runs the probe. */
    void schedule(Runnable task, long intervalMs) {
        maintenance.scheduleWithFixedDelay(task, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    /**
     * What a failed request is answered with: {@code unavailable}, whatever the failure, since
     * nothing was done. A lost connection also marks the database unreachable until the probe
     * finds it again.
     */
    UnavailableException failed(SQLException e) {
        String state = e.getSQLState();
        if (state == null || state.startsWith("08") || state.startsWith("57P")) {
            reachable = false;
        }
        return new UnavailableException("the database failed: " + e.getMessage(), e);
    }

    private void probe() {
        try (Connection connection = pool.getConnection()) {
            boolean valid = connection.isValid((int) Math.max(1, settings.timeoutMs() / 1000));
            if (valid != reachable) {
                LOG.info(valid ? "the database is reachable again" : "the database does not answer");
            }
            reachable = valid;
        } catch (SQLException e) {
            if (reachable) {
                LOG.warn("the database is out of reach: {}", e.getMessage());
            }
            reachable = false;
        }
    }

    @Override
    public void close() {
        maintenance.shutdownNow();
        writer.shutdown(); // the writes asked for are finished, within the timeout
        try {
            writer.awaitTermination(settings.timeoutMs() * 3, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        readers.shutdownNow();
        pool.close();
    }
}
