package dev.parley.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import dev.parley.testing.Jwts;
import dev.parley.testing.TestSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Edit, delete, react and replyTo over WebSocket on one node in memory: their own offsets, the
 * state of messages in {@code history} and {@code joined}, the log in {@code "events":"all"} and
 * in recovery, the permissions (own messages, the {@code mod} claim, the server API), the errors,
 * and the rate limit.
 */
class RoomEventsIT {
    private static final String KEY = "backend-key-0123456789";
    private static final int BURST = 3;
    private static final Set<String> ROOM_EVENTS = Set.of("message", "edit", "delete", "reaction");
    private static ParleyServer server;
    private static ParleyServer authed;
    private static ParleyServer limited;

    @BeforeAll
    static void start() {
        server = TestServers.start(c -> c.with("--max-text-chars", 20).with("--api-key", KEY));
        authed = TestServers.start(c -> c.with("--jwt-hmac-secret", Jwts.SECRET));
        limited = TestServers.start(c -> c.with("--rate-per-sec", 1).with("--burst", BURST));
    }

    @AfterAll
    static void stop() {
        server.close();
        authed.close();
        limited.close();
    }

    private static long ackedOffset(TestSocket socket, Object... command) {
        JsonNode ack = socket.request("ack", command);
        assertThat(ack.has("offset")).as("an ack with an offset for %s", ack).isTrue();
        return ack.get("offset").asLong();
    }

    private static String error(TestSocket socket, Object... command) {
        return socket.request("error", command).get("code").asText();
    }

    /** The next room event, of whatever type; presence and replies stay queued. */
    private static JsonNode nextRoomEvent(TestSocket socket) {
        return socket.take(e -> ROOM_EVENTS.contains(e.path("type").asText()), "a room event");
    }

    private static List<String> texts(JsonNode messages) {
        List<String> texts = new ArrayList<>();
        messages.forEach(m -> texts.add(m.get("type").asText() + " " + m.get("offset").asLong() + " " + m.path("text").asText("-")));
        return texts;
    }

    @Test
    void editsDeletesReactionsAndRepliesReachEveryMemberWithTheirOwnOffsets() {
        try (TestSocket alice = TestServers.member(server, "alice-ev", "events");
             TestSocket bob = TestServers.member(server, "bob-ev", "events")) {
            long hello = ackedOffset(alice, "type", "send", "id", 1, "room", "events", "text", "helo");
            long reply = ackedOffset(bob, "type", "send", "id", 2, "room", "events", "text", "+1", "replyTo", hello);
            assertThat(reply).isEqualTo(hello + 1);
            long edit = ackedOffset(alice, "type", "edit", "id", 3, "room", "events", "offset", hello, "text", "hello");
            long reaction = ackedOffset(bob, "type", "react", "id", 4, "room", "events", "offset", hello, "emoji", "👍", "on", true);
            JsonNode unchanged = bob.request("ack", "type", "react", "id", 5, "room", "events", "offset", hello,
                    "emoji", "👍", "on", true);
            assertThat(unchanged.has("offset")).as("a reaction that changes nothing").isFalse();
            assertThat(unchanged.get("room").asText()).isEqualTo("events");
            long delete = ackedOffset(bob, "type", "delete", "id", 6, "room", "events", "offset", reply);
            assertThat(List.of(edit, reaction, delete)).containsExactly(hello + 2, hello + 3, hello + 4);

            for (TestSocket member : List.of(alice, bob)) {
                assertThat(nextRoomEvent(member).get("offset").asLong()).isEqualTo(hello);
                JsonNode answer = nextRoomEvent(member);
                assertThat(answer.get("replyTo").asLong()).isEqualTo(hello);
                JsonNode edited = nextRoomEvent(member);
                assertThat(edited.get("type").asText()).isEqualTo("edit");
                assertThat(edited.get("target").asLong()).isEqualTo(hello);
                assertThat(edited.get("from").asText()).isEqualTo("alice-ev");
                assertThat(edited.get("text").asText()).isEqualTo("hello");
                JsonNode reacted = nextRoomEvent(member);
                assertThat(reacted.get("type").asText()).isEqualTo("reaction");
                assertThat(reacted.get("emoji").asText()).isEqualTo("👍");
                assertThat(reacted.get("on").asBoolean()).isTrue();
                JsonNode deleted = nextRoomEvent(member);
                assertThat(deleted.get("type").asText()).as("no event for the reaction that changed nothing").isEqualTo("delete");
                assertThat(deleted.get("target").asLong()).isEqualTo(reply);
                assertThat(deleted.get("offset").asLong()).isEqualTo(delete);
            }
        }
    }

    @Test
    void historyAndJoinedCarryTheStateAndEventsAllTheLogWithoutDeletedText() {
        try (TestSocket alice = TestServers.member(server, "alice-st", "state")) {
            long first = ackedOffset(alice, "type", "send", "room", "state", "text", "helo");
            long second = ackedOffset(alice, "type", "send", "room", "state", "text", "secret");
            ackedOffset(alice, "type", "edit", "room", "state", "offset", first, "text", "hello");
            ackedOffset(alice, "type", "edit", "room", "state", "offset", second, "text", "more secret");
            ackedOffset(alice, "type", "react", "room", "state", "offset", first, "emoji", "🎉", "on", true);
            ackedOffset(alice, "type", "delete", "room", "state", "offset", second);

            JsonNode messages = alice.request("history", "type", "history", "room", "state").get("messages");
            assertThat(texts(messages)).containsExactly("message 1 hello", "message 2 -");
            assertThat(messages.get(0).get("edited").asLong()).isPositive();
            assertThat(messages.get(0).get("reactions").get(0).get("emoji").asText()).isEqualTo("🎉");
            assertThat(messages.get(0).get("reactions").get(0).get("count").asInt()).isEqualTo(1);
            assertThat(messages.get(0).get("reactions").get(0).get("nicks").get(0).asText()).isEqualTo("alice-st");
            assertThat(messages.get(1).get("deleted").asBoolean()).isTrue();
            assertThat(messages.get(1).has("text")).isFalse();

            JsonNode log = alice.request("history", "type", "history", "room", "state", "events", "all").get("messages");
            assertThat(texts(log)).containsExactly("message 1 helo", "message 2 -", "edit 3 hello", "edit 4 -",
                    "reaction 5 -", "delete 6 -");
            assertThat(log.get(1).get("deleted").asBoolean()).isTrue();
            assertThat(log.get(0).has("edited")).as("the log has events as sent").isFalse();

            try (TestSocket bob = TestServers.member(server, "bob-st", "lobby")) {
                JsonNode joined = bob.request("joined", "type", "join", "room", "state");
                assertThat(texts(joined.get("messages"))).containsExactly("message 1 hello", "message 2 -");
                assertThat(joined.get("offset").asLong()).isEqualTo(6);
            }
        }
    }

    @Test
    void aRecoveringJoinGetsTheLogOfEveryTypeInOrder() {
        try (TestSocket alice = TestServers.member(server, "alice-rec", "recover")) {
            long first = ackedOffset(alice, "type", "send", "room", "recover", "text", "one");
            JsonNode position;
            try (TestSocket carol = TestServers.member(server, "carol-rec", "lobby")) {
                position = carol.request("joined", "type", "join", "room", "recover");
            }
            ackedOffset(alice, "type", "edit", "room", "recover", "offset", first, "text", "uno");
            long second = ackedOffset(alice, "type", "send", "room", "recover", "text", "two");
            ackedOffset(alice, "type", "react", "room", "recover", "offset", second, "emoji", "x", "on", true);
            ackedOffset(alice, "type", "delete", "room", "recover", "offset", second);

            try (TestSocket carol = TestSocket.login(server.webSocketUri(), "carol-rec2")) {
                JsonNode joined = carol.request("joined", "type", "join", "room", "recover", "since",
                        Map.of("epoch", position.get("epoch").asText(), "offset", position.get("offset").asLong()));
                assertThat(joined.get("recovered").asBoolean()).isTrue();
                assertThat(texts(joined.get("messages"))).containsExactly("edit 2 uno", "message 3 -", "reaction 4 -",
                        "delete 5 -");
            }
        }
    }

    @Test
    void refusalsAnswerTheDocumentedCodesAndKeepTheConnection() {
        try (TestSocket alice = TestServers.member(server, "alice-no", "refusals");
             TestSocket bob = TestServers.member(server, "bob-no", "refusals")) {
            long mine = ackedOffset(alice, "type", "send", "room", "refusals", "text", "mine");
            long edit = ackedOffset(alice, "type", "edit", "room", "refusals", "offset", mine, "text", "still mine");
            assertThat(error(bob, "type", "edit", "room", "refusals", "offset", mine, "text", "x")).isEqualTo("forbidden");
            assertThat(error(bob, "type", "delete", "room", "refusals", "offset", mine)).isEqualTo("forbidden");
            assertThat(error(bob, "type", "react", "room", "refusals", "offset", edit, "emoji", "+", "on", true))
                    .as("an edit is no message").isEqualTo("not_found");
            assertThat(error(bob, "type", "edit", "room", "refusals", "offset", 999, "text", "x")).isEqualTo("not_found");
            assertThat(error(bob, "type", "send", "room", "refusals", "text", "x", "replyTo", 999)).isEqualTo("not_found");
            assertThat(error(bob, "type", "edit", "room", "lobby", "offset", mine, "text", "x")).isEqualTo("not_member");
            assertThat(error(bob, "type", "react", "room", "lobby", "offset", mine, "emoji", "+", "on", true))
                    .isEqualTo("not_member");
            assertThat(error(alice, "type", "edit", "room", "refusals", "offset", mine, "text", "x".repeat(21)))
                    .isEqualTo("text_too_long");
            assertThat(error(alice, "type", "edit", "room", "refusals", "offset", 0, "text", "x")).isEqualTo("bad_request");
            assertThat(error(bob, "type", "react", "room", "refusals", "offset", mine, "emoji", "a b", "on", true))
                    .isEqualTo("bad_request");
            assertThat(error(bob, "type", "react", "room", "refusals", "offset", mine, "emoji", "x".repeat(17), "on", true))
                    .isEqualTo("bad_request");
            for (int i = 1; i <= 20; i++) {
                ackedOffset(bob, "type", "react", "room", "refusals", "offset", mine, "emoji", "e" + i, "on", true);
            }
            assertThat(error(bob, "type", "react", "room", "refusals", "offset", mine, "emoji", "e21", "on", true))
                    .as("the 21st emoji").isEqualTo("bad_request");
            ackedOffset(alice, "type", "delete", "room", "refusals", "offset", mine);
            assertThat(error(alice, "type", "edit", "room", "refusals", "offset", mine, "text", "x"))
                    .as("a deleted message").isEqualTo("not_found");
            assertThat(error(alice, "type", "delete", "room", "refusals", "offset", mine)).isEqualTo("not_found");
            alice.request("pong", "type", "ping");
            bob.request("pong", "type", "ping");
        }
    }

    @Test
    void theServerApiDeletesAnyonesMessage() throws Exception {
        try (TestSocket alice = TestServers.member(server, "alice-apidel", "moderated")) {
            long offset = ackedOffset(alice, "type", "send", "room", "moderated", "text", "spam");
            ServerApiIT.Reply reply = ServerApiIT.call(server, "POST", "/api/delete",
                    "{\"room\":\"moderated\",\"offset\":" + offset + "}", KEY);
            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.body().get("target").asLong()).isEqualTo(offset);
            assertThat(reply.body().get("offset").asLong()).isEqualTo(offset + 1);
            assertThat(nextRoomEvent(alice).get("type").asText()).isEqualTo("message");
            JsonNode deleted = nextRoomEvent(alice);
            assertThat(deleted.get("from").asText()).isEqualTo("system");
            assertThat(deleted.get("target").asLong()).isEqualTo(offset);

            ServerApiIT.Reply again = ServerApiIT.call(server, "POST", "/api/delete",
                    "{\"room\":\"moderated\",\"offset\":" + offset + "}", KEY);
            assertThat(again.status()).isEqualTo(404);
            assertThat(again.code()).isEqualTo("not_found");
            ServerApiIT.Reply bad = ServerApiIT.call(server, "POST", "/api/delete", "{\"room\":\"moderated\",\"offset\":0}", KEY);
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.code()).isEqualTo("bad_request");
            assertThat(ServerApiIT.call(server, "POST", "/api/delete", "{\"room\":\"moderated\",\"offset\":1}", "wrong")
                    .status()).isEqualTo(401);
        }
    }

    private static String token(String nick, List<String> mod) {
        return Jwts.sign(Jwts.hmac(Jwts.SECRET), JWSAlgorithm.HS256, null, claims -> {
            claims.subject(nick).expirationTime(Date.from(Instant.now().plus(Duration.ofMinutes(5))));
            return mod == null ? claims : claims.claim("mod", mod);
        });
    }

    private static TestSocket authedMember(String nick, List<String> mod, String... rooms) {
        TestSocket socket = TestSocket.connect(authed.webSocketUri());
        socket.request("welcome", "type", "hello", "nick", nick, "token", token(nick, mod));
        for (String room : rooms) {
            socket.request("joined", "type", "join", "room", room);
        }
        return socket;
    }

    @Test
    void aTokenWhoseModClaimMatchesTheRoomDeletesAnyonesMessageThere() {
        try (TestSocket alice = authedMember("alice-mod", null, "team-a", "lobby");
             TestSocket mod = authedMember("mod-mod", List.of("team-*"), "team-a", "lobby")) {
            long inTeam = ackedOffset(alice, "type", "send", "room", "team-a", "text", "off topic");
            long inLobby = ackedOffset(alice, "type", "send", "room", "lobby", "text", "hi");
            assertThat(error(mod, "type", "delete", "room", "lobby", "offset", inLobby)).isEqualTo("forbidden");
            assertThat(error(mod, "type", "edit", "room", "team-a", "offset", inTeam, "text", "x"))
                    .as("moderators delete, never edit").isEqualTo("forbidden");
            ackedOffset(mod, "type", "delete", "room", "team-a", "offset", inTeam);
            JsonNode deleted = alice.take(e -> e.path("type").asText().equals("delete"), "the delete");
            assertThat(deleted.get("from").asText()).isEqualTo("mod-mod");
            assertThat(deleted.get("target").asLong()).isEqualTo(inTeam);
        }
    }

    @Test
    void editsDeletesAndReactionsCountAgainstTheRateLimitLikeSends() {
        try (TestSocket alice = TestServers.member(limited, "alice-rate", "rated")) {
            long offset = ackedOffset(alice, "type", "send", "room", "rated", "text", "one");
            ackedOffset(alice, "type", "edit", "room", "rated", "offset", offset, "text", "uno");
            ackedOffset(alice, "type", "react", "room", "rated", "offset", offset, "emoji", "+", "on", true);
            assertThat(error(alice, "type", "delete", "room", "rated", "offset", offset)).isEqualTo("rate_limited");
            assertThat(error(alice, "type", "react", "room", "rated", "offset", offset, "emoji", "-", "on", true))
                    .isEqualTo("rate_limited");
            alice.request("pong", "type", "ping");
        }
    }
}
