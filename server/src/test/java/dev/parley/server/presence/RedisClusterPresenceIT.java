package dev.parley.server.presence;

import dev.parley.server.redis.Redis;
import dev.parley.testing.RedisCluster;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@link PresenceContract} of {@link RedisPresence} on a real Redis Cluster: three nodes, each
 * nick's and room's keys in their own slot, the node channels sharded; and the look for orphaned
 * node indexes, whose SCAN steps through every master.
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
            node("n" + nodes.size(), SETTINGS, (room, nick) -> { });
        }
        return nodes.get(index);
    }

    private Redis node(String id, RedisPresence.Settings settings, BiConsumer<String, String> expired) {
        Redis connection = Redis.connect(RedisCluster.shared().uris(), true, Duration.ofSeconds(2),
                new SimpleMeterRegistry()).join();
        connections.add(connection);
        RedisPresence node = RedisPresence.open(connection, id, settings, new SimpleMeterRegistry()).join();
        node.listen(new PresenceListener() {
            @Override
            public void memberExpired(String room, String nick) {
                expired.accept(room, nick);
            }

            @Override
            public CompletableFuture<Void> evict(String sessionId) {
                return CompletableFuture.completedFuture(null);
            }
        });
        nodes.add(node);
        return connection;
    }

    @Test
    void aDeadNodeWhoseHeartbeatWasLostIsFoundByTheScanOfEveryMasterAndCleanedUpOnce() {
        RedisPresence.Settings fast = new RedisPresence.Settings(Duration.ofMillis(1500), Duration.ofMillis(250),
                Duration.ofSeconds(2));
        Queue<String> expired = new ConcurrentLinkedQueue<>();
        Redis dying = node("d", fast, (room, nick) -> { });
        RedisPresence d = nodes.get(0);
        node("b", fast, (room, nick) -> expired.add(room + "/" + nick));
        RedisPresence b = nodes.get(1);
        for (String room : List.of("r", "s", "t", "u")) {
            d.join(room, "dora", "s-1").join();
        }
        d.claim("dora", new NickOwner("s-1", "secret"), null, 1).join();
        b.join("r", "bob", "s-bob").join();

        dying.close();
        RedisClusterClient admin = RedisClusterClient.create(
                RedisURI.create("redis://127.0.0.1:" + RedisCluster.shared().ports().get(0)));
        try (StatefulRedisClusterConnection<String, String> connection = admin.connect()) {
            connection.sync().del("parley:nodes");
        } finally {
            admin.shutdown(0, 0, TimeUnit.SECONDS);
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> expired.size() == 4);
        assertThat(expired).containsExactlyInAnyOrder("r/dora", "s/dora", "t/dora", "u/dora");
        assertThat(b.members("r", null, 10).join()).containsExactly("bob");
        assertThat(b.claim("dora", new NickOwner("s-2", "x"), null, 1).join()).isEqualTo(NickClaim.GRANTED);
    }
}
