package dev.parley.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.TestSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Taking a nick over with the resume secret, and recovering what was missed meanwhile. */
class ResumeIT {
    private static ParleyServer server;

    @BeforeAll
    static void start() {
        server = TestServers.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void theResumeSecretTakesTheNickOverAndClosesTheOldConnectionWith4009() {
        try (TestSocket watcher = TestServers.member(server, "watcher", "resume-room");
             TestSocket old = TestSocket.connect(server.webSocketUri())) {
            JsonNode welcome = old.request("welcome", "type", "hello", "nick", "Alice");
            old.request("joined", "type", "join", "room", "resume-room");
            JsonNode joinedAt = watcher.next("presence");
            assertThat(joinedAt.get("event").asText()).isEqualTo("join");
            JsonNode ack = watcher.request("ack", "type", "send", "room", "resume-room", "text", "before");

            try (TestSocket thief = TestSocket.connect(server.webSocketUri())) {
                JsonNode refused = thief.request("error", "type", "hello", "nick", "alice", "resume", "wrong-secret");
                assertThat(refused.get("code").asText()).isEqualTo("nick_taken");
            }

            try (TestSocket fresh = TestSocket.connect(server.webSocketUri())) {
                JsonNode resumed = fresh.request("welcome", "type", "hello", "id", 1, "nick", "alice",
                        "resume", welcome.get("resume").asText());
                assertThat(resumed.get("nick").asText()).isEqualTo("alice");
                assertThat(resumed.get("resume").asText()).isNotEqualTo(welcome.get("resume").asText());
                TestSocket.Close close = old.awaitClose();
                assertThat(close.code()).isEqualTo(4009);
                assertThat(close.reason()).isEqualTo("session replaced");

                JsonNode left = watcher.next("presence");
                assertThat(left.get("event").asText()).isEqualTo("leave");
                assertThat(left.get("nick").asText()).isEqualTo("Alice");

                watcher.request("ack", "type", "send", "room", "resume-room", "text", "missed");
                JsonNode rejoined = fresh.request("joined", "type", "join", "room", "resume-room",
                        "since", Map.of("epoch", watcherEpoch(watcher), "offset", ack.get("offset").asLong()));
                assertThat(rejoined.get("recovered").asBoolean()).isTrue();
                assertThat(rejoined.get("messages")).extracting(m -> m.get("text").asText()).containsExactly("missed");
                assertThat(rejoined.get("members")).extracting(JsonNode::asText).containsExactly("alice", "watcher");
                JsonNode back = watcher.next("presence");
                assertThat(back.get("event").asText()).isEqualTo("join");
                watcher.request("pong", "type", "ping");
                assertThat(watcher.has("presence")).as("told exactly once").isFalse();
            }
        }
    }

    @Test
    void aJoinThatMissedMoreThanRecoverMaxGetsTheLatestAndHowManyWereMissedWhichHistoryAfterFetches() {
        try (ParleyServer small = TestServers.start(c -> c.with("--recover-max", 3).with("--history-on-join", 2));
             TestSocket writer = TestServers.member(small, "writer", "busy");
             TestSocket reader = TestSocket.login(small.webSocketUri(), "reader")) {
            JsonNode first = reader.request("joined", "type", "join", "room", "busy");
            reader.request("left", "type", "leave", "room", "busy");
            for (int i = 1; i <= 6; i++) {
                writer.request("ack", "type", "send", "room", "busy", "text", "m" + i);
            }
            Map<String, Object> since = Map.of("epoch", first.get("epoch").asText(), "offset", 1);
            JsonNode rejoined = reader.request("joined", "type", "join", "room", "busy", "since", since);
            assertThat(rejoined.get("recovered").asBoolean()).isFalse();
            assertThat(rejoined.get("epoch").asText()).isEqualTo(first.get("epoch").asText());
            assertThat(rejoined.get("messages")).extracting(m -> m.get("text").asText()).containsExactly("m5", "m6");
            assertThat(rejoined.get("missed").asLong()).as("m2, m3 and m4").isEqualTo(3);
            JsonNode gap = reader.request("history", "type", "history", "room", "busy", "after", 1, "limit", 3);
            assertThat(gap.get("messages")).extracting(m -> m.get("text").asText()).containsExactly("m2", "m3", "m4");
            reader.request("left", "type", "leave", "room", "busy");

            JsonNode recovered = reader.request("joined", "type", "join", "room", "busy",
                    "since", Map.of("epoch", first.get("epoch").asText(), "offset", 3));
            assertThat(recovered.get("recovered").asBoolean()).as("3 missed, at most 3 recovered").isTrue();
            assertThat(recovered.has("missed")).isFalse();
        }
    }

    private static String watcherEpoch(TestSocket watcher) {
        return watcher.request("history", "type", "history", "room", "resume-room", "limit", 1).get("epoch").asText();
    }
}
