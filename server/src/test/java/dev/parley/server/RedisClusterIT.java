package dev.parley.server;

import org.junit.jupiter.api.BeforeAll;

import java.util.function.UnaryOperator;

/**
 * {@link ClusterIT} on a real Redis Cluster: three nodes whose rooms' keys and sharded channels,
 * nicks and users spread over three masters.
 */
class RedisClusterIT extends ClusterIT {
    /** Supersedes {@link ClusterIT#start}. */
    @BeforeAll
    static void start() {
        cluster = Cluster.onRedisCluster(3, UnaryOperator.identity());
    }
}
