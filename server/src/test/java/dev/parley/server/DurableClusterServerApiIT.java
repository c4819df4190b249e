package dev.parley.server;

import dev.parley.testing.Jwts;
import dev.parley.testing.PostgresExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;

/** The server API across two nodes of a durable cluster: room events in PostgreSQL, the live part on Redis. */
class DurableClusterServerApiIT extends ClusterServerApiContract {
    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    @RegisterExtension
    final DurableCluster cluster = new DurableCluster(POSTGRES);

    private final List<ParleyServer> nodes = new ArrayList<>();

    /** Node {@code index}, both started on first use with the test's database and Redis. */
    @Override
    ParleyServer node(int index) {
        while (nodes.size() < 2) {
            nodes.add(cluster.node(c -> c.with("--api-key", KEY).with("--jwt-hmac-secret", Jwts.SECRET)
                    .with("--redis-check-ms", 200).with("--rate-per-sec", 10_000).with("--burst", 10_000)));
        }
        return nodes.get(index);
    }
}
