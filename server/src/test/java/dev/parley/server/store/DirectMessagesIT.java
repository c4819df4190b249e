package dev.parley.server.store;

import dev.parley.protocol.ServerEvent;
import dev.parley.testing.PostgresExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Stored direct messages against a real PostgreSQL: seq, pending chunks, live arrivals (held while
 * a session takes its stored ones; each session gets each message once, on one node or two, and
 * one that a session got is claimed), pages, retention.
 */
class DirectMessagesIT {
    private static final Duration WITHIN = Duration.ofSeconds(20);
    private static final AtomicInteger DATABASES = new AtomicInteger();

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    private String url;
    private Database database;
    private DirectMessages dms;
    /** What was delivered live, to whom; {@link #recipientConnected} says whether the recipient took it. */
    private final Deliveries live = new Deliveries();
    private volatile boolean recipientConnected = true;

    /** What a node's deliver was handed: each session's messages in the order it got them. */
    private static final class Deliveries {
        private final Map<String, List<ServerEvent.Dm>> bySession = new ConcurrentHashMap<>();

        boolean add(ServerEvent.Dm dm, Set<String> sessions) {
            sessions.forEach(session -> bySession.computeIfAbsent(session, s -> new CopyOnWriteArrayList<>()).add(dm));
            return true;
        }

        List<ServerEvent.Dm> of(String session) {
            return bySession.getOrDefault(session, List.of());
        }
    }

    @BeforeEach
    void open() {
        url = POSTGRES.server().createDatabase("dm_store_" + DATABASES.incrementAndGet());
        database = open(url);
        dms = new DirectMessages(database, (dm, sessions) -> recipientConnected && live.add(dm, sessions));
    }

    private static Database open(String url) {
        return Database.open(new Database.Settings(DatabaseUrl.parse(url), 4, 2000), new SimpleMeterRegistry());
    }

    @AfterEach
    void close() {
        database.close();
    }

    private ServerEvent.Dm store(String from, String to, String text, long ts) {
        return dms.store(new ServerEvent.Dm(from, to, text, ts)).orTimeout(20, TimeUnit.SECONDS).join();
    }

    /** Takes a chunk of bob's pending messages for his session {@code session} on {@code node}. */
    private static List<ServerEvent.Dm> take(DirectMessages node, String session, int limit) {
        return node.takePending("bob", session, limit).orTimeout(20, TimeUnit.SECONDS).join();
    }

    private List<ServerEvent.Dm> take(String session, int limit) {
        return take(dms, session, limit);
    }

    private static List<String> texts(List<ServerEvent.Dm> dms) {
        return dms.stream().map(ServerEvent.Dm::text).toList();
    }

    /** How many messages wait in the database of {@code node}, unclaimed and in no marked chunk. */
    private static long pending(Database node) {
        return node.read(connection -> {
            try (PreparedStatement statement = connection.prepareStatement("select count(*) from direct_messages where pending");
                 ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        }).orTimeout(20, TimeUnit.SECONDS).join();
    }

    @Test
    void aConversationsSeqCountsFromOneWithoutGapsWhoeverWritesAndHoweverTheyAreSpelled() {
        List<CompletableFuture<ServerEvent.Dm>> sent = IntStream.range(0, 40).mapToObj(i -> dms.store(
                new ServerEvent.Dm(i % 2 == 0 ? "Alice" : "bob", i % 2 == 0 ? "BOB" : "alice", "m" + i, i)))
                .toList();
        assertThat(sent.stream().map(future -> future.join().seq()).toList())
                .as("in the order asked").isEqualTo(LongStream.rangeClosed(1, 40).boxed().toList());
        assertThat(store("carol", "alice", "another conversation", 41).seq()).isEqualTo(1);
        assertThat(store("alice", "alice", "to oneself", 42).seq()).isEqualTo(1);
    }

    @Test
    void pendingMessagesAreTakenOldestFirstInChunksAndWhatArrivesLiveReachesTheSessionOnceAfterItListens() {
        ServerEvent.Dm one = store("alice", "bob", "one", 1);
        store("carol", "bob", "two", 2);
        store("alice", "Bob", "three", 3);
        assertThat(dms.arrived(one)).as("bob has no session here: left pending").isFalse();

        dms.expect("BOB", "b1");
        List<ServerEvent.Dm> first = take("b1", 2);
        assertThat(texts(first)).containsExactly("one", "two");
        assertThat(first).allMatch(dm -> Boolean.TRUE.equals(dm.stored()));
        assertThat(first).extracting(ServerEvent.Dm::seq).containsExactly(1L, 1L);
        assertThat(texts(take("b1", 2))).as("taken again until marked").containsExactly("one", "two");
        dms.delivered(first).join();
        ServerEvent.Dm four = store("alice", "bob", "four", 4);
        assertThat(dms.arrived(four)).as("held while bob takes his stored messages").isTrue();
        assertThat(dms.arrived(one)).as("a late copy of one, held too").isTrue();

        List<ServerEvent.Dm> last = take("b1", 2);
        assertThat(texts(last)).containsExactly("three", "four");
        dms.delivered(last).join();
        assertThat(take("b1", 2)).isEmpty();
        assertThat(dms.listen("bob", "b1")).isTrue();
        ServerEvent.Dm five = store("alice", "bob", "five", 5);
        dms.arrived(five);
        dms.arrived(one);
        await().atMost(WITHIN).until(() -> pending(database) == 0);
        assertThat(live.of("b1")).as("four and one were taken as stored, also when one came again late")
                .containsExactly(five);
        assertThat(five.seq()).isEqualTo(4);
        assertThat(five.stored()).isNull();

        recipientConnected = false;
        dms.arrived(store("alice", "bob", "six", 6));
        assertThat(texts(take("b1", 10))).as("nobody got it: pending").containsExactly("six");
        dms.forget("bob", "b1");
        assertThat(dms.arrived(store("alice", "bob", "seven", 7))).isFalse();
        assertThat(texts(take("b1", 10))).as("not taken live: pending").containsExactly("six", "seven");
    }

    @Test
    void moreArrivalsThanAreHeldWhileTakingMakeTheSessionTakeItsStoredMessagesAgain() {
        dms.expect("bob", "b1");
        assertThat(take("b1", 10)).isEmpty();
        ServerEvent.Dm one = store("alice", "bob", "one", 1);
        for (int i = 0; i <= LiveRecipients.HELD_MAX; i++) {
            dms.arrived(one);
        }
        assertThat(dms.listen("bob", "b1")).as("held ones were dropped").isFalse();
        List<ServerEvent.Dm> again = take("b1", 10);
        assertThat(texts(again)).containsExactly("one");
        dms.delivered(again).join();
        assertThat(dms.listen("bob", "b1")).isTrue();
        dms.arrived(one);
        ServerEvent.Dm two = store("alice", "bob", "two", 2);
        dms.arrived(two);
        await().atMost(WITHIN).until(() -> live.of("b1").contains(two));
        assertThat(live.of("b1")).containsExactly(two);
    }

    @Test
    void messagesStoredOnOneNodeWhileTheRecipientTakesOnAnotherComeOnceEachStoredOnesFirst() {
        Deliveries recipientLive = new Deliveries();
        try (Database recipientDatabase = open(url)) {
            DirectMessages recipientNode = new DirectMessages(recipientDatabase, recipientLive::add);
            sendAndPublish(List.of(recipientNode), "before", 250);
            recipientNode.expect("bob", "b1");
            List<ServerEvent.Dm> taken = new ArrayList<>();
            List<ServerEvent.Dm> chunk;
            do {
                chunk = take(recipientNode, "b1", 100);
                taken.addAll(chunk);
                if (taken.size() == 100) {
                    sendAndPublish(List.of(recipientNode), "while taking", 20);
                }
                recipientNode.delivered(chunk).join();
            } while (chunk.size() == 100 && taken.size() < 1000);
            assertThat(taken).hasSize(270);
            sendAndPublish(List.of(recipientNode), "after the last chunk", 20);
            assertThat(recipientNode.listen("bob", "b1")).isTrue();
            sendAndPublish(List.of(recipientNode), "listening", 20);

            await().atMost(WITHIN).until(() -> recipientLive.of("b1").size() >= 40 && pending(database) == 0);
            assertThat(taken).extracting(ServerEvent.Dm::seq).as("every one stored before the last chunk, in it")
                    .isEqualTo(LongStream.rangeClosed(1, 270).boxed().toList());
            assertThat(recipientLive.of("b1")).extracting(ServerEvent.Dm::seq).as("the rest live, once each, in order")
                    .isEqualTo(LongStream.rangeClosed(271, 310).boxed().toList());
            assertThat(recipientLive.of("b1")).allMatch(dm -> dm.stored() == null);
        }
    }

    /**
     * Bob listens on this test's node (session b1) while his second session (b2) logs in on
     * another: a message b1's node claimed before b2 took its chunk is in no chunk of b2's, and one
     * b2 took in its chunk is still b1's live. Each session gets each message once.
     */
    @Test
    void everySessionOfTheUserGetsEachMessageOnceOnEitherNodeInAChunkOrLive() {
        Deliveries secondLive = new Deliveries();
        try (Database secondDatabase = open(url)) {
            DirectMessages second = new DirectMessages(secondDatabase, secondLive::add);
            dms.expect("bob", "b1");
            assertThat(take("b1", 100)).isEmpty();
            assertThat(dms.listen("bob", "b1")).isTrue();
            second.expect("bob", "b2");

            ServerEvent.Dm claimedFirst = store("alice", "bob", "claimed by b1's node", 1);
            dms.arrived(claimedFirst);
            second.arrived(claimedFirst);
            await().atMost(WITHIN).until(() -> pending(database) == 0);
            ServerEvent.Dm takenFirst = store("alice", "bob", "in b2's chunk", 2);
            second.arrived(takenFirst);
            List<ServerEvent.Dm> chunk = take(second, "b2", 100);
            assertThat(chunk).extracting(ServerEvent.Dm::seq).containsExactly(2L);
            dms.arrived(takenFirst);
            second.delivered(chunk).join();
            assertThat(second.listen("bob", "b2")).isTrue();
            sendAndPublish(List.of(dms, second), "both listening", 5);

            await().atMost(WITHIN).until(() -> live.of("b1").size() == 7 && secondLive.of("b2").size() == 6);
            assertThat(live.of("b1")).extracting(ServerEvent.Dm::seq).as("b1: all live, in order")
                    .isEqualTo(LongStream.rangeClosed(1, 7).boxed().toList());
            assertThat(secondLive.of("b2")).extracting(ServerEvent.Dm::seq).as("b2: 2 came in its chunk")
                    .containsExactly(1L, 3L, 4L, 5L, 6L, 7L);
            await().atMost(WITHIN).until(() -> pending(database) == 0);
        }
    }

    /** Stores {@code count} messages from alice to bob on this test's node, each published to {@code recipientNodes}. */
    private void sendAndPublish(List<DirectMessages> recipientNodes, String text, int count) {
        for (int i = 1; i <= count; i++) {
            ServerEvent.Dm dm = store("alice", "bob", text + " " + i, i);
            recipientNodes.forEach(node -> node.arrived(dm));
        }
    }

    @Test
    void pagesGoBackByBeforeAndForwardByAfter() {
        for (int i = 1; i <= 9; i++) {
            store(i % 3 == 0 ? "bob" : "alice", i % 3 == 0 ? "alice" : "bob", "m" + i, i);
        }
        assertThat(texts(dms.page("bob", "ALICE", null, null, 4).join())).containsExactly("m6", "m7", "m8", "m9");
        assertThat(texts(dms.page("alice", "bob", 6L, null, 4).join())).containsExactly("m2", "m3", "m4", "m5");
        assertThat(texts(dms.page("alice", "bob", 2L, null, 4).join())).containsExactly("m1");
        assertThat(texts(dms.page("alice", "bob", null, 7L, 4).join())).containsExactly("m8", "m9");
        assertThat(dms.page("alice", "carol", null, null, 4).join()).isEmpty();
    }

    @Test
    void retentionDeletesDirectMessagesOlderThanTheAgeInBatchesAndSeqsGoOn() throws SQLException {
        for (int i = 1; i <= 25; i++) {
            store("alice", "bob", "old " + i, 1000 + i);
        }
        store("carol", "bob", "old too", 1000);
        store("alice", "bob", "new", 5000);
        Retention retention = new Retention(database, 2000, 0, 4, () -> 4000);
        assertThat(retention.run()).isEqualTo(26);
        assertThat(texts(dms.page("alice", "bob", null, null, 100).join())).containsExactly("new");
        assertThat(store("alice", "bob", "newer", 5001).seq()).isEqualTo(27);
        assertThat(new Retention(database, 0, 1, 4, () -> 9000).run())
                .as("the event count cap is the rooms'").isZero();
    }
}
