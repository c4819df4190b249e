package dev.parley.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.TestSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A graceful stop of one node of two: by default its members' leaves are announced at once; with
 * {@code keepPresenceOnStop} they stay in their rooms, so that a client resuming on the other node
 * is no leave and join, and one that never comes back is announced gone once its entry expires.
 */
class ClusterStopIT {
    private static final long TTL_MS = 3_000;
    private static final long REFRESH_MS = 500;

    private Cluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private void start(boolean keepPresenceOnStop) {
        cluster = Cluster.start(2, c -> c.with("--presence-ttl-ms", TTL_MS).with("--presence-refresh-ms", REFRESH_MS)
                .with("--keep-presence-on-stop", keepPresenceOnStop));
    }

    private static boolean isPresenceOf(JsonNode event, String nick) {
        return event.path("type").asText().equals("presence") && event.path("nick").asText().equals(nick);
    }

    /** At once by default; with presence kept on a stop, once the membership expires. */
    @ParameterizedTest(name = "keepPresenceOnStop {0}")
    @ValueSource(booleans = {false, true})
    void aMemberOfAStoppedNodeThatDoesNotComeBackIsAnnouncedGoneOnce(boolean keepPresenceOnStop) throws Exception {
        start(keepPresenceOnStop);
        try (TestSocket watcher = TestServers.member(cluster.node(1), "watcher", "deploy");
             TestSocket alice = TestServers.member(cluster.node(0), "alice", "deploy")) {
            stopTheNodeOf(alice, watcher);
            if (keepPresenceOnStop) {
                assertThat(TestServers.who(watcher, "deploy")).as("kept for a resume").containsExactly("alice", "watcher");
            }
            JsonNode left = watcher.next("presence");
            assertThat(left.get("event").asText()).isEqualTo("leave");
            assertThat(left.get("nick").asText()).isEqualTo("alice");
            assertThat(TestServers.who(watcher, "deploy")).containsExactly("watcher");
            watcher.request("pong", "type", "ping");
            assertThat(watcher.queued()).as("told once").noneMatch(event -> isPresenceOf(event, "alice"));
        }
    }

    /** Stops node 0, where {@code alice} is, once {@code watcher} on node 1 has seen her join. */
    private void stopTheNodeOf(TestSocket alice, TestSocket watcher) throws Exception {
        assertThat(watcher.next("presence").get("event").asText()).isEqualTo("join");
        cluster.node(0).stop().get(10, TimeUnit.SECONDS);
        assertThat(alice.awaitClose().code()).isEqualTo(1001);
    }

    @Test
    void aClientThatResumesOnAnotherNodeAfterAStopIsNeitherAnnouncedGoneNorBack() throws Exception {
        start(true);
        try (TestSocket watcher = TestServers.member(cluster.node(1), "watcher", "deploy");
             TestSocket alice = TestSocket.connect(cluster.node(0).webSocketUri())) {
            JsonNode welcome = alice.request("welcome", "type", "hello", "nick", "alice");
            JsonNode joined = alice.request("joined", "type", "join", "room", "deploy");
            long seen = watcher.request("ack", "type", "send", "room", "deploy", "text", "before").get("offset").asLong();
            alice.next("message");

            stopTheNodeOf(alice, watcher);
            watcher.request("ack", "type", "send", "room", "deploy", "text", "while you were away");
            assertThat(TestServers.who(watcher, "deploy")).as("still a member while away").containsExactly("alice", "watcher");

            try (TestSocket back = TestSocket.connect(cluster.node(1).webSocketUri())) {
                back.request("welcome", "type", "hello", "nick", "alice", "resume", welcome.get("resume").asText());
                JsonNode rejoined = back.request("joined", "type", "join", "room", "deploy", "since",
                        Map.of("epoch", joined.get("epoch").asText(), "offset", seen));
                assertThat(rejoined.get("recovered").asBoolean()).isTrue();
                assertThat(rejoined.get("messages")).extracting(m -> m.get("text").asText())
                        .containsExactly("while you were away");

                // On past the old entry's expiry: the new node keeps the member, and nobody is told a thing.
                Duration pastExpiry = Duration.ofMillis(TTL_MS + 2 * REFRESH_MS);
                await().during(pastExpiry).atMost(pastExpiry.plusSeconds(5))
                        .until(() -> watcher.queued().stream().noneMatch(event -> isPresenceOf(event, "alice")));
                assertThat(TestServers.who(watcher, "deploy")).containsExactly("alice", "watcher");

                back.request("left", "type", "leave", "room", "deploy");
                assertThat(watcher.next("presence").get("event").asText()).as("a later leave is told as ever")
                        .isEqualTo("leave");
            }
        }
    }
}
