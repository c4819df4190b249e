package dev.parley.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.Jwts;
import dev.parley.testing.TestSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Read state on one node in memory, with auth on (several sessions per user), and without auth. */
class ReadStateIT extends ReadStateContract {
    private static ParleyServer server;
    private static ParleyServer open;

    @BeforeAll
    static void start() {
        server = TestServers.start(c -> c.with("--jwt-hmac-secret", Jwts.SECRET).with("--rate-per-sec", 10_000)
                .with("--burst", 10_000));
        open = TestServers.start();
    }

    @AfterAll
    static void stop() {
        server.close();
        open.close();
    }

    @Override
    URI node(int index) {
        return server.webSocketUri();
    }

    @Test
    void withoutAuthTheOneSessionReadsAndCounts() {
        try (TestSocket bob = TestServers.member(open, "rs-open-bob", "rs-open");
             TestSocket alice = TestServers.member(open, "rs-open-alice", "rs-open")) {
            long first = send(bob, "rs-open", "one");
            send(bob, "rs-open", "two @rs-open-alice");
            assertThat(reply(alice, 1, "type", "read", "room", "rs-open", "offset", first).get("type").asText())
                    .isEqualTo("ack");
            assertThat(unreadIn(alice, "rs-open")).isEqualTo(first + "/1/1");
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            try (TestSocket again = TestSocket.connect(open.webSocketUri())) {
                again.send("type", "hello", "nick", "rs-open-alice");
                JsonNode welcome = again.take(e -> e.path("type").asText().matches("welcome|error"), "welcome or error");
                assertThat(welcome.get("type").asText()).as("the nick is free once the session ended").isEqualTo("welcome");
                assertThat(entry(welcome.get("unread"), "rs-open").get("unread").asLong())
                        .as("markers outlive the session").isEqualTo(1);
            }
        });
    }
}
