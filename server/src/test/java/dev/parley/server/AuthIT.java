package dev.parley.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.Jwts;
import dev.parley.testing.TestSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** JWT auth end to end: hello with a token, the rooms claim, refresh, expiry, resume. */
class AuthIT {
    private static ParleyServer server;

    @BeforeAll
    static void start() {
        server = TestServers.start(c -> c.with("--jwt-hmac-secret", Jwts.SECRET));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static TestSocket login(String nick, String token) {
        TestSocket socket = TestSocket.connect(server.webSocketUri());
        socket.request("welcome", "type", "hello", "id", 1, "nick", nick, "token", token);
        return socket;
    }

    @Test
    void helloWithoutATokenIsUnauthorizedAndClosedWith1008() {
        try (TestSocket socket = TestSocket.connect(server.webSocketUri())) {
            JsonNode error = socket.request("error", "type", "hello", "id", 1, "nick", "anon");
            assertThat(error.get("code").asText()).isEqualTo("unauthorized");
            assertThat(error.get("id").asInt()).isEqualTo(1);
            assertThat(socket.awaitClose().code()).isEqualTo(1008);
        }
    }

    @Test
    void tokenForAnotherNickIsUnauthorized() {
        try (TestSocket socket = TestSocket.connect(server.webSocketUri())) {
            JsonNode error = socket.request("error", "type", "hello", "nick", "alice",
                    "token", Jwts.hs256("mallory", Duration.ofMinutes(1)));
            assertThat(error.get("code").asText()).isEqualTo("unauthorized");
            assertThat(socket.awaitClose().code()).isEqualTo(1008);
        }
    }

    @Test
    void roomsClaimLimitsJoinsWithPrefixPatterns() {
        try (TestSocket socket = login("ann", Jwts.hs256("ann", Duration.ofMinutes(5), List.of("team-*", "lobby")))) {
            socket.request("joined", "type", "join", "id", 2, "room", "team-red");
            socket.request("joined", "type", "join", "id", 3, "room", "lobby");
            JsonNode error = socket.request("error", "type", "join", "id", 4, "room", "general");
            assertThat(error.get("code").asText()).isEqualTo("forbidden");
            assertThat(error.get("id").asInt()).isEqualTo(4);
            assertThat(socket.request("pong", "type", "ping", "id", 5).get("id").asInt()).as("still open").isEqualTo(5);
        }
    }

    @Test
    void tokenThatExpiresUnrefreshedClosesWith4003() {
        // 2 s past exp is inside the 5 s leeway: accepted, and closed at most 3 s later.
        try (TestSocket socket = login("bea", Jwts.hs256("bea", Duration.ofSeconds(-2)))) {
            assertThat(socket.awaitClose(Duration.ofSeconds(8)).code()).isEqualTo(4003);
        }
    }

    @Test
    void refreshBeforeExpiryKeepsTheSessionAndAnswersTheNewExp() {
        // Unrefreshed, this session would be closed with 4003 at most 3 s after hello.
        try (TestSocket socket = login("cid", Jwts.hs256("cid", Duration.ofSeconds(-2)))) {
            String fresh = Jwts.hs256("cid", Duration.ofMinutes(10));
            JsonNode refreshed = socket.request("refreshed", "type", "refresh", "id", 7, "token", fresh);
            assertThat(refreshed.get("id").asInt()).isEqualTo(7);
            assertThat(refreshed.get("exp").asLong()).isBetween(System.currentTimeMillis() / 1000 + 590,
                    System.currentTimeMillis() / 1000 + 601);
            await().during(Duration.ofMillis(3_500))
                    .atMost(Duration.ofSeconds(6)).until(socket::isOpen);
            assertThat(socket.request("pong", "type", "ping", "id", 8).get("id").asInt()).isEqualTo(8);
        }
    }

    @Test
    void refreshWithAnotherNicksTokenIsUnauthorized() {
        try (TestSocket socket = login("dan", Jwts.hs256("dan", Duration.ofMinutes(1)))) {
            JsonNode error = socket.request("error", "type", "refresh", "id", 9,
                    "token", Jwts.hs256("eve", Duration.ofMinutes(1)));
            assertThat(error.get("code").asText()).isEqualTo("unauthorized");
            assertThat(socket.awaitClose().code()).isEqualTo(1008);
        }
    }

    @Test
    void resumeStillNeedsAValidTokenForTheNick() {
        TestSocket first = TestSocket.connect(server.webSocketUri());
        JsonNode welcome = first.request("welcome", "type", "hello", "nick", "fay",
                "token", Jwts.hs256("fay", Duration.ofMinutes(1)));
        String resume = welcome.get("resume").asText();
        try (TestSocket thief = TestSocket.connect(server.webSocketUri())) {
            JsonNode error = thief.request("error", "type", "hello", "nick", "fay", "resume", resume);
            assertThat(error.get("code").asText()).isEqualTo("unauthorized");
            assertThat(first.isOpen()).isTrue();
        }
        try (TestSocket second = TestSocket.connect(server.webSocketUri())) {
            second.request("welcome", "type", "hello", "nick", "fay", "resume", resume,
                    "token", Jwts.hs256("fay", Duration.ofMinutes(1)));
            assertThat(first.awaitClose().code()).isEqualTo(4009);
        }
    }
}
