package dev.parley.server;

import dev.parley.server.config.ServerConfig;
import dev.parley.testing.RedisServer;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Several server nodes in this JVM, on free ports, that share one real {@code redis-server}
 * started for them: a cluster for integration tests. Closing it stops the nodes, then Redis.
 */
final class Cluster implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final RedisServer redis;
    private final List<ParleyServer> nodes = new ArrayList<>();

    private Cluster(RedisServer redis) {
        this.redis = redis;
    }

    /** Starts Redis and {@code size} nodes on it that check their rooms' positions every 200 ms. */
    static Cluster start(int size) {
        return start(size, UnaryOperator.identity());
    }

    /** As {@link #start(int)}, each node's configuration changed by {@code customize}. */
    static Cluster start(int size, UnaryOperator<ServerConfig.Builder> customize) {
        Cluster cluster = new Cluster(RedisServer.start());
        try {
            for (int i = 0; i < size; i++) {
                cluster.nodes.add(TestServers.start(c -> customize.apply(c.with("--redis-uri", cluster.redis.uri())
                        .with("--redis-timeout-ms", 5_000).with("--redis-check-ms", 200).with("--rate-per-sec", 10_000)
                        .with("--burst", 10_000))));
            }
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    RedisServer redis() {
        return redis;
    }

    ParleyServer node(int index) {
        return nodes.get(index);
    }

    /** The status code of {@code GET /readyz} on {@code node}. */
    static int readiness(ParleyServer node) {
        try {
            return HTTP.send(HttpRequest.newBuilder(node.httpUri().resolve("/readyz")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            nodes.forEach(ParleyServer::close);
        } finally {
            redis.close();
        }
    }
}
