package dev.parley.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.PostgresExtension;
import dev.parley.testing.PostgresServer;
import dev.parley.testing.TestSocket;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static dev.parley.server.DurableEvents.offsets;
import static dev.parley.server.DurableEvents.range;
import static dev.parley.server.TestServers.sendUntilAcked;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Durable history in a cluster, over WebSocket: several nodes that share one real PostgreSQL and
 * one real {@code redis-server} (a new database and a new Redis for each test). Offsets across
 * nodes, a node killed right after its acks, Redis flushed, stopped and started again on its port
 * (empty), every node restarted, the database gone.
 */
class DurableClusterIT {
    private static final Duration WITHIN = Duration.ofSeconds(20);

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    @RegisterExtension
    final DurableCluster cluster = new DurableCluster(POSTGRES);

    /** A node of the cluster in this JVM; it checks its rooms' positions every 200 ms. */
    private ParleyServer node() {
        return cluster.node(c -> c.with("--database-timeout-ms", 1000)
                .with("--redis-timeout-ms", 5_000).with("--redis-check-ms", 200)
                .with("--rate-per-sec", 10_000).with("--burst", 10_000));
    }

    /** The next {@code count} messages {@code member} receives, by offset, each checked to be the next one. */
    private static List<JsonNode> receive(TestSocket member, long from, int count) {
        List<JsonNode> messages = new ArrayList<>();
        for (long offset = from; offset < from + count; offset++) {
            JsonNode message = member.next("message");
            assertThat(message.get("offset").asLong()).as("once each, in offset order").isEqualTo(offset);
            messages.add(message);
        }
        return messages;
    }

    /** The stored events of {@code room}: offset → "sender nonce". */
    private Map<Long, String> stored(String room) throws SQLException {
        Map<Long, String> events = new HashMap<>();
        try (Connection connection = POSTGRES.server().connect(cluster.database());
             PreparedStatement statement = connection.prepareStatement(
                     "select \"offset\", sender, nonce from room_events where room = ?")) {
            statement.setString(1, room);
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    events.put(result.getLong(1), result.getString(2) + " " + result.getString(3));
                }
            }
        }
        return events;
    }

    @Test
    void everyMemberOnEveryNodeGetsEveryMessageOnceInOffsetOrderWhileEveryNodeSendsAndEachAckIsStored() throws Exception {
        List<ParleyServer> cluster = List.of(node(), node(), node());
        try (TestSocket hello = TestSocket.connect(cluster.get(2).webSocketUri())) {
            List<String> features = new ArrayList<>();
            hello.request("welcome", "type", "hello", "nick", "curious").get("features")
                    .forEach(feature -> features.add(feature.asText()));
            assertThat(features).contains("durable", "search");
        }
        int perSender = 40;
        List<TestSocket> senders = new ArrayList<>();
        List<TestSocket> listeners = new ArrayList<>();
        try {
            for (int n = 0; n < 3; n++) {
                senders.add(TestServers.member(cluster.get(n), "sender" + n, "busy"));
                listeners.add(TestServers.member(cluster.get(n), "listener" + n, "busy"));
            }
            List<CompletableFuture<Void>> sending = new ArrayList<>();
            for (int n = 0; n < 3; n++) {
                TestSocket sender = senders.get(n);
                int node = n;
                sending.add(CompletableFuture.runAsync(() -> {
                    for (int m = 0; m < perSender; m++) {
                        sender.send("type", "send", "id", m, "room", "busy", "text", node + ":" + m, "nonce", "n-" + m);
                    }
                }));
            }
            CompletableFuture.allOf(sending.toArray(CompletableFuture[]::new)).join();
            int total = 3 * perSender;
            Map<Long, String> acked = new HashMap<>();
            for (int n = 0; n < 3; n++) {
                for (int m = 0; m < perSender; m++) {
                    JsonNode ack = senders.get(n).next("ack");
                    assertThat(acked.put(ack.get("offset").asLong(), "sender" + n + " n-" + ack.get("id").asInt()))
                            .as("no offset acked twice").isNull();
                }
            }
            assertThat(acked.keySet()).containsExactlyInAnyOrderElementsOf(range(1, total));
            assertThat(stored("busy")).as("acked is stored, as acked").isEqualTo(acked);
            List<TestSocket> everyone = new ArrayList<>(senders);
            everyone.addAll(listeners);
            for (TestSocket member : everyone) {
                List<JsonNode> messages = receive(member, 1, total);
                for (JsonNode message : messages) {
                    String[] sent = message.get("text").asText().split(":");
                    assertThat(acked.get(message.get("offset").asLong())).isEqualTo("sender" + sent[0] + " n-" + sent[1]);
                }
            }
        } finally {
            senders.forEach(TestSocket::close);
            listeners.forEach(TestSocket::close);
        }
    }

    @Test
    void aNodeKilledRightAfterItsAcksLeavesEveryAckedMessageInOrderUnderTheSameEpochForTheOtherNodes() throws Exception {
        ParleyServer survivor = node();
        List<Long> acked = new ArrayList<>();
        String epoch;
        try (TestSocket bob = TestServers.member(survivor, "bob", "crash")) {
            try (ServerProcess doomed = ServerProcess.start(ServerProcess.javaJar("--host", "127.0.0.1", "--port", "0",
                    "--database-url", cluster.url(), "--redis-uri", cluster.redis().uri(), "--redis-check-ms", "200",
                    "--rate-per-sec", "10000", "--burst", "10000"), Map.of())) {
                epoch = TestServers.ackedThenKilled(doomed, "crash", 200, acked);
            }
            assertThat(acked).isEqualTo(range(1, 200));
            assertThat(receive(bob, 1, 200).get(199).get("text").asText())
                    .as("a member on another node gets every acked message, published or not").isEqualTo("crash 200");
        }
        try (TestSocket carol = TestSocket.login(survivor.webSocketUri(), "carol")) {
            JsonNode joined = carol.request("joined", "type", "join", "room", "crash", "since", Map.of("epoch", epoch, "offset", 0));
            assertThat(joined.get("epoch").asText()).isEqualTo(epoch);
            assertThat(joined.get("recovered").asBoolean()).isTrue();
            assertThat(offsets(joined.get("messages"))).isEqualTo(acked);
            assertThat(carol.request("ack", "type", "send", "room", "crash", "text", "after").get("offset").asLong())
                    .isEqualTo(201);
        }
    }

    @Test
    void redisFlushedStoppedAndBackEmptyLosesNothingDoublesNoOffsetAndKeepsTheEpoch() {
        ParleyServer first = node();
        ParleyServer second = node();
        try (TestSocket alice = TestServers.member(first, "alice", "weather");
             TestSocket bob = TestServers.member(second, "bob", "weather")) {
            assertThat(alice.request("ack", "type", "send", "room", "weather", "text", "before").get("offset").asLong())
                    .isEqualTo(1);
            String epoch = bob.request("history", "type", "history", "room", "weather").get("epoch").asText();

            try (RedisClient admin = RedisClient.create(cluster.redis().uri());
                 StatefulRedisConnection<String, String> connection = admin.connect()) {
                connection.sync().flushall();
            }
            assertThat(alice.request("ack", "type", "send", "room", "weather", "text", "after the flush").get("offset")
                    .asLong()).isEqualTo(2);

            cluster.redis().stop();
            await().atMost(WITHIN).until(() -> Cluster.readiness(first) == 503 && Cluster.readiness(second) == 503);
            assertThat(alice.request("ack", "type", "send", "room", "weather", "text", "while Redis is gone").get("offset")
                    .asLong()).as("stored, so acked, without Redis").isEqualTo(3);
            assertThat(bob.request("history", "type", "history", "room", "weather").get("epoch").asText())
                    .as("history reads the database").isEqualTo(epoch);

            cluster.redis().restart();
            await().atMost(WITHIN).until(() -> Cluster.readiness(first) == 200 && Cluster.readiness(second) == 200);
            assertThat(bob.request("ack", "type", "send", "room", "weather", "text", "back").get("offset").asLong())
                    .isEqualTo(4);
            for (TestSocket member : List.of(alice, bob)) {
                assertThat(receive(member, 1, 4)).extracting(message -> message.get("text").asText())
                        .containsExactly("before", "after the flush", "while Redis is gone", "back");
                assertThat(member.isOpen()).as("nothing to recover from: the history is the database's").isTrue();
            }
        }
        try (TestSocket carol = TestSocket.login(second.webSocketUri(), "carol")) {
            String epoch = carol.request("history", "type", "history", "room", "weather").get("epoch").asText();
            JsonNode joined = carol.request("joined", "type", "join", "room", "weather", "since", Map.of("epoch", epoch, "offset", 1));
            assertThat(joined.get("recovered").asBoolean()).isTrue();
            assertThat(offsets(joined.get("messages"))).containsExactly(2L, 3L, 4L);
        }
    }

    @Test
    void everyNodeRestartedKeepsTheEpochTheHistoryAndRecovery() {
        String epoch;
        try (TestSocket alice = TestServers.member(node(), "alice", "lasting");
             TestSocket bob = TestServers.member(node(), "bob", "lasting")) {
            for (int i = 1; i <= 5; i++) {
                alice.request("ack", "type", "send", "room", "lasting", "text", "a" + i);
                bob.request("ack", "type", "send", "room", "lasting", "text", "b" + i);
            }
            epoch = alice.request("history", "type", "history", "room", "lasting").get("epoch").asText();
        }
        cluster.closeNodes();
        cluster.redis().kill();
        cluster.redis().restart();

        ParleyServer first = node();
        ParleyServer second = node();
        try (TestSocket carol = TestSocket.login(second.webSocketUri(), "carol");
             TestSocket dave = TestServers.member(first, "dave", "lasting")) {
            JsonNode joined = carol.request("joined", "type", "join", "room", "lasting", "since", Map.of("epoch", epoch, "offset", 3));
            assertThat(joined.get("epoch").asText()).isEqualTo(epoch);
            assertThat(joined.get("recovered").asBoolean()).isTrue();
            assertThat(offsets(joined.get("messages"))).isEqualTo(range(4, 10));
            assertThat(dave.request("ack", "type", "send", "room", "lasting", "text", "after").get("offset").asLong())
                    .isEqualTo(11);
            assertThat(carol.next("message").get("offset").asLong()).isEqualTo(11);
            JsonNode history = dave.request("history", "type", "history", "room", "lasting", "limit", 50);
            assertThat(offsets(history.get("messages"))).isEqualTo(range(1, 11));
        }
    }

    @Test
    void withoutTheDatabaseANodeIsNotReadyAndSendsAreUnavailableUntilItIsBack() {
        PostgresServer postgres = POSTGRES.server();
        ParleyServer node = node();
        try (TestSocket alice = TestServers.member(node, "alice", "outage")) {
            alice.request("ack", "type", "send", "room", "outage", "text", "before");
            postgres.stop();
            try {
                await().atMost(WITHIN).until(() -> Cluster.readiness(node) == 503);
                assertThat(alice.request("error", "type", "send", "room", "outage", "text", "lost").get("code").asText())
                        .isEqualTo("unavailable");
            } finally {
                postgres.restart();
            }
            await().atMost(WITHIN).until(() -> Cluster.readiness(node) == 200);
            sendUntilAcked(alice, "outage", "back");
            assertThat(alice.request("history", "type", "history", "room", "outage").get("messages"))
                    .extracting(message -> message.get("text").asText()).containsExactly("before", "back");
        }
    }
}
