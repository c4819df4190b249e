package dev.parley.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.PostgresExtension;
import dev.parley.testing.PostgresServer;
import dev.parley.testing.RedisServer;
import dev.parley.testing.TestSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.parley.server.DurableEvents.offsets;
import static dev.parley.server.DurableEvents.storedTexts;
import static dev.parley.server.TestServers.roomEvents;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Edits, deletes, reactions and replies with durable history, over WebSocket: kept across a
 * restart, erased from the database when deleted, matched by search as edited, and in one order
 * on two nodes that share the database.
 */
class DurableRoomEventsIT {
    private static final AtomicInteger DATABASES = new AtomicInteger();

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    private static ParleyServer node(String url, RedisServer redis) {
        return TestServers.start(c -> {
            c.with("--database-url", url).with("--database-timeout-ms", 2000).with("--rate-per-sec", 10_000)
                    .with("--burst", 10_000);
            return redis == null ? c : c.with("--redis-uri", redis.uri()).with("--redis-timeout-ms", 5_000)
                    .with("--redis-check-ms", 200);
        });
    }

    @Test
    void stateSurvivesARestartADeletedTextLeavesTheDatabaseAndSearchSeesTheEditedText() throws SQLException {
        String url = POSTGRES.server().url(); // the database storedTexts reads
        String epoch;
        try (ParleyServer server = node(url, null);
             TestSocket alice = TestServers.member(server, "alice", "durable");
             TestSocket bob = TestServers.member(server, "bob", "durable")) {
            epoch = alice.request("history", "type", "history", "room", "durable").get("epoch").asText();
            alice.request("ack", "type", "send", "room", "durable", "text", "deploy failed");
            alice.request("ack", "type", "edit", "room", "durable", "offset", 1, "text", "deploy fixed");
            bob.request("ack", "type", "react", "room", "durable", "offset", 1, "emoji", "🎉", "on", true);
            bob.request("ack", "type", "send", "room", "durable", "text", "secret plan: rollback", "replyTo", 1);
            bob.request("ack", "type", "edit", "room", "durable", "offset", 4, "text", "secret plan: revert");
            bob.request("ack", "type", "delete", "room", "durable", "offset", 4);
            assertThat(roomEvents(alice, 6)).containsExactly("message 1", "edit 2", "reaction 3", "message 4", "edit 5",
                    "delete 6");
            assertThat(alice.request("results", "type", "search", "room", "durable", "query", "failed").get("messages"))
                    .isEmpty();
            assertThat(offsets(alice.request("results", "type", "search", "room", "durable", "query", "fixed")
                    .get("messages"))).containsExactly(1L);
            assertThat(alice.request("results", "type", "search", "room", "durable", "query", "secret").get("messages"))
                    .isEmpty();
        }
        assertThat(storedTexts(POSTGRES.server(), "durable")).noneMatch(text -> text != null && text.contains("secret"));

        try (ParleyServer server = node(url, null);
             TestSocket carol = TestSocket.login(server.webSocketUri(), "carol")) {
            JsonNode joined = carol.request("joined", "type", "join", "room", "durable",
                    "since", Map.of("epoch", epoch, "offset", 0));
            assertThat(joined.get("recovered").asBoolean()).isTrue();
            JsonNode log = joined.get("messages");
            assertThat(roomEvents(log)).hasSize(6);
            assertThat(log.get(0).get("text").asText()).as("the log: as sent").isEqualTo("deploy failed");
            assertThat(log.get(3).get("deleted").asBoolean()).isTrue();
            assertThat(log.get(4).has("text")).isFalse();

            JsonNode state = carol.request("history", "type", "history", "room", "durable").get("messages");
            assertThat(offsets(state)).containsExactly(1L, 4L);
            assertThat(state.get(0).get("text").asText()).isEqualTo("deploy fixed");
            assertThat(state.get(0).get("edited").asLong()).isPositive();
            JsonNode party = state.get(0).get("reactions").get(0);
            assertThat(party.get("emoji").asText()).isEqualTo("🎉");
            assertThat(party.get("count").asInt()).isEqualTo(1);
            assertThat(state.get(1).get("deleted").asBoolean()).isTrue();
            assertThat(state.get(1).get("replyTo").asLong()).isEqualTo(1);
            assertThat(state.get(1).has("text")).isFalse();
        }
    }

    @Test
    void twoNodesOnOneDatabaseOrderEveryRoomEventOnceAndDecideEachOnTheStateBeforeIt() {
        String url = POSTGRES.server().createDatabase("events_" + DATABASES.incrementAndGet());
        try (RedisServer redis = RedisServer.start();
             ParleyServer a = node(url, redis);
             ParleyServer b = node(url, redis);
             TestSocket alice = TestServers.member(a, "alice", "shared");
             TestSocket bob = TestServers.member(b, "bob", "shared")) {
            for (int i = 1; i <= 10; i++) {
                alice.request("ack", "type", "send", "room", "shared", "text", "poll " + i);
            }
            // From both nodes at once: bob reacts to every message while alice deletes the even ones.
            for (int i = 1; i <= 10; i++) {
                bob.send("type", "react", "id", "r" + i, "room", "shared", "offset", i, "emoji", "👍", "on", true);
                if (i % 2 == 0) {
                    alice.send("type", "delete", "id", "d" + i, "room", "shared", "offset", i);
                }
            }
            int reactions = 0;
            for (int i = 1; i <= 10; i++) {
                String id = "r" + i;
                JsonNode reply = bob.take(e -> id.equals(e.path("id").asText()), "the reply to " + id);
                if (i % 2 == 1) {
                    assertThat(reply.get("type").asText()).isEqualTo("ack");
                }
                if (reply.get("type").asText().equals("ack")) {
                    reactions++;
                } else {
                    assertThat(reply.get("code").asText()).as("reacting to a message deleted before").isEqualTo("not_found");
                }
            }
            List<String> atAlice = roomEvents(alice, 10 + 5 + reactions);
            List<String> atBob = roomEvents(bob, 10 + 5 + reactions);
            assertThat(atBob).isEqualTo(atAlice);
            assertThat(atAlice).filteredOn(e -> e.startsWith("delete")).hasSize(5);
            JsonNode state = bob.request("history", "type", "history", "room", "shared").get("messages");
            List<Integer> reacted = new ArrayList<>();
            state.forEach(message -> {
                if (message.has("reactions")) {
                    reacted.add(message.get("offset").asInt());
                }
            });
            assertThat(reacted).as("the odd ones keep their reaction; the even ones are deleted").containsExactly(1, 3, 5, 7, 9);
            JsonNode log = alice.request("history", "type", "history", "room", "shared", "events", "all", "after", 10,
                    "limit", 50).get("messages");
            assertThat(roomEvents(log)).isEqualTo(atAlice.subList(10, atAlice.size()));
        }
    }
}
