package dev.parley.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.TestSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-session token bucket over send, dm and typing, and the 1008 close for sustained flooding. */
class RateLimitIT {
    private static final int BURST = 5;
    private static ParleyServer server;

    @BeforeAll
    static void start() {
        server = TestServers.start(c -> c.with("--rate-per-sec", 1).with("--burst", BURST));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void commandsOverTheBurstAreRejectedAndOthersAreNotLimited() {
        try (TestSocket alice = TestServers.member(server, "alice-rl", "limited")) {
            for (int i = 0; i < BURST; i++) {
                alice.request("ack", "type", "send", "id", i, "room", "limited", "text", "m" + i);
            }
            JsonNode limited = alice.request("error", "type", "typing", "id", "over", "room", "limited");
            assertThat(limited.get("code").asText()).isEqualTo("rate_limited");
            assertThat(limited.get("id").asText()).isEqualTo("over");
            assertThat(alice.request("error", "type", "dm", "to", "alice-rl", "text", "x").get("code").asText())
                    .isEqualTo("rate_limited");
            alice.request("pong", "type", "ping");
            alice.request("members", "type", "who", "room", "limited");
            assertThat(alice.request("history", "type", "history", "room", "limited").get("messages"))
                    .as("rejected sends were dropped").hasSize(BURST);
            assertThat(alice.isOpen()).isTrue();
        }
    }

    @Test
    void tokensRefillOverTime() {
        try (TestSocket bob = TestServers.member(server, "bob-rl", "refill")) {
            for (int i = 0; i < BURST; i++) {
                bob.request("ack", "type", "send", "room", "refill", "text", "m" + i);
            }
            assertThat(bob.request("error", "type", "send", "room", "refill", "text", "x").get("code").asText())
                    .isEqualTo("rate_limited");
            org.awaitility.Awaitility.await().pollInterval(java.time.Duration.ofMillis(300)).untilAsserted(() -> {
                bob.send("type", "send", "id", "retry", "room", "refill", "text", "later");
                assertThat(bob.take(e -> "retry".equals(e.path("id").asText()), "the retry's reply")
                        .get("type").asText()).isEqualTo("ack");
            });
        }
    }

    @Test
    void sustainedFloodingClosesWith1008() {
        try (TestSocket flood = TestServers.member(server, "flood-rl", "flooded");
             TestSocket calm = TestServers.member(server, "calm-rl", "flooded")) {
            for (int i = 0; i < BURST * 3 + 2; i++) {
                flood.send("type", "send", "room", "flooded", "text", "spam" + i);
            }
            assertThat(flood.awaitClose().code()).isEqualTo(1008);
            assertThat(calm.request("pong", "type", "ping")).isNotNull();
            org.awaitility.Awaitility.await().until(() -> calm.has("presence") && calm.queued().stream()
                    .anyMatch(e -> "leave".equals(e.path("event").asText())));
        }
    }
}
