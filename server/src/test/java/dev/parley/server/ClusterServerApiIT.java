package dev.parley.server;

import dev.parley.testing.Jwts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The server API across two nodes that share one Redis. */
class ClusterServerApiIT extends ClusterServerApiContract {
    private static Cluster cluster;

    @BeforeAll
    static void start() {
        cluster = Cluster.start(2, c -> c.with("--api-key", KEY).with("--jwt-hmac-secret", Jwts.SECRET));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    ParleyServer node(int index) {
        return cluster.node(index);
    }
}
