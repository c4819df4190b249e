package dev.parley.server.store;

import dev.parley.protocol.ServerEvent;
import dev.parley.testing.PostgresExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Stored direct messages against a real PostgreSQL: seq, pending chunks, claims of live arrivals
 * (held while the recipient takes its stored ones, once each, on one node or two), pages, retention.
 */
class DirectMessagesIT {
    private static final Duration WITHIN = Duration.ofSeconds(20);
    private static final AtomicInteger DATABASES = new AtomicInteger();

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    private String url;
    private Database database;
    private DirectMessages dms;
    /** What was delivered live; {@link #recipientConnected} says whether the recipient took it. */
    private final Queue<ServerEvent.Dm> live = new ConcurrentLinkedQueue<>();
    private volatile boolean recipientConnected = true;

    @BeforeEach
    void open() {
        url = POSTGRES.server().createDatabase("dm_store_" + DATABASES.incrementAndGet());
        database = open(url);
        dms = new DirectMessages(database, dm -> recipientConnected && live.add(dm));
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

    private List<ServerEvent.Dm> take(String nick, int limit) {
        return dms.takePending(nick, limit).orTimeout(20, TimeUnit.SECONDS).join();
    }

    private static List<String> texts(List<ServerEvent.Dm> dms) {
        return dms.stream().map(ServerEvent.Dm::text).toList();
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
    void pendingMessagesAreTakenOldestFirstInChunksAndWhatArrivesLiveIsClaimedOnceAfterTheRecipientListens() {
        ServerEvent.Dm one = store("alice", "bob", "one", 1);
        store("carol", "bob", "two", 2);
        store("alice", "Bob", "three", 3);
        assertThat(dms.arrived(one)).as("bob has no session here: left pending").isFalse();

        dms.expect("BOB");
        List<ServerEvent.Dm> first = take("bob", 2);
        assertThat(texts(first)).containsExactly("one", "two");
        assertThat(first).allMatch(dm -> Boolean.TRUE.equals(dm.stored()));
        assertThat(first).extracting(ServerEvent.Dm::seq).containsExactly(1L, 1L);
        assertThat(texts(take("bob", 2))).as("taken again until marked").containsExactly("one", "two");
        dms.delivered(first).join();
        ServerEvent.Dm four = store("alice", "bob", "four", 4);
        assertThat(dms.arrived(four)).as("held while bob takes his stored messages").isTrue();
        assertThat(dms.arrived(one)).as("a late copy of one, held too").isTrue();

        List<ServerEvent.Dm> last = take("bob", 2);
        assertThat(texts(last)).containsExactly("three", "four");
        dms.delivered(last).join();
        assertThat(take("bob", 2)).isEmpty();
        assertThat(dms.listen("bob")).isTrue();
        ServerEvent.Dm five = store("alice", "bob", "five", 5);
        dms.arrived(five);
        dms.arrived(five);
        await().atMost(WITHIN).until(() -> !live.isEmpty());
        assertThat(take("bob", 2)).as("claimed live, so not pending").isEmpty();
        assertThat(live).as("four and one were taken as stored; five claimed once").containsExactly(five);
        assertThat(five.seq()).isEqualTo(4);
        assertThat(five.stored()).isNull();

        recipientConnected = false;
        dms.arrived(store("alice", "bob", "six", 6));
        await().atMost(WITHIN).until(() -> texts(take("bob", 10)).equals(List.of("six")));
        dms.forget("bob");
        assertThat(dms.arrived(store("alice", "bob", "seven", 7))).isFalse();
        assertThat(texts(take("bob", 10))).as("not taken live: pending").containsExactly("six", "seven");
    }

    @Test
    void moreArrivalsThanAreHeldWhileTakingMakeTheRecipientTakeItsStoredMessagesAgain() {
        dms.expect("bob");
        assertThat(take("bob", 10)).isEmpty();
        ServerEvent.Dm one = store("alice", "bob", "one", 1);
        for (int i = 0; i <= LiveRecipients.HELD_MAX; i++) {
            dms.arrived(one);
        }
        assertThat(dms.listen("bob")).as("held ones were dropped").isFalse();
        List<ServerEvent.Dm> again = take("bob", 10);
        assertThat(texts(again)).containsExactly("one");
        dms.delivered(again).join();
        assertThat(dms.listen("bob")).isTrue();
        dms.arrived(one);
        ServerEvent.Dm two = store("alice", "bob", "two", 2);
        dms.arrived(two);
        await().atMost(WITHIN).until(() -> live.contains(two));
        assertThat(live).containsExactly(two);
    }

    @Test
    void messagesStoredOnOneNodeWhileTheRecipientTakesOnAnotherComeOnceEachStoredOnesFirst() {
        List<ServerEvent.Dm> claimed = new CopyOnWriteArrayList<>();
        try (Database recipientDatabase = open(url)) {
            DirectMessages recipientNode = new DirectMessages(recipientDatabase, claimed::add);
            sendAndPublish(recipientNode, "before", 250);
            recipientNode.expect("bob");
            List<ServerEvent.Dm> taken = new ArrayList<>();
            List<ServerEvent.Dm> chunk;
            do {
                chunk = recipientNode.takePending("bob", 100).join();
                taken.addAll(chunk);
                if (taken.size() == 100) {
                    sendAndPublish(recipientNode, "while taking", 20);
                }
                recipientNode.delivered(chunk).join();
            } while (chunk.size() == 100 && taken.size() < 1000);
            assertThat(taken).hasSize(270);
            sendAndPublish(recipientNode, "after the last chunk", 20);
            assertThat(recipientNode.listen("bob")).isTrue();
            sendAndPublish(recipientNode, "listening", 20);

            await().atMost(WITHIN).until(() -> claimed.size() >= 40);
            assertThat(taken).extracting(ServerEvent.Dm::seq).as("every one stored before the last chunk, in it")
                    .isEqualTo(LongStream.rangeClosed(1, 270).boxed().toList());
            assertThat(claimed).extracting(ServerEvent.Dm::seq).as("the rest live, once each, in order")
                    .isEqualTo(LongStream.rangeClosed(271, 310).boxed().toList());
            assertThat(claimed).allMatch(dm -> dm.stored() == null);
            assertThat(recipientNode.takePending("bob", 100).join()).isEmpty();
            assertThat(claimed).hasSize(40);
        }
    }

    /** Stores {@code count} messages from alice to bob on this test's node, each published to {@code recipientNode}. */
    private void sendAndPublish(DirectMessages recipientNode, String text, int count) {
        for (int i = 1; i <= count; i++) {
            recipientNode.arrived(store("alice", "bob", text + " " + i, i));
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
