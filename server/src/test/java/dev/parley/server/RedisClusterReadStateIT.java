package dev.parley.server;

import dev.parley.testing.Jwts;
import org.junit.jupiter.api.BeforeAll;

/** {@link ClusterReadStateIT} on a real Redis Cluster: a user's markers in the rooms' slots, its set of rooms in its own. */
class RedisClusterReadStateIT extends ClusterReadStateIT {
    /** Supersedes {@link ClusterReadStateIT#start}. */
    @BeforeAll
    static void start() {
        cluster = Cluster.onRedisCluster(2, c -> c.with("--jwt-hmac-secret", Jwts.SECRET));
    }
}
