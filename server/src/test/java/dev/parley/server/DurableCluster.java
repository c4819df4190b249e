package dev.parley.server;

import dev.parley.server.config.ServerConfig;
import dev.parley.testing.PostgresExtension;
import dev.parley.testing.RedisServer;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * For the tests of durable history in a cluster: a new database on the class's PostgreSQL and a new
 * {@code redis-server} for each test, and the nodes in this JVM that share them, closed after it.
 */
final class DurableCluster implements BeforeEachCallback, AfterEachCallback {
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private final PostgresExtension postgres;
    private final List<ParleyServer> nodes = new ArrayList<>();
    private String database;
    private String url;
    private RedisServer redis;

    DurableCluster(PostgresExtension postgres) {
        this.postgres = postgres;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        database = "cluster_" + DATABASES.incrementAndGet();
        url = postgres.server().createDatabase(database);
        redis = RedisServer.start();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        try {
            closeNodes();
        } finally {
            redis.close();
        }
    }

    /** A node on the database and Redis, with {@code customize}'s settings. */
    ParleyServer node(UnaryOperator<ServerConfig.Builder> customize) {
        return nodeAlone(c -> customize.apply(c.with("--redis-uri", redis.uri())));
    }

    /** Node {@code index} of the test, started on first use with the nodes before it, each with {@code customize}'s settings. */
    ParleyServer node(int index, UnaryOperator<ServerConfig.Builder> customize) {
        while (nodes.size() <= index) {
            node(customize);
        }
        return nodes.get(index);
    }

    /** A node alone on the database (no Redis), with {@code customize}'s settings. */
    ParleyServer nodeAlone(UnaryOperator<ServerConfig.Builder> customize) {
        ParleyServer node = TestServers.start(c -> customize.apply(c.with("--database-url", url)));
        nodes.add(node);
        return node;
    }

    /** Closes every node started so far. */
    void closeNodes() {
        nodes.forEach(ParleyServer::close);
        nodes.clear();
    }

    /** The test's database, by name. */
    String database() {
        return database;
    }

    String url() {
        return url;
    }

    RedisServer redis() {
        return redis;
    }
}
