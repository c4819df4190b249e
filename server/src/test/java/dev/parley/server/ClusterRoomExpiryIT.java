package dev.parley.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.TestSocket;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two nodes on Redis with a room TTL of one second, over WebSocket: the keys of a room nobody writes
 * to leave Redis while its members stay in it, and its next message starts a new epoch, which its
 * members recover from as from a Redis that lost the room.
 */
class ClusterRoomExpiryIT {
    private static final Duration EXPIRED_WITHIN = Duration.ofSeconds(10);

    @Test
    void anIdleRoomLeavesRedisWhileItsMembersStayAndItsNextMessageStartsANewEpoch() {
        try (Cluster cluster = Cluster.start(2, c -> c.with("--redis-room-ttl-s", 1));
             RedisClient adminClient = RedisClient.create(cluster.redis().uri());
             StatefulRedisConnection<String, String> adminConnection = adminClient.connect();
             TestSocket alice = TestServers.member(cluster.node(0), "alice", "idle");
             TestSocket bob = TestServers.member(cluster.node(1), "bob", "idle")) {
            RedisCommands<String, String> admin = adminConnection.sync();
            alice.request("ack", "type", "send", "room", "idle", "text", "before");
            assertThat(bob.next("message").get("text").asText()).isEqualTo("before");
            String epoch = bob.request("history", "type", "history", "room", "idle").get("epoch").asText();

            await().atMost(EXPIRED_WITHIN).until(() -> admin.keys("parley:room:{idle}*").isEmpty());
            assertThat(admin.exists("parley:presence:{idle}:members")).as("presence has its own TTL").isEqualTo(1);
            assertThat(alice.request("members", "type", "who", "room", "idle").get("members"))
                    .extracting(JsonNode::asText).containsExactlyInAnyOrder("alice", "bob");

            Cluster.assertStartsOver(alice, bob, "idle", epoch, cluster.node(1), "carol");
        }
    }
}
