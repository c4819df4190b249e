package dev.parley.server;

import dev.parley.testing.Jwts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.net.URI;

/** Several sessions per user spread over two nodes that share one Redis. */
class ClusterMultiSessionIT extends MultiSessionContract {
    private static Cluster cluster;

    @BeforeAll
    static void start() {
        cluster = Cluster.start(2, c -> c.with("--jwt-hmac-secret", Jwts.SECRET).with("--presence-ttl-ms", 1500)
                .with("--presence-refresh-ms", 300));
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
