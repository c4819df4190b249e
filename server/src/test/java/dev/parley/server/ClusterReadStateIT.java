package dev.parley.server;

import dev.parley.testing.Jwts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.net.URI;

/** Read state kept in Redis, a user's sessions spread over two nodes that share it. */
class ClusterReadStateIT extends ReadStateContract {
    static Cluster cluster;

    @BeforeAll
    static void start() {
        cluster = Cluster.start(2, c -> c.with("--jwt-hmac-secret", Jwts.SECRET));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    URI node(int index) {
        return cluster.node(index % 2).webSocketUri();
    }
}
