package dev.parley.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.Jwts;
import dev.parley.testing.PostgresExtension;
import dev.parley.testing.TestSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.parley.server.StoredDms.dm;
import static dev.parley.server.StoredDms.login;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Direct messages stored in a real PostgreSQL with auth on, over WebSocket: offline delivery, seq, history with. */
class StoredDirectMessagesIT {
    private static final Duration WITHIN = Duration.ofSeconds(20);
    private static final AtomicInteger DATABASES = new AtomicInteger();

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    private String database;

    private ParleyServer start(boolean auth) {
        database = "dms_" + DATABASES.incrementAndGet();
        String url = POSTGRES.server().createDatabase(database);
        return TestServers.start(config -> {
            config.with("--database-url", url).with("--database-timeout-ms", 2000);
            return auth ? config.with("--jwt-hmac-secret", Jwts.SECRET) : config;
        });
    }

    private long pending(String recipient) throws SQLException {
        return StoredDms.pending(POSTGRES.server(), database, recipient);
    }

    private static List<String> texts(JsonNode messages) {
        return messages.findValuesAsText("text");
    }

    private static List<Long> seqs(JsonNode messages) {
        return messages.findValues("seq").stream().map(JsonNode::asLong).toList();
    }

    @Test
    void anOfflineRecipientGetsItsStoredMessagesAfterItsNextHelloOldestFirstAndOnlyOnce() throws SQLException {
        try (ParleyServer server = start(true);
             TestSocket alice = login(server, "alice");
             TestSocket carol = login(server, "carol")) {
            JsonNode ack = dm(alice, "bob", "one");
            assertThat(ack.has("ts")).isTrue();
            assertThat(ack.has("offset")).as("a dm's ack, as when delivered").isFalse();
            dm(carol, "Bob", "two");
            dm(alice, "BOB", "three");
            dm(alice, "bob", "four");
            assertThat(pending("bob")).isEqualTo(4);

            try (TestSocket bob = login(server, "bob")) {
                List<JsonNode> stored = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    stored.add(bob.next("dm"));
                }
                assertThat(stored).extracting(dm -> dm.get("text").asText()).containsExactly("one", "two", "three", "four");
                assertThat(stored).extracting(dm -> dm.get("from").asText()).containsExactly("alice", "carol", "alice", "alice");
                assertThat(stored).extracting(dm -> dm.get("seq").asLong()).as("each conversation counts on its own")
                        .containsExactly(1L, 1L, 2L, 3L);
                assertThat(stored).allMatch(dm -> dm.get("stored").asBoolean());
                await().atMost(WITHIN).until(() -> pending("bob") == 0);
            }

            try (TestSocket bob = login(server, "bob")) {
                // Written after the hello's stored messages were taken: any that came again would come first.
                dm(alice, "bob", "five");
                JsonNode live = bob.next("dm");
                assertThat(live.get("text").asText()).isEqualTo("five");
                assertThat(live.get("seq").asLong()).isEqualTo(4);
                assertThat(live.has("stored")).isFalse();
                assertThat(bob.has("dm")).isFalse();
                assertThat(pending("bob")).isZero();
            }
        }
    }

    @Test
    void aLiveDirectMessageCarriesItsSeq() {
        try (ParleyServer server = start(true);
             TestSocket alice = login(server, "alice");
             TestSocket bob = login(server, "bob")) {
            // bob's hello took its (no) stored messages before alice's dm was stored: bob listens.
            dm(alice, "bob", "ping");
            JsonNode ping = bob.next("dm");
            assertThat(ping.get("seq").asLong()).isEqualTo(1);
            assertThat(ping.has("stored")).isFalse();
            dm(bob, "alice", "pong");
            JsonNode pong = alice.next("dm");
            assertThat(pong.get("from").asText()).isEqualTo("bob");
            assertThat(pong.get("seq").asLong()).isEqualTo(2);
            assertThat(pong.has("stored")).isFalse();
        }
    }

    @Test
    void historyWithPagesAConversationBackFromBothSides() {
        try (ParleyServer server = start(true);
             TestSocket alice = login(server, "alice");
             TestSocket bob = login(server, "bob")) {
            for (int i = 1; i <= 7; i++) {
                dm(i % 2 == 1 ? alice : bob, i % 2 == 1 ? "bob" : "alice", "m" + i);
            }
            JsonNode latest = alice.request("history", "type", "history", "id", 9, "with", "bob", "limit", 3);
            assertThat(latest.get("with").asText()).isEqualTo("bob");
            assertThat(latest.has("room")).isFalse();
            assertThat(seqs(latest.get("messages"))).containsExactly(5L, 6L, 7L);
            assertThat(texts(latest.get("messages"))).containsExactly("m5", "m6", "m7");
            latest.get("messages").forEach(dm -> assertThat(dm.get("type").asText()).isEqualTo("dm"));

            JsonNode older = bob.request("history", "type", "history", "with", "ALICE", "before", 5, "limit", 3);
            assertThat(seqs(older.get("messages"))).containsExactly(2L, 3L, 4L);
            assertThat(older.get("messages").get(0).get("from").asText()).isEqualTo("bob");
            assertThat(older.get("messages").get(1).get("from").asText()).isEqualTo("alice");
            JsonNode first = bob.request("history", "type", "history", "with", "alice", "before", 2, "limit", 3);
            assertThat(texts(first.get("messages"))).containsExactly("m1");
            JsonNode after = alice.request("history", "type", "history", "with", "bob", "after", 6);
            assertThat(seqs(after.get("messages"))).containsExactly(7L);
            JsonNode nobody = alice.request("history", "type", "history", "with", "nobody");
            assertThat(nobody.get("messages")).isEmpty();

            JsonNode both = alice.request("error", "type", "history", "id", 10, "room", "r", "with", "bob");
            assertThat(both.get("code").asText()).isEqualTo("bad_request");
            JsonNode invalid = alice.request("error", "type", "history", "id", 11, "with", "no one");
            assertThat(invalid.get("code").asText()).isEqualTo("no_such_user");
        }
    }

    @Test
    void withoutAuthAnOfflineRecipientIsNoSuchUserAsBeforeAndHistoryWithIsUnsupported() {
        try (ParleyServer server = start(false);
             TestSocket alice = TestSocket.login(server.webSocketUri(), "alice");
             TestSocket bob = TestSocket.login(server.webSocketUri(), "bob")) {
            JsonNode error = alice.request("error", "type", "dm", "id", 1, "to", "nobody", "text", "hi");
            assertThat(error.get("code").asText()).isEqualTo("no_such_user");
            alice.request("ack", "type", "dm", "id", 2, "to", "bob", "text", "hi");
            JsonNode dm = bob.next("dm");
            assertThat(dm.has("seq")).as("not stored").isFalse();
            JsonNode unsupported = alice.request("error", "type", "history", "id", 3, "with", "bob");
            assertThat(unsupported.get("code").asText()).isEqualTo("unsupported");
        }
    }
}
