package dev.parley.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.TestSocket;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.extensions.IExtension;
import org.java_websocket.protocols.IProtocol;
import org.java_websocket.protocols.Protocol;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The session's start: hello, welcome, nick rules, not_ready, the hello timeout, the subprotocol. */
class HelloIT {
    private static ParleyServer server;

    @BeforeAll
    static void start() {
        server = TestServers.start(c -> c.with("--hello-timeout-ms", 700).with("--max-rooms", 3)
                .with("--rate-per-sec", 7).with("--burst", 9).with("--recover-max", 11));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void welcomeCarriesSessionResumeIntervalsLimitsAndServer() {
        try (TestSocket alice = TestSocket.connect(server.webSocketUri())) {
            JsonNode welcome = alice.request("welcome", "type", "hello", "id", 1, "nick", "alice");
            assertThat(welcome.get("id").asInt()).isEqualTo(1);
            assertThat(welcome.get("id").isInt()).isTrue();
            assertThat(welcome.get("session").asText()).startsWith("s-");
            assertThat(welcome.get("nick").asText()).isEqualTo("alice");
            assertThat(welcome.get("resume").asText()).hasSizeGreaterThanOrEqualTo(16);
            assertThat(welcome.get("heartbeatMs").asLong()).isEqualTo(500);
            assertThat(welcome.get("idleTimeoutMs").asLong()).isEqualTo(5000);
            JsonNode limits = welcome.get("limits");
            assertThat(limits.get("maxFrameBytes").asInt()).isEqualTo(65536);
            assertThat(limits.get("maxTextChars").asInt()).isEqualTo(4000);
            assertThat(limits.get("maxRooms").asInt()).isEqualTo(3);
            assertThat(limits.get("ratePerSec").asInt()).isEqualTo(7);
            assertThat(limits.get("burst").asInt()).isEqualTo(9);
            assertThat(limits.get("recoverMax").asInt()).isEqualTo(11);
            assertThat(limits.get("maxSessionsPerUser").asInt()).as("without auth a nick has one session").isEqualTo(1);
            assertThat(welcome.get("server").asText()).startsWith("parley/");
            List<String> features = new ArrayList<>();
            welcome.get("features").forEach(feature -> features.add(feature.asText()));
            assertThat(features).as("in memory: the room events and read state, sorted").containsExactly("delete", "edit", "reactions", "read", "replies");
        }
    }

    @Test
    void commandsBeforeHelloAreNotReady() {
        try (TestSocket socket = TestSocket.connect(server.webSocketUri())) {
            JsonNode error = socket.request("error", "type", "join", "id", "x", "room", "general");
            assertThat(error.get("code").asText()).isEqualTo("not_ready");
            assertThat(error.get("id").asText()).isEqualTo("x");
            assertThat(socket.request("error", "type", "ping", "id", 2).get("code").asText()).isEqualTo("not_ready");
            socket.request("welcome", "type", "hello", "nick", "late-but-fine");
        }
    }

    @Test
    void nickRules() {
        try (TestSocket socket = TestSocket.connect(server.webSocketUri())) {
            for (String bad : List.of("", "has space", "x".repeat(33), "bad!", "ünï")) {
                JsonNode error = socket.request("error", "type", "hello", "id", bad, "nick", bad);
                assertThat(error.get("code").asText()).as(bad).isEqualTo("nick_invalid");
            }
            assertThat(socket.request("welcome", "type", "hello", "nick", "A_b-c.9" + "x".repeat(25))
                    .get("nick").asText()).hasSize(32);
        }
    }

    @Test
    void nicksAreUniqueCaseInsensitivelyAndFreedOnClose() {
        TestSocket first = TestSocket.login(server.webSocketUri(), "Carol");
        try (TestSocket second = TestSocket.connect(server.webSocketUri())) {
            JsonNode error = second.request("error", "type", "hello", "id", 5, "nick", "cAROL");
            assertThat(error.get("code").asText()).isEqualTo("nick_taken");
            assertThat(error.get("id").asInt()).isEqualTo(5);
            assertThat(second.request("error", "type", "hello", "nick", "Carol").get("code").asText())
                    .as("without auth, no second session under the same spelling either").isEqualTo("nick_taken");
            first.close();
            first.awaitClose();
            org.awaitility.Awaitility.await().untilAsserted(() -> {
                second.send("type", "hello", "id", "again", "nick", "carol");
                JsonNode reply = second.take(e -> "again".equals(e.path("id").asText()), "the reply to the retry");
                assertThat(reply.get("type").asText()).isEqualTo("welcome");
            });
        }
    }

    @Test
    void helloTwiceIsABadRequest() {
        try (TestSocket socket = TestSocket.login(server.webSocketUri(), "dave")) {
            assertThat(socket.request("error", "type", "hello", "nick", "dave2").get("code").asText())
                    .isEqualTo("bad_request");
        }
    }

    @Test
    void noHelloInTimeClosesWith4008() {
        try (TestSocket socket = TestSocket.connect(server.webSocketUri())) {
            TestSocket.Close close = socket.awaitClose();
            assertThat(close.code()).isEqualTo(4008);
            assertThat(close.reason()).isEqualTo("hello timeout");
        }
    }

    @Test
    void aTimelyHelloCancelsTheTimeout() {
        try (TestSocket socket = TestSocket.login(server.webSocketUri(), "erin")) {
            org.awaitility.Awaitility.await().during(java.time.Duration.ofMillis(1500))
                    .atMost(java.time.Duration.ofSeconds(5)).until(socket::isOpen);
        }
    }

    @Test
    void selectsTheSubprotocolWhenOfferedAndAcceptsClientsThatOfferNone() {
        Draft_6455 offering = new Draft_6455(List.<IExtension>of(),
                List.<IProtocol>of(new Protocol("other.v9"), new Protocol("parley.v1")));
        try (TestSocket socket = TestSocket.connect(server.webSocketUri(), offering, Map.of())) {
            assertThat(socket.client().getProtocol().getProvidedProtocol()).isEqualTo("parley.v1");
        }
        try (TestSocket socket = TestSocket.connect(server.webSocketUri())) {
            assertThat(socket.client().getProtocol().getProvidedProtocol()).isEmpty();
            socket.request("welcome", "type", "hello", "nick", "plain");
        }
    }
}
