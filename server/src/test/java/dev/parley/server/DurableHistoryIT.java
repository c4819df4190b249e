package dev.parley.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.PostgresExtension;
import dev.parley.testing.PostgresServer;
import dev.parley.testing.RedisServer;
import dev.parley.testing.TestSocket;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.parley.server.DurableEvents.offsets;
import static dev.parley.server.DurableEvents.range;
import static dev.parley.server.TestServers.sendUntilAcked;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A node with its history in a real PostgreSQL, over WebSocket: acks after commit, restarts, crashes, outages. */
class DurableHistoryIT {
    private static final Duration WITHIN = Duration.ofSeconds(20);

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    private PostgresServer postgres;

    @BeforeEach
    void server() {
        postgres = POSTGRES.server();
    }

    private ParleyServer start() {
        return TestServers.start(config -> config.with("--database-url", postgres.url()).with("--history-size", 5)
                .with("--database-timeout-ms", 1000));
    }

    private boolean stored(String room, long offset) throws SQLException {
        try (Connection connection = postgres.connect(PostgresServer.DATABASE);
             PreparedStatement statement = connection.prepareStatement(
                     "select 1 from room_events where room = ? and \"offset\" = ?")) {
            statement.setString(1, room);
            statement.setLong(2, offset);
            try (ResultSet result = statement.executeQuery()) {
                return result.next();
            }
        }
    }

    @Test
    void everyAckIsCommittedAndHistoryPagesBackToTheFirstMessagePastTheHistorySize() throws SQLException {
        try (ParleyServer server = start();
             TestSocket alice = TestServers.member(server, "alice", "durable")) {
            for (int i = 1; i <= 30; i++) {
                JsonNode ack = alice.request("ack", "type", "send", "room", "durable", "text", "message " + i);
                assertThat(ack.get("offset").asLong()).isEqualTo(i);
                assertThat(stored("durable", i)).isTrue();
            }
            List<Long> seen = new ArrayList<>();
            Long before = null;
            for (int page = 0; page < 4; page++) {
                JsonNode history = before == null
                        ? alice.request("history", "type", "history", "room", "durable", "limit", 10)
                        : alice.request("history", "type", "history", "room", "durable", "before", before, "limit", 10);
                List<Long> offsets = offsets(history.get("messages"));
                seen.addAll(0, offsets);
                before = offsets.isEmpty() ? null : offsets.get(0);
            }
            assertThat(seen).isEqualTo(range(1, 30));
        }
    }

    @Test
    void welcomeOffersDurableAndSearchAndARepeatedNonceIsAckedOnceAndSearchPagesNewestFirst() {
        try (ParleyServer server = start();
             TestSocket alice = TestSocket.connect(server.webSocketUri())) {
            JsonNode welcome = alice.request("welcome", "type", "hello", "nick", "alice");
            List<String> features = new ArrayList<>();
            welcome.get("features").forEach(feature -> features.add(feature.asText()));
            assertThat(features).contains("durable", "search");
            alice.request("joined", "type", "join", "room", "find");
            JsonNode first = alice.request("ack", "type", "send", "room", "find", "text", "deploy failed", "nonce", "x-1");
            JsonNode again = alice.request("ack", "type", "send", "room", "find", "text", "deploy failed", "nonce", "x-1");
            assertThat(again.get("offset").asLong()).isEqualTo(first.get("offset").asLong());
            assertThat(again.get("ts").asLong()).isEqualTo(first.get("ts").asLong());
            for (int i = 0; i < 4; i++) {
                alice.request("ack", "type", "send", "room", "find", "text", i % 2 == 0 ? "deploy failed again " + i : "all fine");
            }
            JsonNode results = alice.request("results", "type", "search", "room", "find", "query", "deploy failed", "limit", 2);
            assertThat(offsets(results.get("messages"))).containsExactly(4L, 2L);
            JsonNode next = alice.request("results", "type", "search", "room", "find", "query", "deploy failed",
                    "before", results.get("next").asLong(), "limit", 2);
            assertThat(offsets(next.get("messages"))).containsExactly(1L);
            assertThat(next.has("next")).isFalse();
            assertThat(alice.request("results", "type", "search", "room", "find", "query", "nowhere").get("messages"))
                    .isEmpty();
        }
    }

    @Test
    void aRestartedNodeKeepsTheRoomsEpochAndSinceRecoversEverything() {
        String epoch;
        try (ParleyServer server = start();
             TestSocket alice = TestServers.member(server, "alice", "restart")) {
            for (int i = 1; i <= 12; i++) {
                alice.request("ack", "type", "send", "room", "restart", "text", "before restart " + i);
            }
            epoch = alice.request("history", "type", "history", "room", "restart").get("epoch").asText();
        }
        try (ParleyServer server = start();
             TestSocket alice = TestSocket.login(server.webSocketUri(), "alice")) {
            JsonNode joined = alice.request("joined", "type", "join", "room", "restart",
                    "since", Map.of("epoch", epoch, "offset", 2));
            assertThat(joined.get("epoch").asText()).isEqualTo(epoch);
            assertThat(joined.get("recovered").asBoolean()).isTrue();
            assertThat(offsets(joined.get("messages"))).isEqualTo(range(3, 12));
            assertThat(alice.request("ack", "type", "send", "room", "restart", "text", "after").get("offset").asLong())
                    .isEqualTo(13);
        }
    }

    @Test
    void whilePostgresIsDownSendsAreUnavailableAndReadyzIs503ThenTheNodeWorksAgainWithoutARestart() {
        try (ParleyServer server = start();
             TestSocket alice = TestServers.member(server, "alice", "outage")) {
            alice.request("ack", "type", "send", "room", "outage", "text", "before");
            assertThat(Cluster.readiness(server)).isEqualTo(200);
            postgres.stop();
            try {
                JsonNode refused = alice.request("error", "type", "send", "id", 7, "room", "outage", "text", "lost");
                assertThat(refused.get("code").asText()).isEqualTo("unavailable");
                assertThat(refused.get("id").asInt()).isEqualTo(7);
                await().atMost(WITHIN).until(() -> Cluster.readiness(server) == 503);
                assertThat(alice.isOpen()).isTrue();
            } finally {
                postgres.restart();
            }
            await().atMost(WITHIN).until(() -> Cluster.readiness(server) == 200);
            sendUntilAcked(alice, "outage", "back");
            JsonNode history = alice.request("history", "type", "history", "room", "outage");
            List<String> texts = new ArrayList<>();
            history.get("messages").forEach(message -> texts.add(message.get("text").asText()));
            assertThat(texts).containsExactly("before", "back");
            assertThat(offsets(history.get("messages"))).containsExactly(1L, 2L);
        }
    }

    @Test
    void aNodeKilledRightAfterItsAcksHasEveryAckedMessageInOrderUnderTheSameEpochWhenItComesBack() throws Exception {
        List<String> args = List.of("--host", "127.0.0.1", "--port", "0", "--database-url", postgres.url(),
                "--rate-per-sec", "10000", "--burst", "10000");
        String epoch;
        List<Long> acked = new ArrayList<>();
        try (ServerProcess server = ServerProcess.start(ServerProcess.javaJar(args.toArray(String[]::new)), Map.of())) {
            epoch = TestServers.ackedThenKilled(server, "crash", 200, acked);
        }
        assertThat(acked).isEqualTo(range(1, 200));
        try (ServerProcess server = ServerProcess.start(ServerProcess.javaJar(args.toArray(String[]::new)), Map.of())) {
            URI ws = server.awaitListening();
            try (TestSocket alice = TestSocket.login(ws, "alice")) {
                JsonNode joined = alice.request("joined", "type", "join", "room", "crash",
                        "since", Map.of("epoch", epoch, "offset", 0));
                assertThat(joined.get("epoch").asText()).isEqualTo(epoch);
                assertThat(joined.get("recovered").asBoolean()).isTrue();
                assertThat(offsets(joined.get("messages"))).isEqualTo(acked);
                assertThat(joined.get("messages").get(199).get("text").asText()).isEqualTo("crash 200");
            }
            assertThat(server.terminate()).isZero();
        }
    }

    @Test
    void theDatabaseTogetherWithRedisStartsANodeOfAClusterWithDurableHistory() throws Exception {
        try (RedisServer redis = RedisServer.start();
             ServerProcess server = ServerProcess.start(ServerProcess.javaJar("--host", "127.0.0.1", "--port", "0",
                     "--database-url", postgres.url(), "--redis-uri", redis.uri()), Map.of())) {
            Matcher line = server.awaitLine(Pattern.compile("listening on /[^:]+:(\\d+) .*clustered on Redis, history in the database"));
            try (TestSocket alice = TestSocket.connect(URI.create("ws://127.0.0.1:" + line.group(1) + "/ws"))) {
                List<String> features = new ArrayList<>();
                alice.request("welcome", "type", "hello", "nick", "alice").get("features")
                        .forEach(feature -> features.add(feature.asText()));
                assertThat(features).contains("durable", "search");
                alice.request("joined", "type", "join", "room", "both");
                assertThat(alice.request("ack", "type", "send", "room", "both", "text", "stored").get("offset").asLong())
                        .isEqualTo(1);
                assertThat(stored("both", 1)).isTrue();
            }
            assertThat(server.terminate()).isZero();
        }
    }

    @Test
    void aBadDatabaseUrlExits2AndAWrongPasswordExits1WithOneLineWithoutThePassword() throws Exception {
        try (ServerProcess server = ServerProcess.start(ServerProcess.javaJar("--database-url", "mysql://u:hidden@h/db"),
                Map.of())) {
            server.awaitLine(Pattern.compile("databaseUrl must be postgresql://"));
            assertThat(server.awaitExit()).isEqualTo(2);
        }
        try (ServerProcess server = ServerProcess.start(ServerProcess.javaJar("--host", "127.0.0.1", "--port", "0"),
                Map.of("PARLEY_DATABASE_URL", "postgresql://parley:hidden-secret@127.0.0.1:" + postgres.port() + "/parley"))) {
            Matcher line = server.awaitLine(Pattern.compile("ERROR .*cannot use the database postgresql://parley@127\\.0\\.0\\.1:"
                    + postgres.port() + "/parley: .*password authentication failed.*"));
            assertThat(line.group()).doesNotContain("hidden-secret");
            assertThat(server.awaitExit()).isEqualTo(1);
        }
    }
}
