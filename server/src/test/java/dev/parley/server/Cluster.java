package dev.parley.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.server.config.ServerConfig;
import dev.parley.testing.RedisCluster;
import dev.parley.testing.RedisServer;
import dev.parley.testing.TestSocket;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several server nodes in this JVM, on free ports, that share one real {@code redis-server}
 * started for them, or the Redis Cluster this JVM's tests share: a cluster for integration tests.
 * Closing it stops the nodes, then the {@code redis-server}.
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
        RedisServer redis = RedisServer.start();
        return start(new Cluster(redis), size, c -> customize.apply(c.with("--redis-uri", redis.uri())));
    }

    /**
     * {@code size} nodes as {@link #start(int, UnaryOperator)} makes them, on the Redis Cluster that
     * this JVM's tests share ({@link RedisCluster#shared}), emptied first; {@link #redis} is null.
     */
    static Cluster onRedisCluster(int size, UnaryOperator<ServerConfig.Builder> customize) {
        RedisCluster redis = RedisCluster.shared();
        redis.flushAll();
        return start(new Cluster(null), size, c -> customize.apply(c.with("--redis-cluster", true)
                .with("--redis-uri", redis.uris())));
    }

    private static Cluster start(Cluster cluster, int size, UnaryOperator<ServerConfig.Builder> customize) {
        try {
            for (int i = 0; i < size; i++) {
                cluster.nodes.add(TestServers.start(c -> customize.apply(c
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

    /**
     * In {@code room}, whose history of {@code lostEpoch} Redis no longer has: {@code sender}'s next
     * message starts a new history at offset 1, and {@code sender} and {@code member} are closed with
     * 1012; then {@code newcomer} (a new nick: the closed sessions' may still be releasing) joining on
     * {@code node} with {@code since} of the lost epoch is not recovered and gets that message.
     */
    static void assertStartsOver(TestSocket sender, TestSocket member, String room, String lostEpoch, ParleyServer node,
                                 String newcomer) {
        JsonNode ack = sender.request("ack", "type", "send", "room", room, "text", "after");
        assertThat(ack.get("offset").asLong()).as("offsets restart in the new history").isEqualTo(1);
        assertThat(member.awaitClose().code()).as("a member of a room whose history was lost recovers").isEqualTo(1012);
        assertThat(sender.awaitClose().code()).isEqualTo(1012);
        try (TestSocket joiner = TestSocket.login(node.webSocketUri(), newcomer)) {
            JsonNode joined = joiner.request("joined", "type", "join", "room", room,
                    "since", Map.of("epoch", lostEpoch, "offset", 1));
            assertThat(joined.get("recovered").asBoolean()).isFalse();
            assertThat(joined.get("epoch").asText()).isNotEqualTo(lostEpoch);
            assertThat(joined.get("messages")).extracting(m -> m.get("text").asText()).containsExactly("after");
        }
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
            if (redis != null) {
                redis.close();
            }
        }
    }
}
