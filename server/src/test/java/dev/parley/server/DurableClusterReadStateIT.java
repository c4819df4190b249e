package dev.parley.server;

import dev.parley.testing.Jwts;
import dev.parley.testing.PostgresExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/** Read state kept in PostgreSQL, a user's sessions spread over two nodes of a durable cluster. */
class DurableClusterReadStateIT extends ReadStateContract {
    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    @RegisterExtension
    final DurableCluster cluster = new DurableCluster(POSTGRES);

    private final List<ParleyServer> nodes = new ArrayList<>();

    /** Node {@code index} mod 2, started on first use with the test's database and Redis. */
    @Override
    URI node(int index) {
        while (nodes.size() < 2) {
            nodes.add(cluster.node(c -> c.with("--jwt-hmac-secret", Jwts.SECRET).with("--redis-check-ms", 200)
                    .with("--rate-per-sec", 10_000).with("--burst", 10_000)));
        }
        return nodes.get(index % 2).webSocketUri();
    }
}
