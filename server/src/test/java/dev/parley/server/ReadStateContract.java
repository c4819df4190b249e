package dev.parley.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.Jwts;
import dev.parley.testing.TestSocket;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Read state over WebSocket with auth on and several sessions per user: {@code read}, {@code unread},
 * the {@code read} a user's other sessions get, {@code welcome.unread} and {@code leave} with
 * {@code forget}. Each implementation says which node a session connects to ({@link #node}), one
 * server or the nodes of a cluster in turn; its rate limit must not get in the way.
 */
abstract class ReadStateContract {
    /** Where session {@code index} of a test connects. */
    abstract URI node(int index);

    /** A session of {@code nick} with a valid token on node {@code index}; its welcome is taken. */
    TestSocket login(int index, String nick) {
        return loginWelcome(index, nick).socket();
    }

    record Welcomed(TestSocket socket, JsonNode welcome) {
    }

    private Welcomed loginWelcome(int index, String nick) {
        TestSocket socket = TestSocket.connect(node(index));
        JsonNode welcome = socket.request("welcome", "type", "hello", "nick", nick,
                "token", Jwts.hs256(nick, Duration.ofMinutes(5)));
        return new Welcomed(socket, welcome);
    }

    static void join(TestSocket socket, String room) {
        socket.request("joined", "type", "join", "room", room);
    }

    /** A session of {@code nick} on node {@code index} that has joined {@code room}. */
    TestSocket member(int index, String nick, String room) {
        TestSocket socket = login(index, nick);
        join(socket, room);
        return socket;
    }

    /** Sends {@code text} and returns its offset from the ack. */
    static long send(TestSocket socket, String room, String text) {
        return socket.request("ack", "type", "send", "room", room, "text", text).get("offset").asLong();
    }

    /** The reply to {@code command}: its {@code ack} or {@code error}, matched by id. */
    static JsonNode reply(TestSocket socket, int id, Object... command) {
        Object[] withId = new Object[command.length + 2];
        System.arraycopy(command, 0, withId, 0, command.length);
        withId[command.length] = "id";
        withId[command.length + 1] = id;
        socket.send(withId);
        return socket.take(e -> e.path("id").asInt(-1) == id, "the reply to " + id);
    }

    /** The user's entry for {@code room} in {@code rooms} (an unread list), or null. */
    static JsonNode entry(JsonNode rooms, String room) {
        for (JsonNode entry : rooms) {
            if (entry.get("room").asText().equals(room)) {
                return entry;
            }
        }
        return null;
    }

    /** The user's read state in {@code room} as "lastRead/unread/mentions", or null when it has no marker there. */
    static String unreadIn(TestSocket socket, String room) {
        JsonNode rooms = socket.request("unread", "type", "unread", "id", 99).get("rooms");
        JsonNode entry = entry(rooms, room);
        return entry == null ? null : entry.get("lastRead").asLong() + "/" + entry.get("unread").asLong() + "/"
                + entry.get("mentions").asLong();
    }

    /** Waits for every event sent before now to have arrived: the server answers in order. */
    static void drained(TestSocket socket) {
        socket.request("pong", "type", "ping");
    }

    @Test
    void readIsAckedWithoutOffsetAndReachesTheUsersOtherSessionsOnly() {
        String room = "rs-ack";
        try (TestSocket bob = member(0, "rs-ack-bob", room);
             TestSocket reader = member(0, "rs-ack-alice", room);
             TestSocket other = member(1, "rs-ack-alice", room)) {
            for (int i = 1; i <= 3; i++) {
                send(bob, room, "m" + i);
            }
            JsonNode ack = reply(reader, 5, "type", "read", "room", room, "offset", 2);
            assertThat(ack.get("type").asText()).isEqualTo("ack");
            assertThat(ack.get("room").asText()).isEqualTo(room);
            assertThat(ack.has("offset")).as("an ack of read has no offset").isFalse();
            assertThat(ack.has("ts")).isTrue();

            JsonNode read = other.next("read");
            assertThat(read.get("room").asText()).isEqualTo(room);
            assertThat(read.get("offset").asLong()).isEqualTo(2);

            assertThat(reply(reader, 6, "type", "read", "room", room, "offset", 1).get("type").asText())
                    .as("a read behind the marker is acked too").isEqualTo("ack");
            assertThat(reply(other, 7, "type", "read", "room", room, "offset", 3).get("type").asText()).isEqualTo("ack");
            assertThat(reader.next("read").get("offset").asLong()).as("the other session's read reaches this one")
                    .isEqualTo(3);
            drained(reader);
            drained(other);
            assertThat(reader.has("read")).as("the reader's own read never comes back to it").isFalse();
            assertThat(other.has("read")).as("a marker that did not move is told to nobody").isFalse();
            assertThat(bob.has("read")).as("nor to other users").isFalse();
        }
    }

    @Test
    void unreadCountsOthersMessagesAndMentionsAcrossEditsAndDeletes() {
        String room = "rs-count";
        try (TestSocket alice = member(0, "rs-alice", room);
             TestSocket bob = member(1, "rs-bob", room);
             TestSocket carol = member(0, "rs-carol", room)) {
            long first = send(bob, room, "before");
            reply(alice, 1, "type", "read", "room", room, "offset", first);
            long hello = send(bob, room, "hi @rs-alice");
            long plain = send(bob, room, "plain");
            send(carol, room, "@RS-Alice.");
            send(alice, room, "my own @rs-alice");
            send(carol, room, "@rs-alicex is someone else");
            assertThat(unreadIn(alice, room)).as("4 of others, 2 mention her").isEqualTo(first + "/4/2");
            assertThat(unreadIn(bob, room)).as("no marker, no entry").isNull();

            reply(bob, 2, "type", "edit", "room", room, "offset", plain, "text", "now @rs-alice too");
            assertThat(unreadIn(alice, room)).as("an edit adds a mention, and no message").isEqualTo(first + "/4/3");
            reply(bob, 3, "type", "delete", "room", room, "offset", hello);
            assertThat(unreadIn(alice, room)).as("a deleted message counts no more").isEqualTo(first + "/3/2");
            reply(bob, 4, "type", "react", "room", room, "offset", plain, "emoji", "+1", "on", true);
            assertThat(unreadIn(alice, room)).as("a reaction is no message").isEqualTo(first + "/3/2");
        }
    }

    @Test
    void aNewSessionsWelcomeCarriesTheUsersUnreadList() {
        String room = "rs-welcome";
        try (TestSocket bob = member(0, "rs-welcome-bob", room);
             TestSocket alice = member(1, "rs-welcome-alice", room)) {
            long read = send(bob, room, "one");
            send(bob, room, "two @rs-welcome-alice");
            reply(alice, 1, "type", "read", "room", room, "offset", read);

            Welcomed second = loginWelcome(0, "rs-welcome-alice");
            try (TestSocket ignored = second.socket()) {
                JsonNode entry = entry(second.welcome().get("unread"), room);
                assertThat(entry).as("welcome.unread: %s", second.welcome()).isNotNull();
                assertThat(entry.get("lastRead").asLong()).isEqualTo(read);
                assertThat(entry.get("unread").asLong()).isEqualTo(1);
                assertThat(entry.get("mentions").asLong()).isEqualTo(1);
            }
            Welcomed stranger = loginWelcome(1, "rs-welcome-nobody");
            try (TestSocket ignored = stranger.socket()) {
                assertThat(stranger.welcome().get("unread")).as("a user without markers: an empty list").isEmpty();
            }
        }
    }

    @Test
    void leaveWithForgetRemovesTheRoomFromUnreadAndAPlainLeaveKeepsIt() {
        try (TestSocket alice = login(0, "rs-forget")) {
            for (String room : List.of("rs-forget-a", "rs-forget-b")) {
                join(alice, room);
                reply(alice, 1, "type", "read", "room", room, "offset", send(alice, room, "x"));
            }
            assertThat(reply(alice, 2, "type", "leave", "room", "rs-forget-a", "forget", true).get("type").asText())
                    .isEqualTo("left");
            assertThat(reply(alice, 3, "type", "leave", "room", "rs-forget-b").get("type").asText()).isEqualTo("left");
            JsonNode rooms = alice.request("unread", "type", "unread").get("rooms");
            assertThat(entry(rooms, "rs-forget-a")).as("forgotten").isNull();
            assertThat(entry(rooms, "rs-forget-b")).as("kept").isNotNull();
        }
    }

    @Test
    void aReadPastTheLatestOffsetIsClampedToIt() {
        String room = "rs-clamp";
        try (TestSocket alice = member(0, "rs-clamp-alice", room);
             TestSocket other = member(1, "rs-clamp-alice", room)) {
            long latest = send(alice, room, "only");
            assertThat(reply(alice, 1, "type", "read", "room", room, "offset", 1_000_000).get("type").asText())
                    .isEqualTo("ack");
            assertThat(other.next("read").get("offset").asLong()).isEqualTo(latest);
            assertThat(unreadIn(alice, room)).isEqualTo(latest + "/0/0");
        }
    }

    @Test
    void badReadsAreAnsweredWithTheirErrorAndTheConnectionStays() {
        try (TestSocket alice = member(0, "rs-bad", "rs-bad");
             TestSocket bob = member(1, "rs-bad-bob", "rs-bad-elsewhere")) {
            send(bob, "rs-bad-elsewhere", "x");
            List<String> codes = new ArrayList<>();
            int id = 100;
            for (Object offset : new Object[] {0, -1, "5", 1.5}) {
                codes.add(reply(alice, ++id, "type", "read", "room", "rs-bad", "offset", offset).get("code").asText());
            }
            codes.add(reply(alice, ++id, "type", "read", "offset", 1).get("code").asText());
            codes.add(reply(alice, ++id, "type", "read", "room", "rs-bad").get("code").asText());
            codes.add(reply(alice, ++id, "type", "read", "room", "no spaces", "offset", 1).get("code").asText());
            codes.add(reply(alice, ++id, "type", "read", "room", "rs-bad-elsewhere", "offset", 1).get("code").asText());
            codes.add(reply(alice, ++id, "type", "read", "room", "rs-bad-unknown", "offset", 1).get("code").asText());
            assertThat(codes).containsExactly("bad_request", "bad_request", "bad_request", "bad_request",
                    "bad_request", "bad_request", "room_invalid", "not_member", "not_member");
            assertThat(unreadIn(alice, "rs-bad-elsewhere")).as("no marker where the reads failed").isNull();
            assertThat(alice.request("unread", "type", "unread").get("rooms")).isEmpty();
            drained(alice);
            assertThat(alice.isOpen()).isTrue();
        }
    }
}
