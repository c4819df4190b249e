package dev.parley.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.server.config.ServerConfig;
import dev.parley.testing.Jwts;
import dev.parley.testing.PostgresExtension;
import dev.parley.testing.TestSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import static dev.parley.server.DurableEvents.range;
import static dev.parley.server.StoredDms.dm;
import static dev.parley.server.StoredDms.login;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Stored direct messages on a cluster, over WebSocket: nodes with auth on that share one real
 * PostgreSQL and one real {@code redis-server} (new ones for each test). A dm from one node to a
 * recipient on another arrives live once; an offline recipient gets it after its next hello on any
 * node; one sent while the recipient's hello takes its stored messages comes once, after them; a
 * user with sessions on both nodes gets each dm once in each, also in the sessions that log in
 * while dms are sent; one whose publish Redis lost waits for the next hello.
 */
class ClusteredDirectMessagesIT {
    private static final Duration WITHIN = Duration.ofSeconds(30);

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    @RegisterExtension
    final DurableCluster cluster = new DurableCluster(POSTGRES);

    /** A node of the cluster in this JVM, with auth on; {@code clustered} false: a node alone on the database. */
    private ParleyServer node(boolean clustered) {
        UnaryOperator<ServerConfig.Builder> settings = c -> c.with("--database-timeout-ms", 10_000)
                .with("--jwt-hmac-secret", Jwts.SECRET).with("--rate-per-sec", 10_000).with("--burst", 10_000)
                .with("--redis-timeout-ms", 5_000);
        return clustered ? cluster.node(settings) : cluster.nodeAlone(settings);
    }

    private long pending(String recipient) throws SQLException {
        return StoredDms.pending(POSTGRES.server(), cluster.database(), recipient);
    }

    /** The next {@code count} dms {@code recipient} receives. */
    private static List<JsonNode> receive(TestSocket recipient, int count) {
        List<JsonNode> dms = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            dms.add(recipient.next("dm"));
        }
        return dms;
    }

    private static List<Long> seqs(List<JsonNode> dms) {
        return dms.stream().map(dm -> dm.get("seq").asLong()).toList();
    }

    @Test
    void aDmFromOneNodeReachesItsRecipientOnAnotherLiveWithItsSeqExactlyOnce() throws SQLException {
        try (TestSocket alice = login(node(true), "alice");
             TestSocket bob = login(node(true), "bob")) {
            // bob's node takes his (no) stored messages while alice sends: ping may come in that chunk.
            dm(alice, "bob", "ping");
            JsonNode ping = bob.next("dm");
            assertThat(ping.get("text").asText()).isEqualTo("ping");
            assertThat(ping.get("seq").asLong()).isEqualTo(1);
            dm(bob, "alice", "pong");
            assertThat(alice.next("dm").get("seq").asLong()).isEqualTo(2);
            // Stored after the chunk that could hold ping was taken: live, from the other node.
            dm(alice, "Bob", "again");
            JsonNode again = bob.next("dm");
            assertThat(again.get("text").asText()).as("ping came once").isEqualTo("again");
            assertThat(again.get("seq").asLong()).isEqualTo(3);
            assertThat(again.has("stored")).isFalse();
            assertThat(again.get("to").asText()).as("as the recipient spells its nick").isEqualTo("bob");
            await().atMost(WITHIN).until(() -> pending("bob") == 0 && pending("alice") == 0);
            assertThat(bob.has("dm")).isFalse();
        }
    }

    @Test
    void anOfflineRecipientGetsItsMessagesAfterItsNextHelloOnAnyNodeOnce() throws SQLException {
        ParleyServer first = node(true);
        ParleyServer second = node(true);
        try (TestSocket alice = login(first, "alice")) {
            for (String text : List.of("one", "two", "three")) {
                dm(alice, "carol", text);
            }
            try (TestSocket carol = login(second, "carol")) {
                List<JsonNode> stored = receive(carol, 3);
                assertThat(stored).extracting(dm -> dm.get("text").asText()).containsExactly("one", "two", "three");
                assertThat(seqs(stored)).containsExactly(1L, 2L, 3L);
                assertThat(stored).allMatch(dm -> dm.get("stored").asBoolean());
                await().atMost(WITHIN).until(() -> pending("carol") == 0);
            }
            try (TestSocket carol = login(first, "carol")) {
                // "four" may come stored or live: carol's take of what waited may still be under way.
                dm(alice, "carol", "four");
                JsonNode next = carol.next("dm");
                assertThat(next.get("seq").asLong()).as("none of the stored ones again").isEqualTo(4);
            }
        }
    }

    @Test
    void aDmSentToAnotherNodeWhileTheRecipientTakesItsStoredOnesComesOnceAfterThem() throws SQLException {
        sentWhileTakingComesOnceAfterTheStoredOnes(node(true), node(true));
    }

    @Test
    void onANodeAloneADmSentWhileTheRecipientTakesItsStoredOnesComesOnceAfterThem() throws SQLException {
        ParleyServer alone = node(false);
        sentWhileTakingComesOnceAfterTheStoredOnes(alone, alone);
    }

    /**
     * 150 dms wait for bob; the test holds a row lock on the last, so that bob's hello on
     * {@code recipientNode} takes the first chunk of 100 and then waits in the statement that takes
     * the second. Alice sends 20 more meanwhile: stored after that statement began, so in no
     * chunk. Bob gets 1…150 stored, then 151…170 live, each once.
     */
    private void sentWhileTakingComesOnceAfterTheStoredOnes(ParleyServer senderNode, ParleyServer recipientNode)
            throws SQLException {
        try (TestSocket alice = login(senderNode, "alice")) {
            for (int i = 1; i <= 150; i++) {
                alice.send("type", "dm", "id", i, "to", "bob", "text", "stored " + i);
            }
            for (int i = 1; i <= 150; i++) {
                alice.next("ack");
            }
            try (Connection lock = POSTGRES.server().connect(cluster.database()); Statement statement = lock.createStatement()) {
                lock.setAutoCommit(false);
                statement.execute("select 1 from direct_messages where conversation = 'alice:bob' and seq = 150 for update");
                try (TestSocket bob = login(recipientNode, "bob")) {
                    await().atMost(WITHIN).until(() -> POSTGRES.server().sessionsWaitingForALock() == 1);
                    for (int i = 1; i <= 20; i++) {
                        alice.send("type", "dm", "id", "live " + i, "to", "bob", "text", "live " + i);
                    }
                    if (senderNode != recipientNode) {
                        for (int i = 1; i <= 20; i++) {
                            alice.next("ack"); // stored while bob's node waits in its take
                        }
                    }
                    lock.commit();

                    List<JsonNode> received = receive(bob, 170);
                    assertThat(seqs(received)).as("once each, in order").isEqualTo(range(1, 170));
                    assertThat(received.subList(0, 150)).allMatch(dm -> dm.get("stored").asBoolean());
                    assertThat(received.subList(150, 170)).as("stored after the chunks began: live, after them")
                            .allMatch(dm -> !dm.has("stored"));
                    await().atMost(WITHIN).until(() -> pending("bob") == 0);
                    dm(alice, "bob", "last");
                    assertThat(bob.next("dm").get("seq").asLong()).as("nothing came twice").isEqualTo(171);
                }
            }
        }
    }

    /**
     * Alice has a session on each node and bob sends her dms through either: each of her sessions
     * gets every one live, once, in order, whichever node claimed it.
     */
    @Test
    void aUserWithASessionOnEachNodeGetsEveryDmLiveOnceInOrderOnBoth() throws SQLException {
        ParleyServer first = node(true);
        ParleyServer second = node(true);
        try (TestSocket aliceOnFirst = login(first, "alice");
             TestSocket aliceOnSecond = login(second, "alice");
             TestSocket bobOnFirst = login(first, "bob");
             TestSocket bobOnSecond = login(second, "bob")) {
            List<TestSocket> alice = List.of(aliceOnFirst, aliceOnSecond);
            dm(bobOnFirst, "alice", "warm-up");
            for (TestSocket session : alice) {
                // In a chunk or live: the session may still be taking its stored messages. Either
                // way its last chunk is taken: what follows comes live.
                assertThat(session.next("dm").get("seq").asLong()).isEqualTo(1);
            }
            for (int i = 2; i <= 21; i++) {
                dm(i % 2 == 0 ? bobOnFirst : bobOnSecond, "alice", "dm " + i);
            }
            for (TestSocket session : alice) {
                List<JsonNode> received = receive(session, 20);
                assertThat(seqs(received)).as("once each, in order").isEqualTo(range(2, 21));
                assertThat(received).allMatch(dm -> !dm.has("stored") && dm.get("text").asText().equals("dm " + dm.get("seq")));
            }
            await().atMost(WITHIN).until(() -> pending("alice") == 0);
            dm(bobOnSecond, "alice", "last");
            for (TestSocket session : alice) {
                assertThat(session.next("dm").get("seq").asLong()).as("nothing came twice").isEqualTo(22);
            }
        }
    }

    /**
     * Alice listens on the first node while bob sends 300 dms through the second, and two more
     * sessions of hers log in meanwhile, one on each node. Each session gets each dm at most once
     * (stored ones first), and every dm sent after its welcome; the one that listened from the
     * start gets them all, live and in order.
     */
    @Test
    void sessionsThatLogInWhileDmsAreSentGetEachOnceInAChunkOrLive() throws SQLException {
        ParleyServer first = node(true);
        ParleyServer second = node(true);
        try (TestSocket bob = login(second, "bob");
             TestSocket listening = login(first, "alice")) {
            dm(bob, "alice", "warm-up");
            listening.next("dm");
            sendPipelined(bob, 1, 100);
            try (TestSocket joiningSecond = login(second, "alice")) {
                sendPipelined(bob, 101, 200);
                try (TestSocket joiningFirst = login(first, "alice")) {
                    sendPipelined(bob, 201, 300);
                    for (int i = 1; i <= 300; i++) {
                        bob.next("ack");
                    }
                    dm(bob, "alice", "marker");

                    List<JsonNode> all = untilMarker(listening);
                    assertThat(seqs(all)).as("from the start: all, once, in order").isEqualTo(range(2, 302));
                    assertThat(all).noneMatch(dm -> dm.has("stored"));
                    assertReceivedOnceEachAndAllSentAfterItsWelcome(untilMarker(joiningSecond), 101);
                    assertReceivedOnceEachAndAllSentAfterItsWelcome(untilMarker(joiningFirst), 201);
                    await().atMost(WITHIN).until(() -> pending("alice") == 0);
                }
            }
        }
    }

    /** Sends dms {@code from}…{@code to} (each text {@code "dm <n>"}, its seq n + 1) without waiting for their acks. */
    private static void sendPipelined(TestSocket sender, int from, int to) {
        for (int i = from; i <= to; i++) {
            sender.send("type", "dm", "id", i, "to", "alice", "text", "dm " + i);
        }
    }

    /** The dms {@code session} receives up to and including the one whose text is "marker". */
    private static List<JsonNode> untilMarker(TestSocket session) {
        List<JsonNode> received = new ArrayList<>();
        do {
            received.add(session.next("dm"));
        } while (!received.get(received.size() - 1).get("text").asText().equals("marker"));
        return received;
    }

    private static void assertReceivedOnceEachAndAllSentAfterItsWelcome(List<JsonNode> received, int firstSentAfter) {
        List<Long> seqs = seqs(received);
        assertThat(seqs).as("once each").doesNotHaveDuplicates().containsAll(range(firstSentAfter + 1, 302));
        int firstLive = (int) received.stream().takeWhile(dm -> dm.path("stored").asBoolean()).count();
        assertThat(received.subList(firstLive, received.size())).as("stored ones first").noneMatch(dm -> dm.has("stored"));
    }

    @Test
    void aDmWhosePublishRedisLostWaitsForTheRecipientsNextHello() throws SQLException {
        ParleyServer first = node(true);
        ParleyServer second = node(true);
        try (TestSocket alice = login(first, "alice")) {
            TestSocket bob = login(second, "bob");
            try {
                cluster.redis().stop();
                await().atMost(WITHIN).until(() -> Cluster.readiness(first) == 503);
                assertThat(dm(alice, "bob", "while Redis is gone").get("ts").asLong()).as("stored, so acked").isPositive();
                assertThat(pending("bob")).isEqualTo(1);
                cluster.redis().restart();
                await().atMost(WITHIN).until(() -> Cluster.readiness(first) == 200 && Cluster.readiness(second) == 200);
                assertThat(bob.has("dm")).as("its publish was lost").isFalse();
            } finally {
                bob.close();
            }
            await().atMost(WITHIN).untilAsserted(() -> {
                try (TestSocket again = login(first, "bob")) {
                    JsonNode stored = again.next("dm");
                    assertThat(stored.get("text").asText()).isEqualTo("while Redis is gone");
                    assertThat(stored.get("stored").asBoolean()).isTrue();
                }
            });
        }
    }
}
