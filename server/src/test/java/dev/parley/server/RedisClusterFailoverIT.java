package dev.parley.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.server.config.ServerConfig;
import dev.parley.testing.PostgresExtension;
import dev.parley.testing.RedisCluster;
import dev.parley.testing.TestSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two nodes on a Redis Cluster of their own while the master of their room's slot is killed
 * ({@code kill -9}) under load: its replica takes over, the nodes follow the new topology and keep
 * serving, and no acknowledged message is lost or doubled; unless Redis lost some (asynchronous
 * replication; forced here by stopping the replica first), and then the room is under a new epoch
 * and its members were told to recover. With the database the room's history is not in Redis:
 * nothing acknowledged is lost at all.
 */
class RedisClusterFailoverIT {
    private static final String ROOM = "failover";
    private static final int PER_SENDER = 45;
    private static final int BEFORE_KILL = 15;
    private static final Duration WITHIN = Duration.ofSeconds(30);
    private static final AtomicInteger DATABASES = new AtomicInteger();

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    private RedisCluster redis;
    private final List<ParleyServer> nodes = new ArrayList<>();

    @BeforeEach
    void startRedis() {
        redis = RedisCluster.start();
    }

    @AfterEach
    void stopAll() {
        try {
            nodes.forEach(ParleyServer::close);
        } finally {
            redis.close();
        }
    }

    private ParleyServer node(UnaryOperator<ServerConfig.Builder> customize) {
        ParleyServer node = TestServers.start(c -> customize.apply(c.with("--redis-cluster", true)
                .with("--redis-uri", redis.uris()).with("--redis-timeout-ms", 5000).with("--redis-check-ms", 200)
                .with("--history-size", 1000).with("--rate-per-sec", 10_000).with("--burst", 10_000)));
        nodes.add(node);
        return node;
    }

    /**
     * A sender on {@code node}: sends {@link #PER_SENDER} messages with nonces one after the other,
     * each again (same nonce) until acked, logging in and joining again when its connection was
     * closed (a room that lost its history closes its members with 1012). Its acks by text.
     */
    private static final class Sender {
        final String nick;
        final ParleyServer node;
        final Map<String, Long> acked = new ConcurrentHashMap<>();
        /** The room's epoch when each text was acked. */
        final Map<String, String> ackedIn = new ConcurrentHashMap<>();
        TestSocket socket;
        String epoch;

        Sender(String nick, ParleyServer node) {
            this.nick = nick;
            this.node = node;
            connect();
        }

        private void connect() {
            socket = TestSocket.login(node.webSocketUri(), nick);
            epoch = socket.request("joined", "type", "join", "room", ROOM).get("epoch").asText();
        }

        void send(int from, int to) {
            for (int i = from; i <= to; i++) {
                String text = nick + "-" + i;
                int id = i;
                await().atMost(WITHIN).pollInterval(Duration.ofMillis(20)).ignoreExceptions().until(() -> {
                    if (!socket.isOpen()) {
                        connect();
                    }
                    socket.send("type", "send", "id", id, "room", ROOM, "text", text, "nonce", text);
                    JsonNode reply;
                    try {
                        reply = socket.take(event -> event.path("id").asInt(-1) == id
                                && event.path("type").asText().matches("ack|error"), "ack or error");
                    } catch (AssertionError closedMeanwhile) {
                        return false;
                    }
                    if (reply.path("type").asText().equals("ack")) {
                        acked.put(text, reply.get("offset").asLong());
                        ackedIn.put(text, epoch);
                        return true;
                    }
                    return false;
                });
            }
        }
    }

    /** Each sender sends its first messages, the room's master is killed, then they send the rest. */
    private void sendAcrossAKill(List<Sender> senders) {
        senders.forEach(sender -> sender.send(1, BEFORE_KILL));
        List<CompletableFuture<Void>> sending = senders.stream()
                .map(sender -> CompletableFuture.runAsync(() -> sender.send(BEFORE_KILL + 1, PER_SENDER))).toList();
        redis.killMasterOf("parley:room:{" + ROOM + "}");
        CompletableFuture.allOf(sending.toArray(CompletableFuture[]::new)).join();
    }

    /** The room's history as {@code reader} reads it now: its epoch, and offset → text. */
    private static Map.Entry<String, Map<Long, String>> history(TestSocket reader) {
        JsonNode history = await().atMost(WITHIN).ignoreExceptions().until(
                () -> reader.request("history", "type", "history", "room", ROOM, "limit", 100), reply -> true);
        Map<Long, String> texts = new ConcurrentHashMap<>();
        history.get("messages").forEach(message -> texts.put(message.get("offset").asLong(), message.get("text").asText()));
        return Map.entry(history.get("epoch").asText(), texts);
    }

    @Test
    void killingTheRoomsMasterUnderLoadLosesNoAcknowledgedMessageOrGivesTheRoomANewEpoch() {
        ParleyServer a = node(UnaryOperator.identity());
        ParleyServer b = node(UnaryOperator.identity());
        try (TestSocket listener = TestServers.member(b, "listener", ROOM)) {
            String startEpoch = listener.request("history", "type", "history", "room", ROOM).get("epoch").asText();
            List<Sender> senders = List.of(new Sender("alice", a), new Sender("bob", b));
            sendAcrossAKill(senders);

            try (TestSocket reader = TestServers.loginWhenServing(a.webSocketUri(), "reader")) {
                Map.Entry<String, Map<Long, String>> history = history(reader);
                if (history.getKey().equals(startEpoch)) {
                    for (Sender sender : senders) {
                        sender.acked.forEach((text, offset) -> assertThat(history.getValue().get(offset))
                                .as("acked %s at %d", text, offset).isEqualTo(text));
                    }
                    assertThat(history.getValue()).as("each once").hasSize(2 * PER_SENDER);
                    List<Long> received = new ArrayList<>();
                    while (received.size() < 2 * PER_SENDER) {
                        received.add(listener.next("message").get("offset").asLong());
                    }
                    assertThat(received).as("once each, in order").isEqualTo(DurableEvents.range(1, 2 * PER_SENDER));
                } else {
                    // Redis lost acknowledged writes: the members were told, and nothing of the new epoch is lost.
                    assertThat(listener.awaitClose(WITHIN).code()).isEqualTo(1012);
                    for (Sender sender : senders) {
                        sender.acked.forEach((text, offset) -> {
                            if (sender.ackedIn.get(text).equals(history.getKey())) {
                                assertThat(history.getValue().get(offset)).as("acked %s at %d", text, offset).isEqualTo(text);
                            }
                        });
                    }
                }
            }
        }
        for (int i = 0; i < nodes.size(); i++) {
            try (TestSocket after = TestServers.member(nodes.get(i), "after" + i, "after-" + i)) {
                TestServers.sendUntilAcked(after, "after-" + i, "still serving");
            }
        }
    }

    @Test
    void acknowledgedMessagesAFailoverLostGiveTheRoomANewEpochAndItsMembersRecover() {
        ParleyServer a = node(UnaryOperator.identity());
        ParleyServer b = node(UnaryOperator.identity());
        try (TestSocket listener = TestServers.member(b, "listener", ROOM)) {
            Sender alice = new Sender("alice", a);
            String epoch = alice.epoch;
            alice.send(1, 5);
            redis.killMasterOfLosing("parley:room:{" + ROOM + "}", () -> alice.send(6, 10));
            for (long offset = 1; offset <= 10; offset++) {
                assertThat(listener.next("message").get("offset").asLong()).as("delivered before the failover").isEqualTo(offset);
            }

            alice.send(11, 15);

            assertThat(listener.awaitClose(WITHIN).code()).as("told, not given other messages at offsets 6 to 10")
                    .isEqualTo(1012);
            try (TestSocket back = TestServers.loginWhenServing(b.webSocketUri(), "listener-back")) {
                JsonNode joined = back.request("joined", "type", "join", "room", ROOM,
                        "since", Map.of("epoch", epoch, "offset", 10));
                assertThat(joined.get("recovered").asBoolean()).isFalse();
                assertThat(joined.get("epoch").asText()).isNotEqualTo(epoch);
                assertThat(joined.get("messages")).extracting(m -> m.get("text").asText())
                        .as("what Redis kept, then what came after").startsWith("alice-1", "alice-2", "alice-3", "alice-4", "alice-5")
                        .contains("alice-15").doesNotContain("alice-6");
            }
        }
    }

    @Test
    void withTheDatabaseKillingTheRoomsMasterUnderLoadLosesNoAcknowledgedMessage() {
        String database = POSTGRES.server().createDatabase("failover_" + DATABASES.incrementAndGet());
        ParleyServer a = node(c -> c.with("--database-url", database));
        ParleyServer b = node(c -> c.with("--database-url", database));
        try (TestSocket listener = TestServers.member(b, "listener", ROOM)) {
            List<Sender> senders = List.of(new Sender("alice", a), new Sender("bob", b));
            String epoch = senders.get(0).epoch;
            sendAcrossAKill(senders);

            List<Long> received = new ArrayList<>();
            while (received.size() < 2 * PER_SENDER) {
                received.add(listener.next("message").get("offset").asLong());
            }
            assertThat(received).as("once each, in order, the listener never closed").isEqualTo(DurableEvents.range(1, 2 * PER_SENDER));
            try (TestSocket reader = TestServers.loginWhenServing(a.webSocketUri(), "reader")) {
                Map.Entry<String, Map<Long, String>> history = history(reader);
                assertThat(history.getKey()).isEqualTo(epoch);
                for (Sender sender : senders) {
                    assertThat(sender.ackedIn.values()).containsOnly(epoch);
                    sender.acked.forEach((text, offset) -> assertThat(history.getValue().get(offset))
                            .as("acked %s at %d", text, offset).isEqualTo(text));
                }
                assertThat(history.getValue()).as("each once").hasSize(2 * PER_SENDER);
            }
        }
    }
}
