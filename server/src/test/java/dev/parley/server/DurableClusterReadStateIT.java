package dev.parley.server;

import dev.parley.testing.Jwts;
import dev.parley.testing.PostgresExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;

/** Read state kept in PostgreSQL, a user's sessions spread over two nodes of a durable cluster. */
class DurableClusterReadStateIT extends ReadStateContract {
    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    @RegisterExtension
    final DurableCluster cluster = new DurableCluster(POSTGRES);

    /** Node {@code index} mod 2, started on first use with the test's database and Redis. */
    @Override
    URI node(int index) {
        return cluster.node(index % 2, c -> c.with("--jwt-hmac-secret", Jwts.SECRET).with("--redis-check-ms", 200)
                .with("--rate-per-sec", 10_000).with("--burst", 10_000)).webSocketUri();
    }
}
