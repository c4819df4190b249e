package dev.parley.server;

import dev.parley.testing.Jwts;
import dev.parley.testing.PostgresExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The server API across two nodes of a durable cluster: room events in PostgreSQL, the live part on Redis. */
class DurableClusterServerApiIT extends ClusterServerApiContract {
    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    @RegisterExtension
    final DurableCluster cluster = new DurableCluster(POSTGRES);

    @Override
    ParleyServer node(int index) {
        return cluster.node(index, c -> c.with("--api-key", KEY).with("--jwt-hmac-secret", Jwts.SECRET)
                .with("--redis-check-ms", 200).with("--rate-per-sec", 10_000).with("--burst", 10_000));
    }
}
