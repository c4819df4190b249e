package dev.parley.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.TestSocket;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.parley.server.TestServers.roomEvents;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Edits, deletes, reactions and replies on two nodes that share one Redis, over WebSocket: one
 * order for every member on either node, state in answers, the log in recovery, and a deleted
 * text gone from Redis.
 */
class ClusterRoomEventsIT {
    private static Cluster cluster;

    @BeforeAll
    static void start() {
        cluster = Cluster.start(2);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Every string Redis holds in the room's keys: stream fields, hash fields and values. */
    private static String redisContents(String room) {
        RedisClient client = RedisClient.create(cluster.redis().uri());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisCommands<String, String> redis = connection.sync();
            StringBuilder contents = new StringBuilder();
            for (String key : redis.keys("parley:room:{" + room + "}*")) {
                switch (redis.type(key)) {
                    case "stream" -> redis.xrange(key, Range.create("-", "+")).forEach(entry -> contents.append(entry.getBody()));
                    case "hash" -> contents.append(redis.hgetall(key));
                    default -> contents.append(key);
                }
            }
            return contents.toString();
        } finally {
            client.shutdown();
        }
    }

    @Test
    void editsReactionsRepliesAndDeletesReachEveryNodeInOneOrderAndADeletedTextLeavesRedis() {
        try (TestSocket alice = TestServers.member(cluster.node(0), "alice", "life");
             TestSocket bob = TestServers.member(cluster.node(1), "bob", "life")) {
            String epoch = bob.request("history", "type", "history", "room", "life").get("epoch").asText();
            alice.request("ack", "type", "send", "room", "life", "text", "the code is 4711");
            assertThat(alice.request("ack", "type", "edit", "room", "life", "offset", 1, "text", "the code is 4712")
                    .get("offset").asLong()).isEqualTo(2);
            assertThat(bob.request("ack", "type", "react", "room", "life", "offset", 1, "emoji", "👍", "on", true)
                    .get("offset").asLong()).isEqualTo(3);
            assertThat(bob.request("ack", "type", "react", "room", "life", "offset", 1, "emoji", "👍", "on", true)
                    .has("offset")).as("already on: nothing published").isFalse();
            assertThat(bob.request("error", "type", "edit", "room", "life", "offset", 1, "text", "mine now")
                    .get("code").asText()).isEqualTo("forbidden");
            assertThat(bob.request("error", "type", "react", "room", "life", "offset", 2, "emoji", "👍", "on", true)
                    .get("code").asText()).as("an edit is no message").isEqualTo("not_found");
            bob.request("ack", "type", "send", "room", "life", "text", "which code?", "replyTo", 1);

            JsonNode state = alice.request("history", "type", "history", "room", "life").get("messages");
            assertThat(state).hasSize(2);
            assertThat(state.get(0).get("text").asText()).isEqualTo("the code is 4712");
            assertThat(state.get(0).get("edited").asLong()).isPositive();
            assertThat(state.get(0).get("reactions").get(0).get("nicks").get(0).asText()).isEqualTo("bob");
            assertThat(state.get(1).get("replyTo").asLong()).isEqualTo(1);

            alice.request("ack", "type", "delete", "room", "life", "offset", 1);
            assertThat(bob.request("error", "type", "send", "room", "life", "text", "late", "replyTo", 1)
                    .get("code").asText()).isEqualTo("not_found");
            List<String> order = List.of("message 1", "edit 2", "reaction 3", "message 4", "delete 5");
            assertThat(roomEvents(alice, 5)).isEqualTo(order);
            assertThat(roomEvents(bob, 5)).isEqualTo(order);

            JsonNode log = bob.request("history", "type", "history", "room", "life", "events", "all").get("messages");
            assertThat(log).hasSize(5);
            assertThat(log.get(0).get("deleted").asBoolean()).isTrue();
            assertThat(log.get(0).has("text")).isFalse();
            assertThat(log.get(1).get("type").asText()).isEqualTo("edit");
            assertThat(log.get(1).has("text")).isFalse();
            assertThat(log.get(2).get("emoji").asText()).isEqualTo("👍");
            assertThat(redisContents("life")).doesNotContain("4711", "4712").contains("which code?");

            try (TestSocket carol = TestSocket.login(cluster.node(1).webSocketUri(), "carol")) {
                JsonNode joined = carol.request("joined", "type", "join", "room", "life",
                        "since", Map.of("epoch", epoch, "offset", 2));
                assertThat(joined.get("recovered").asBoolean()).isTrue();
                assertThat(roomEvents(joined.get("messages"))).containsExactly("reaction 3", "message 4", "delete 5");
            }
        }
    }
}
