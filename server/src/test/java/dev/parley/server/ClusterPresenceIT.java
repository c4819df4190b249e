package dev.parley.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.RedisServer;
import dev.parley.testing.TestSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Nicks and room members across three nodes that share one Redis, and a node killed with -9. */
class ClusterPresenceIT {
    private static final long TTL_MS = 1500;
    private static final long REFRESH_MS = 300;

    private static Cluster cluster;
    private static RedisServer redis;

    @BeforeAll
    static void start() {
        cluster = Cluster.start(3, config -> config.with("--presence-ttl-ms", TTL_MS)
                .with("--presence-refresh-ms", REFRESH_MS));
        redis = cluster.redis();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static URI node(int i) {
        return cluster.node(i).webSocketUri();
    }

    private static TestSocket member(int node, String nick, String room) {
        return TestServers.member(cluster.node(node), nick, room);
    }

    @Test
    void aNickIsUniqueAcrossNodesCaseInsensitively() {
        try (TestSocket first = TestSocket.login(node(0), "Unique");
             TestSocket second = TestSocket.connect(node(1));
             TestSocket third = TestSocket.connect(node(2))) {
            assertThat(second.request("error", "type", "hello", "nick", "unique").get("code").asText()).isEqualTo("nick_taken");
            assertThat(third.request("error", "type", "hello", "nick", "UNIQUE").get("code").asText()).isEqualTo("nick_taken");
            first.close();
            await().atMost(Duration.ofSeconds(5)).until(() -> hello(third, "unique").equals("welcome"));
        }
    }

    /** Says hello as {@code nick}; returns the reply's type, {@code welcome} or {@code error}. */
    private static String hello(TestSocket socket, String nick) {
        socket.send("type", "hello", "nick", nick);
        return socket.take(e -> e.path("type").asText().matches("welcome|error"), "welcome or error")
                .get("type").asText();
    }

    @Test
    void aResumeOnAnotherNodeClosesTheOldSessionWith4009AndTheRoomHearsOneLeaveThenOneJoin() {
        try (TestSocket watcher = member(2, "watcher", "resume-across");
             TestSocket old = TestSocket.connect(node(0))) {
            JsonNode welcome = old.request("welcome", "type", "hello", "nick", "Roamer");
            old.request("joined", "type", "join", "room", "resume-across");
            assertThat(watcher.next("presence").get("event").asText()).isEqualTo("join");

            try (TestSocket fresh = TestSocket.connect(node(1))) {
                fresh.request("welcome", "type", "hello", "nick", "roamer", "resume", welcome.get("resume").asText());
                assertThat(old.awaitClose().code()).isEqualTo(4009);
                JsonNode left = watcher.next("presence");
                assertThat(left.get("event").asText()).isEqualTo("leave");
                assertThat(left.get("nick").asText()).isEqualTo("Roamer");
                assertThat(TestServers.who(watcher, "resume-across")).as("the old session left before the new one went on")
                        .containsExactly("watcher");

                JsonNode rejoined = fresh.request("joined", "type", "join", "room", "resume-across");
                assertThat(rejoined.get("members")).extracting(JsonNode::asText).containsExactly("roamer", "watcher");
                assertThat(watcher.next("presence").get("event").asText()).isEqualTo("join");
                watcher.request("pong", "type", "ping");
                assertThat(watcher.has("presence")).as("told exactly once").isFalse();
            }
        }
    }

    @Test
    void whoAndRoomsAnswerForTheWholeCluster() {
        try (TestSocket a = member(0, "wa", "everywhere");
             TestSocket b = member(1, "wb", "everywhere");
             TestSocket c = member(2, "wc", "everywhere");
             TestSocket d = member(2, "wd", "elsewhere")) {
            for (TestSocket asker : List.of(a, b, c)) {
                assertThat(TestServers.who(asker, "everywhere")).containsExactly("wa", "wb", "wc");
            }
            JsonNode rooms = a.request("rooms", "type", "rooms").get("rooms");
            Map<String, Integer> counts = new java.util.HashMap<>();
            rooms.forEach(room -> counts.put(room.get("room").asText(), room.get("members").asInt()));
            assertThat(counts).containsEntry("everywhere", 3).containsEntry("elsewhere", 1);
        }
    }

    @Test
    void whileRedisIsDownPresenceIsUnavailableAndWhenItComesBackEmptyTheNodesPutTheirMembersBackSilently() {
        try (TestSocket a = member(0, "stays-a", "restart-room");
             TestSocket b = member(1, "stays-b", "restart-room")) {
            a.take(e -> e.path("nick").asText().equals("stays-b"), "stays-b joined");
            redis.kill();
            JsonNode refused = a.request("error", "type", "who", "room", "restart-room");
            assertThat(refused.get("code").asText()).isEqualTo("unavailable");
            try (TestSocket newcomer = TestSocket.connect(node(2))) {
                assertThat(newcomer.request("error", "type", "hello", "nick", "newcomer").get("code").asText())
                        .isEqualTo("unavailable");
            }
            assertThat(a.isOpen()).isTrue();

            redis.restart();
            // The nodes reconnect one by one; the class's other tests share them.
            await().atMost(Duration.ofSeconds(10)).until(() -> Cluster.readiness(cluster.node(0)) == 200
                    && Cluster.readiness(cluster.node(1)) == 200 && Cluster.readiness(cluster.node(2)) == 200);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> TestServers.who(b, "restart-room").equals(List.of("stays-a", "stays-b")));
            for (TestSocket member : List.of(a, b)) {
                member.request("pong", "type", "ping");
                assertThat(member.queued()).as("no presence announced for members that never left")
                        .noneMatch(e -> e.path("type").asText().equals("presence"));
            }
        }
    }

    @Test
    void theMembersOfANodeKilledWithSignal9LeaveTheirRoomsAndEachOtherMemberIsToldOnce() throws Exception {
        try (ServerProcess doomed = ServerProcess.start(ServerProcess.javaJar("--host", "127.0.0.1", "--port", "0",
                "--redis-uri", redis.uri(), "--redis-timeout-ms", "5000", "--presence-ttl-ms", Long.toString(TTL_MS),
                "--presence-refresh-ms", Long.toString(REFRESH_MS)), Map.of());
             TestSocket first = member(0, "survivor1", "doomed-room");
             TestSocket second = member(1, "survivor2", "doomed-room")) {
            URI doomedNode = doomed.awaitListening();
            TestSocket ghost = TestSocket.login(doomedNode, "ghost");
            ghost.request("joined", "type", "join", "room", "doomed-room");
            assertThat(first.take(e -> e.path("nick").asText().equals("survivor2"), "survivor2 joined")).isNotNull();
            for (TestSocket survivor : List.of(first, second)) {
                assertThat(survivor.take(e -> e.path("nick").asText().equals("ghost")
                        && e.path("event").asText().equals("join"), "ghost joined")).isNotNull();
            }

            doomed.close();

            for (TestSocket survivor : List.of(first, second)) {
                JsonNode left = survivor.take(e -> e.path("nick").asText().equals("ghost"), "ghost left");
                assertThat(left.get("event").asText()).isEqualTo("leave");
            }
            assertThat(TestServers.who(first, "doomed-room")).containsExactly("survivor1", "survivor2");
            for (TestSocket survivor : List.of(first, second)) {
                survivor.request("pong", "type", "ping");
                assertThat(survivor.queued()).as("one leave each").noneMatch(e -> e.path("nick").asText().equals("ghost"));
            }
            try (TestSocket heir = TestSocket.connect(node(2))) {
                assertThat(heir.request("welcome", "type", "hello", "nick", "ghost").get("nick").asText()).isEqualTo("ghost");
            }
            ghost.close();
        }
    }
}
