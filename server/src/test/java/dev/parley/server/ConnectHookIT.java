package dev.parley.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import dev.parley.server.config.ServerConfig;
import dev.parley.server.hooks.HookBackend;
import dev.parley.testing.Jwts;
import dev.parley.testing.TestSocket;
import org.java_websocket.drafts.Draft_6455;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The connect hook end to end against a real HTTP backend: what it is told (signed), its accept
 * with rooms and joins, its reject, every way it can fail to answer, a resume asked again, a
 * session that closes while it thinks, and its precedence with JWT auth.
 */
class ConnectHookIT {
    /** Standard Webhooks' example secret. */
    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    /** Long enough for a loaded machine's first request; the slow answers take far longer. */
    private static final int TIMEOUT_MS = 1500;

    private static final Set<String> banned = ConcurrentHashMap.newKeySet();
    /** Held by the backend's slow answers until the test lets them go (or the class ends). */
    private static final CountDownLatch slowAnswers = new CountDownLatch(1);
    private static final CountDownLatch released = new CountDownLatch(1);
    private static final AtomicInteger slowAnswered = new AtomicInteger();
    private static HookBackend backend;
    private static ParleyServer server;
    private static ParleyServer jwtServer;

    @BeforeAll
    static void start() {
        backend = HookBackend.start(ConnectHookIT::answer);
        server = TestServers.start(c -> hooked(c, backend.url()));
        jwtServer = TestServers.start(c -> hooked(c, backend.url()).with("--jwt-hmac-secret", Jwts.SECRET));
    }

    private static ServerConfig.Builder hooked(ServerConfig.Builder config, String url) {
        return config.with("--hook-secret", SECRET).with("--connect-hook-url", url)
                .with("--connect-hook-timeout-ms", TIMEOUT_MS);
    }

    @AfterAll
    static void stop() {
        released.countDown();
        slowAnswers.countDown();
        server.close();
        jwtServer.close();
        backend.close();
    }

    /** The backend: what it answers depends on the nick. */
    private static void answer(HookBackend.Request request, HttpExchange exchange) throws IOException {
        String nick = request.json().path("nick").asText();
        if (banned.contains(nick)) {
            HookBackend.json(exchange, 200, "{\"action\":\"reject\",\"reason\":\"" + nick + " is banned\"}");
            return;
        }
        switch (nick) {
            case "kept" -> HookBackend.json(exchange, 200, "{\"action\":\"accept\",\"rooms\":[\"team-*\",\"lobby\"]}");
            case "narrowed" -> HookBackend.json(exchange, 200, "{\"action\":\"accept\",\"rooms\":[\"team-red\",\"general\"]}");
            case "joiner" -> HookBackend.json(exchange, 200,
                    "{\"action\":\"accept\",\"rooms\":[\"lobby\",\"team-*\"],\"join\":[\"lobby\",\"team-red\",\"secret\"]}");
            case "silent" -> {
                awaitRelease(released);
                HookBackend.json(exchange, 200, "{\"action\":\"accept\"}");
            }
            case "slow" -> {
                awaitRelease(slowAnswers);
                HookBackend.json(exchange, 200, "{\"action\":\"accept\"}");
                slowAnswered.incrementAndGet();
            }
            case "status" -> HookBackend.json(exchange, 503, "{\"action\":\"accept\"}");
            case "notjson" -> HookBackend.json(exchange, 200, "<html>accept</html>");
            case "types" -> HookBackend.json(exchange, 200, "{\"action\":\"accept\",\"rooms\":\"lobby\"}");
            case "noaction" -> HookBackend.json(exchange, 200, "{\"ok\":true}");
            case "huge" -> HookBackend.json(exchange, 200, "{\"action\":\"accept\",\"pad\":\"" + "x".repeat(100_000) + "\"}");
            case "redirect" -> {
                exchange.getResponseHeaders().set("location", backend.url());
                exchange.sendResponseHeaders(307, -1);
            }
            case "drip" -> drip(exchange);
            default -> HookBackend.json(exchange, 200, "{\"action\":\"accept\"}");
        }
    }

    /** A 200 whose body comes a byte every 100 ms, far slower than the timeout. */
    private static void drip(HttpExchange exchange) throws IOException {
        exchange.sendResponseHeaders(200, 1000);
        try (OutputStream out = exchange.getResponseBody()) {
            for (int i = 0; i < 1000; i++) {
                out.write('{');
                out.flush();
                if (released.await(100, TimeUnit.MILLISECONDS)) {
                    return;
                }
            }
        } catch (IOException | InterruptedException e) {
            // the server hung up: what the test wants
        }
    }

    private static void awaitRelease(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static List<HookBackend.Request> asked(String nick) {
        return backend.requests().stream().filter(r -> r.json().path("nick").asText().equals(nick)).toList();
    }

    private static TestSocket hello(ParleyServer on, String nick, Object... more) {
        TestSocket socket = TestSocket.connect(on.webSocketUri());
        Object[] fields = new Object[4 + more.length];
        System.arraycopy(new Object[] {"type", "hello", "nick", nick}, 0, fields, 0, 4);
        System.arraycopy(more, 0, fields, 4, more.length);
        socket.send(fields);
        return socket;
    }

    @Test
    void theBackendIsToldTheNickTokenAddressAndUpgradeHeadersSigned() {
        Map<String, String> headers = Map.of("Cookie", "sid=abc123; theme=dark", "Origin", "https://chat.example",
                "User-Agent", "ConnectHookIT/1.0");
        try (TestSocket socket = TestSocket.connect(server.webSocketUri(), new Draft_6455(), headers)) {
            JsonNode welcome = socket.request("welcome", "type", "hello", "id", 1, "nick", "carol", "token", "opaque-t");
            assertThat(welcome.get("nick").asText()).isEqualTo("carol");
        }
        HookBackend.Request request = asked("carol").get(0);
        JsonNode body = request.json();
        assertThat(body.get("token").asText()).isEqualTo("opaque-t");
        assertThat(body.get("address").asText()).isEqualTo("127.0.0.1");
        assertThat(body.get("headers").get("cookie").asText()).isEqualTo("sid=abc123; theme=dark");
        assertThat(body.get("headers").get("origin").asText()).isEqualTo("https://chat.example");
        assertThat(body.get("headers").get("user-agent").asText()).isEqualTo("ConnectHookIT/1.0");
        assertThat(request.id()).startsWith("msg_");
        assertThat(Long.parseLong(request.timestamp())).isCloseTo(System.currentTimeMillis() / 1000,
                org.assertj.core.data.Offset.offset(60L));
        assertThat(request.signedWith(SECRET)).isTrue();
        assertThat(request.signedWith("whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[24]))).isFalse();
    }

    @Test
    void theHooksRoomsRestrictJoinsAsTheTokensClaimDoes() {
        try (TestSocket socket = hello(server, "kept", "id", 1)) {
            socket.next("welcome");
            socket.request("joined", "type", "join", "id", 2, "room", "team-red");
            socket.request("joined", "type", "join", "id", 3, "room", "lobby");
            JsonNode error = socket.request("error", "type", "join", "id", 4, "room", "general");
            assertThat(error.get("code").asText()).isEqualTo("forbidden");
            assertThat(error.get("id").asInt()).isEqualTo(4);
            assertThat(socket.request("pong", "type", "ping", "id", 5).get("id").asInt()).isEqualTo(5);
        }
    }

    @Test
    void theHooksJoinPutsTheSessionInItsRoomsRightAfterTheWelcome() {
        try (TestSocket bob = TestServers.member(server, "bob", "lobby");
             TestSocket joiner = hello(server, "joiner", "id", 1)) {
            assertThat(joiner.next().get("type").asText()).isEqualTo("welcome");
            JsonNode lobby = joiner.next();
            assertThat(lobby.get("type").asText()).isEqualTo("joined");
            assertThat(lobby.has("id")).as("a joined the client did not ask for has no id").isFalse();
            assertThat(lobby.get("room").asText()).isEqualTo("lobby");
            assertThat(lobby.get("members").toString()).contains("bob", "joiner");
            JsonNode teamRed = joiner.next();
            assertThat(teamRed.get("type").asText()).isEqualTo("joined");
            assertThat(teamRed.get("room").asText()).isEqualTo("team-red");
            JsonNode secret = joiner.next("error");
            assertThat(secret.get("code").asText()).as("a join outside its own rooms").isEqualTo("forbidden");
            assertThat(secret.has("id")).isFalse();
            JsonNode presence = bob.take(e -> e.path("type").asText().equals("presence")
                    && e.path("nick").asText().equals("joiner"), "joiner's presence");
            assertThat(presence.get("event").asText()).isEqualTo("join");
            bob.send("type", "send", "id", 9, "room", "lobby", "text", "hi joiner");
            assertThat(joiner.next("message").get("text").asText()).isEqualTo("hi joiner");
        }
    }

    @Test
    void aRejectIsUnauthorizedWithTheReasonAndClosesWith1008() {
        banned.add("mallory");
        try (TestSocket socket = hello(server, "mallory", "id", 1)) {
            JsonNode error = socket.next("error");
            assertThat(error.get("code").asText()).isEqualTo("unauthorized");
            assertThat(error.get("message").asText()).isEqualTo("mallory is banned");
            assertThat(error.get("id").asInt()).isEqualTo(1);
            assertThat(socket.awaitClose().code()).isEqualTo(1008);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"silent", "status", "notjson", "types", "noaction", "huge", "redirect", "drip"})
    void noUsableAnswerIsUnavailableAndClosesWith1013(String nick) {
        try (TestSocket socket = hello(server, nick, "id", 1)) {
            JsonNode error = socket.next("error");
            assertThat(error.get("code").asText()).isEqualTo("unavailable");
            assertThat(error.get("id").asInt()).isEqualTo(1);
            assertThat(socket.awaitClose().code()).isEqualTo(1013);
        }
        assertThat(asked(nick)).as("asked once, never followed").hasSize(1);
    }

    @Test
    void aRefusedConnectionIsUnavailableAndClosesWith1013() throws IOException {
        int deadPort;
        try (ServerSocket free = new ServerSocket(0)) {
            deadPort = free.getLocalPort();
        }
        ParleyServer refused = TestServers.start(c -> hooked(c, "http://127.0.0.1:" + deadPort + "/hook"));
        try (TestSocket socket = hello(refused, "anyone", "id", 1)) {
            assertThat(socket.next("error").get("code").asText()).isEqualTo("unavailable");
            assertThat(socket.awaitClose().code()).isEqualTo(1013);
        } finally {
            refused.close();
        }
    }

    @Test
    void aResumeIsAskedAgainSoThatABannedUserCannotComeBack() {
        TestSocket first = hello(server, "rita", "id", 1);
        String resume = first.next("welcome").get("resume").asText();
        banned.add("rita");
        try (TestSocket again = hello(server, "rita", "id", 2, "resume", resume)) {
            assertThat(again.next("error").get("code").asText()).isEqualTo("unauthorized");
            assertThat(again.awaitClose().code()).isEqualTo(1008);
        }
        assertThat(first.request("pong", "type", "ping", "id", 3).get("id").asInt())
                .as("a rejected resume evicts nobody").isEqualTo(3);
        banned.remove("rita");
        try (TestSocket resumed = hello(server, "rita", "id", 4, "resume", resume)) {
            resumed.next("welcome");
            assertThat(first.awaitClose().code()).isEqualTo(4009);
        }
        assertThat(asked("rita")).hasSize(3);
    }

    @Test
    void aSessionThatClosesWhileTheHookThinksLeavesNothingBehind() {
        TestSocket socket = hello(server, "slow", "id", 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> asked("slow").size() == 1);
        socket.close();
        socket.awaitClose();
        slowAnswers.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> slowAnswered.get() == 1);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> server.node().hub().byNick("slow").isEmpty());
        // The nick was never claimed: a new session takes it at once (the backend now answers at once).
        try (TestSocket next = hello(server, "slow", "id", 2)) {
            assertThat(next.next("welcome").get("nick").asText()).isEqualTo("slow");
        }
    }

    @Test
    void withJwtTheTokenIsCheckedFirstAndTheBackendNotAskedForABadOne() {
        try (TestSocket socket = hello(jwtServer, "nobody", "id", 1)) {
            assertThat(socket.next("error").get("code").asText()).isEqualTo("unauthorized");
            assertThat(socket.awaitClose().code()).isEqualTo(1008);
        }
        try (TestSocket socket = hello(jwtServer, "nobody", "id", 1, "token", Jwts.hs256("else", Duration.ofMinutes(1)))) {
            assertThat(socket.next("error").get("code").asText()).isEqualTo("unauthorized");
        }
        assertThat(asked("nobody")).isEmpty();
    }

    @Test
    void withJwtTheBackendStillDecidesAndItsRoomsNarrowTheTokens() {
        banned.add("trudy");
        try (TestSocket socket = hello(jwtServer, "trudy", "id", 1, "token", Jwts.hs256("trudy", Duration.ofMinutes(1)))) {
            assertThat(socket.next("error").get("code").asText()).as("a valid token, a banned user").isEqualTo("unauthorized");
            assertThat(socket.awaitClose().code()).isEqualTo(1008);
        }
        String token = Jwts.hs256("narrowed", Duration.ofMinutes(5), List.of("team-*", "lobby"));
        try (TestSocket socket = hello(jwtServer, "narrowed", "id", 1, "token", token)) {
            socket.next("welcome");
            assertThat(asked("narrowed").get(0).json().get("token").asText()).isEqualTo(token);
            socket.request("joined", "type", "join", "id", 2, "room", "team-red");
            for (String room : List.of("team-blue", "general", "lobby")) {
                assertThat(socket.request("error", "type", "join", "room", room).get("code").asText())
                        .as(room + ": allowed by only one of token and hook").isEqualTo("forbidden");
            }
            socket.request("refreshed", "type", "refresh", "id", 3, "token", Jwts.hs256("narrowed", Duration.ofMinutes(5)));
            assertThat(socket.request("error", "type", "join", "room", "team-blue").get("code").asText())
                    .as("a refreshed token without rooms is still narrowed by the hook").isEqualTo("forbidden");
            socket.request("joined", "type", "join", "id", 4, "room", "general");
        }
    }
}
