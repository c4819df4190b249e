package dev.parley.server.presence;

import dev.parley.server.redis.Redis;
import dev.parley.testing.RedisCluster;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@link PresenceContract} of {@link RedisPresence} on a real Redis Cluster: three nodes, each
 * nick's and room's keys in their own slot, the node channels sharded.
 */
class RedisClusterPresenceIT extends PresenceContract {
    private static final RedisPresence.Settings SETTINGS = new RedisPresence.Settings(Duration.ofSeconds(10),
            Duration.ofSeconds(2), Duration.ofSeconds(2));

    private final List<Redis> connections = new ArrayList<>();
    private final List<RedisPresence> nodes = new ArrayList<>();

    @BeforeEach
    void emptyCluster() {
        RedisCluster.shared().flushAll();
    }

    @AfterEach
    void stopAll() {
        nodes.forEach(RedisPresence::close);
        connections.forEach(Redis::close);
    }

    @Override
    Presence node(int index) {
        while (nodes.size() <= index) {
            Redis connection = Redis.connect(RedisCluster.shared().uris(), true, Duration.ofSeconds(2),
                    new SimpleMeterRegistry()).join();
            connections.add(connection);
            nodes.add(RedisPresence.open(connection, "n" + nodes.size(), SETTINGS, new SimpleMeterRegistry()).join());
        }
        return nodes.get(index);
    }
}
