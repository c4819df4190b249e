package dev.parley.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.TestSocket;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

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
        String epoch;
        try (Cluster cluster = Cluster.start(2, c -> c.with("--redis-room-ttl-s", 1));
             RedisClient adminClient = RedisClient.create(cluster.redis().uri());
             StatefulRedisConnection<String, String> adminConnection = adminClient.connect()) {
            RedisCommands<String, String> admin = adminConnection.sync();
            try (TestSocket alice = TestServers.member(cluster.node(0), "alice", "idle");
                 TestSocket bob = TestServers.member(cluster.node(1), "bob", "idle")) {
                alice.request("ack", "type", "send", "room", "idle", "text", "before");
                assertThat(bob.next("message").get("text").asText()).isEqualTo("before");
                epoch = bob.request("history", "type", "history", "room", "idle").get("epoch").asText();

                await().atMost(EXPIRED_WITHIN).until(() -> admin.keys("parley:room:{idle}*").isEmpty());
                assertThat(admin.exists("parley:presence:{idle}:members")).as("presence has its own TTL").isEqualTo(1);
                assertThat(alice.request("members", "type", "who", "room", "idle").get("members"))
                        .extracting(JsonNode::asText).containsExactlyInAnyOrder("alice", "bob");

                JsonNode ack = alice.request("ack", "type", "send", "room", "idle", "text", "after");
                assertThat(ack.get("offset").asLong()).as("offsets restart in the new history").isEqualTo(1);
                assertThat(bob.awaitClose().code()).as("a member of a room whose history expired recovers").isEqualTo(1012);
                assertThat(alice.awaitClose().code()).isEqualTo(1012);
            }
            try (TestSocket carol = TestSocket.login(cluster.node(1).webSocketUri(), "carol")) {
                JsonNode joined = carol.request("joined", "type", "join", "room", "idle",
                        "since", Map.of("epoch", epoch, "offset", 1));
                assertThat(joined.get("recovered").asBoolean()).isFalse();
                assertThat(joined.get("epoch").asText()).isNotEqualTo(epoch);
                assertThat(joined.get("messages")).extracting(m -> m.get("text").asText()).containsExactly("after");
            }
        }
    }
}
