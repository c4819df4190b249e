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
import static org.awaitility.Awaitility.await;

/**
 * Several sessions of one user with auth on, over WebSocket: each implementation says which node
 * a session connects to ({@link #node}), one server or the nodes of a cluster in turn, so that a
 * user's sessions are spread over them where there are several.
 */
abstract class MultiSessionContract {
    static final int MAX_SESSIONS = 10;

    /** Where session {@code index} of a test connects. */
    abstract URI node(int index);

    /** A session of {@code nick} with a valid token, on node {@code index}; its welcome is its first event. */
    private TestSocket login(int index, String nick) {
        TestSocket socket = TestSocket.connect(node(index));
        JsonNode welcome = socket.request("welcome", "type", "hello", "nick", nick, "token", token(nick));
        assertThat(welcome.get("nick").asText()).isEqualTo(nick);
        return socket;
    }

    private static String token(String nick) {
        return Jwts.hs256(nick, Duration.ofMinutes(5));
    }

    /** The next presence event about {@code nick}, as "join" or "leave". */
    private static String presenceOf(TestSocket watcher, String nick) {
        return watcher.take(e -> e.path("type").asText().equals("presence") && e.path("nick").asText().equals(nick),
                "presence of " + nick).get("event").asText();
    }

    @Test
    void welcomeOffersMultiSessionAndAnnouncesTheLimit() {
        try (TestSocket socket = TestSocket.connect(node(0))) {
            JsonNode welcome = socket.request("welcome", "type", "hello", "nick", "ms-welcome", "token", token("ms-welcome"));
            assertThat(welcome.get("features")).extracting(JsonNode::asText).contains("multi-session");
            assertThat(welcome.get("limits").get("maxSessionsPerUser").asInt()).isEqualTo(MAX_SESSIONS);
        }
    }

    @Test
    void twoSessionsOfAUserAreOneMemberToTheRoomFromTheFirstJoinToTheLastLeave() {
        String room = "ms-room";
        try (TestSocket bob = login(0, "ms-bob");
             TestSocket first = login(0, "ms-alice");
             TestSocket second = login(1, "ms-alice")) {
            bob.request("joined", "type", "join", "room", room);
            first.request("joined", "type", "join", "room", room);
            assertThat(presenceOf(bob, "ms-alice")).isEqualTo("join");
            JsonNode joined = second.request("joined", "type", "join", "room", room);
            assertThat(joined.get("members")).extracting(JsonNode::asText).containsExactly("ms-alice", "ms-bob");
            assertThat(TestServers.who(bob, room)).containsExactly("ms-alice", "ms-bob");
            assertThat(TestServers.who(second, room)).containsExactly("ms-alice", "ms-bob");

            first.close();
            first.awaitClose();
            try (TestSocket carol = login(0, "ms-carol")) {
                carol.request("joined", "type", "join", "room", room);
                JsonNode next = bob.next("presence");
                assertThat(next.get("nick").asText()).as("the second join and the first leave are not told")
                        .isEqualTo("ms-carol");
                assertThat(TestServers.who(bob, room)).containsExactly("ms-alice", "ms-bob", "ms-carol");

                second.request("left", "type", "leave", "room", room);
                assertThat(presenceOf(bob, "ms-alice")).as("the last session's leave is").isEqualTo("leave");
                assertThat(TestServers.who(bob, room)).containsExactly("ms-bob", "ms-carol");
            }
        }
    }

    @Test
    void aDmReachesEverySessionOfItsUser() {
        try (TestSocket first = login(0, "ms-dm-alice");
             TestSocket second = login(1, "ms-dm-alice");
             TestSocket bob = login(1, "ms-dm-bob")) {
            bob.request("ack", "type", "dm", "id", 7, "to", "ms-dm-alice", "text", "to both");
            for (TestSocket session : List.of(first, second)) {
                JsonNode dm = session.next("dm");
                assertThat(dm.get("from").asText()).isEqualTo("ms-dm-bob");
                assertThat(dm.get("text").asText()).isEqualTo("to both");
            }
        }
    }

    @Test
    void theSessionPastTheLimitGetsTooManySessionsAndIsClosedWith1008() {
        List<TestSocket> sessions = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_SESSIONS; i++) {
                sessions.add(login(i, "ms-many"));
            }
            try (TestSocket extra = TestSocket.connect(node(MAX_SESSIONS))) {
                JsonNode error = extra.request("error", "type", "hello", "id", 11, "nick", "ms-many", "token", token("ms-many"));
                assertThat(error.get("code").asText()).isEqualTo("too_many_sessions");
                assertThat(error.get("id").asInt()).isEqualTo(11);
                assertThat(extra.awaitClose().code()).isEqualTo(1008);
            }
            for (TestSocket session : sessions) {
                assertThat(session.request("pong", "type", "ping")).as("the others stay").isNotNull();
            }
            sessions.remove(0).close();
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                try (TestSocket again = TestSocket.connect(node(0))) {
                    again.send("type", "hello", "nick", "ms-many", "token", token("ms-many"));
                    assertThat(again.take(e -> e.path("type").asText().matches("welcome|error"), "welcome or error")
                            .get("type").asText()).isEqualTo("welcome");
                }
            });
        } finally {
            sessions.forEach(TestSocket::close);
        }
    }

    @Test
    void aResumeReplacesItsOwnSessionOnlyAndTheRoomHearsNothing() {
        String room = "ms-resume";
        try (TestSocket bob = login(0, "ms-resume-bob");
             TestSocket first = TestSocket.connect(node(0));
             TestSocket second = login(1, "ms-roamer")) {
            bob.request("joined", "type", "join", "room", room);
            String resume = first.request("welcome", "type", "hello", "nick", "ms-roamer", "token", token("ms-roamer"))
                    .get("resume").asText();
            first.request("joined", "type", "join", "room", room);
            second.request("joined", "type", "join", "room", room);
            assertThat(presenceOf(bob, "ms-roamer")).isEqualTo("join");

            try (TestSocket resumed = TestSocket.connect(node(1))) {
                resumed.request("welcome", "type", "hello", "nick", "ms-roamer", "resume", resume, "token", token("ms-roamer"));
                assertThat(first.awaitClose().code()).isEqualTo(4009);
                assertThat(second.request("pong", "type", "ping")).as("the other session stays").isNotNull();
                assertThat(second.isOpen()).isTrue();
                resumed.request("joined", "type", "join", "room", room);
                try (TestSocket marker = login(0, "ms-resume-marker")) {
                    marker.request("joined", "type", "join", "room", room);
                    assertThat(bob.next("presence").get("nick").asText()).as("no leave and join for the resume")
                            .isEqualTo("ms-resume-marker");
                }
                assertThat(TestServers.who(bob, room)).contains("ms-roamer").doesNotHaveDuplicates();
            }
        }
    }
}
