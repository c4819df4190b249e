package dev.parley.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.PostgresExtension;
import dev.parley.testing.PostgresServer;
import dev.parley.testing.TcpProxy;
import dev.parley.testing.TestSocket;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetSocketAddress;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.parley.server.DurableEvents.offsets;
import static dev.parley.server.DurableEvents.range;
import static dev.parley.server.DurableEvents.storedTexts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node whose PostgreSQL goes down, freezes, or loses a connection right after a {@code COMMIT}:
 * sends get {@code unavailable} within the timeout and never an {@code ack} for what is not
 * stored, reads of watched rooms are answered from the recent events the node delivered, and once
 * the database answers again everything acked is there.
 */
class DatabaseOutageIT {
    private static final Duration WITHIN = Duration.ofSeconds(30);
    private static final int TIMEOUT_MS = 1000;
    /** Events of a watched room the node keeps for reads while the database cannot answer. */
    private static final int WINDOW = 8;

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    private final AtomicInteger ids = new AtomicInteger();
    private PostgresServer postgres;

    @BeforeEach
    void server() {
        postgres = POSTGRES.server();
    }

    private ParleyServer start(String databaseUrl) {
        return TestServers.start(config -> config.with("--database-url", databaseUrl).with("--history-size", WINDOW)
                .with("--database-timeout-ms", TIMEOUT_MS).with("--rate-per-sec", 10_000).with("--burst", 10_000));
    }

    /** Sends a command with a new id and returns the reply to it, whatever its type. */
    private JsonNode ask(TestSocket socket, Object... fieldsAndValues) {
        String id = "q-" + ids.incrementAndGet();
        Object[] withId = new Object[fieldsAndValues.length + 2];
        withId[0] = "id";
        withId[1] = id;
        System.arraycopy(fieldsAndValues, 0, withId, 2, fieldsAndValues.length);
        socket.send(withId);
        return socket.take(reply -> id.equals(reply.path("id").asText()), "the reply to " + id);
    }

    private static String code(JsonNode reply) {
        return reply.path("type").asText().equals("error") ? reply.path("code").asText() : reply.path("type").asText();
    }

    /**
     * Sends with {@code nonce} until it is acked (the pool's connections may have died with the
     * server, and a send may fail storing nothing until it has new ones); returns the ack.
     */
    private JsonNode sendUntilAcked(TestSocket socket, String room, String text, String nonce) {
        JsonNode[] ack = new JsonNode[1];
        await().atMost(WITHIN).until(() -> {
            JsonNode reply = ask(socket, "type", "send", "room", room, "text", text, "nonce", nonce);
            ack[0] = reply;
            return code(reply).equals("ack");
        });
        return ack[0];
    }

    @Test
    void whilePostgresIsDownReadsOfAWatchedRoomAreAnsweredFromTheEventsTheNodeDeliveredAndOnlyThose() throws SQLException {
        try (ParleyServer server = start(postgres.url());
             TestSocket alice = TestServers.member(server, "alice", "watched");
             TestSocket bob = TestSocket.login(server.webSocketUri(), "bob");
             TestSocket carol = TestSocket.login(server.webSocketUri(), "carol");
             TestSocket dave = TestSocket.login(server.webSocketUri(), "dave")) {
            List<String> acked = new ArrayList<>();
            for (int i = 1; i <= 12; i++) {
                assertThat(ask(alice, "type", "send", "room", "watched", "text", "w" + i).get("offset").asLong()).isEqualTo(i);
                acked.add("w" + i);
            }
            String epoch = ask(alice, "type", "history", "room", "watched").get("epoch").asText();
            ask(carol, "type", "join", "room", "cold");
            ask(carol, "type", "send", "room", "cold", "text", "c1");
            ask(carol, "type", "leave", "room", "cold"); // no member left: the node stops watching it
            postgres.stop();
            try {
                JsonNode latest = ask(alice, "type", "history", "room", "watched", "limit", 5);
                assertThat(latest.get("epoch").asText()).isEqualTo(epoch);
                assertThat(offsets(latest.get("messages"))).isEqualTo(range(8, 12));
                assertThat(offsets(ask(alice, "type", "history", "room", "watched", "after", 6, "limit", 3).get("messages")))
                        .isEqualTo(range(7, 9));
                assertThat(code(ask(alice, "type", "history", "room", "watched", "before", 6, "limit", 3)))
                        .as("the window holds the latest %d: 3 and 4 are not there", WINDOW).isEqualTo("unavailable");

                JsonNode recovered = ask(bob, "type", "join", "room", "watched", "since", Map.of("epoch", epoch, "offset", 9));
                assertThat(recovered.get("type").asText()).isEqualTo("joined");
                assertThat(recovered.get("recovered").asBoolean()).isTrue();
                assertThat(recovered.get("offset").asLong()).isEqualTo(12);
                assertThat(offsets(recovered.get("messages"))).isEqualTo(range(10, 12));
                JsonNode latestOnly = ask(carol, "type", "join", "room", "watched", "since", Map.of("epoch", epoch, "offset", 2));
                assertThat(latestOnly.get("recovered").asBoolean()).isFalse();
                assertThat(latestOnly.get("epoch").asText()).isEqualTo(epoch);
                assertThat(offsets(latestOnly.get("messages"))).isEqualTo(range(12 - WINDOW + 1, 12));
                JsonNode plain = ask(dave, "type", "join", "room", "watched");
                assertThat(plain.get("epoch").asText()).isEqualTo(epoch);
                assertThat(plain.get("offset").asLong()).isEqualTo(12);
                assertThat(offsets(plain.get("messages"))).isEqualTo(range(12 - WINDOW + 1, 12));

                assertThat(code(ask(carol, "type", "history", "room", "cold"))).as("not watched").isEqualTo("unavailable");
                assertThat(code(ask(alice, "type", "send", "room", "watched", "text", "refused"))).isEqualTo("unavailable");
                await().atMost(WITHIN).until(() -> Cluster.readiness(server) == 503);
            } finally {
                postgres.restart();
            }
            await().atMost(WITHIN).until(() -> Cluster.readiness(server) == 200);
            JsonNode back = sendUntilAcked(alice, "watched", "back", "n-back");
            assertThat(back.get("offset").asLong()).isEqualTo(13);
            acked.add("back");
            assertThat(storedTexts(postgres, "watched")).isEqualTo(acked);
        }
    }

    @Test
    void aFrozenDatabaseAnswersSendsUnavailableWithinTheTimeoutAndReadsFromTheWindowThenEverythingAckedIsThere()
            throws SQLException {
        try (ParleyServer server = start(postgres.url());
             TestSocket alice = TestServers.member(server, "alice", "frozen")) {
            List<String> acked = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                ask(alice, "type", "send", "room", "frozen", "text", "f" + i);
                acked.add("f" + i);
            }
            String epoch = ask(alice, "type", "history", "room", "frozen").get("epoch").asText();
            postgres.pause();
            try {
                // The first waits in the writer's transaction on the frozen server, the second in the queue behind it.
                for (String text : List.of("stuck", "queued")) {
                    long start = System.nanoTime();
                    assertThat(code(ask(alice, "type", "send", "room", "frozen", "text", text))).isEqualTo("unavailable");
                    assertThat(Duration.ofNanos(System.nanoTime() - start)).as(text)
                            .isLessThan(Duration.ofMillis(TIMEOUT_MS + 1500));
                }
                long start = System.nanoTime();
                JsonNode history = ask(alice, "type", "history", "room", "frozen");
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(TIMEOUT_MS + 1500));
                assertThat(history.get("epoch").asText()).isEqualTo(epoch);
                assertThat(offsets(history.get("messages"))).isEqualTo(range(1, 3));
                await().atMost(WITHIN).until(() -> Cluster.readiness(server) == 503);
            } finally {
                postgres.resume();
            }
            await().atMost(WITHIN).until(() -> Cluster.readiness(server) == 200);
            sendUntilAcked(alice, "frozen", "thawed", "n-thawed");
            acked.add("thawed");
            assertThat(storedTexts(postgres, "frozen")).as("every ack, and nothing answered unavailable").isEqualTo(acked);
        }
    }

    @Test
    void aSendWhoseCommitAnswerWasLostIsUnavailableAndItsResendWithTheSameNonceAcksTheStoredOne() throws SQLException {
        try (TcpProxy proxy = TcpProxy.to(new InetSocketAddress("127.0.0.1", postgres.port()));
             ParleyServer server = start(postgres.url().replace(":" + postgres.port() + "/", ":" + proxy.port() + "/"));
             TestSocket alice = TestServers.member(server, "alice", "unknown")) {
            ask(alice, "type", "send", "room", "unknown", "text", "first");
            // the writer sends COMMIT once the insert is answered: the server gets it, the node never hears back
            proxy.cutAfterNextToServer("insert into room_events");
            JsonNode lost = ask(alice, "type", "send", "room", "unknown", "text", "committed unheard", "nonce", "n-7");
            assertThat(code(lost)).isEqualTo("unavailable");
            assertThat(storedTexts(postgres, "unknown")).as("the server committed it").containsExactly("first", "committed unheard");
            JsonNode resent = sendUntilAcked(alice, "unknown", "committed unheard", "n-7");
            assertThat(resent.get("offset").asLong()).isEqualTo(2);
            assertThat(storedTexts(postgres, "unknown")).as("stored once").containsExactly("first", "committed unheard");
        }
    }
}
