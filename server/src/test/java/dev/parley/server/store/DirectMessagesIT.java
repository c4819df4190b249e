package dev.parley.server.store;

import dev.parley.protocol.ServerEvent;
import dev.parley.testing.PostgresExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.SQLException;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Stored direct messages against a real PostgreSQL: seq, pending and listening, pages, retention. */
class DirectMessagesIT {
    private static final AtomicInteger DATABASES = new AtomicInteger();

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    private Database database;
    private DirectMessages dms;
    /** What was handed on live; {@link #recipientConnected} says whether the recipient took it. */
    private final Queue<ServerEvent.Dm> live = new ConcurrentLinkedQueue<>();
    private volatile boolean recipientConnected = true;

    @BeforeEach
    void open() {
        String url = POSTGRES.server().createDatabase("dm_store_" + DATABASES.incrementAndGet());
        database = Database.open(new Database.Settings(DatabaseUrl.parse(url), 4, 2000), new SimpleMeterRegistry());
        dms = new DirectMessages(database);
    }

    @AfterEach
    void close() {
        database.close();
    }

    private ServerEvent.Dm store(String from, String to, String text, long ts) {
        return dms.store(new ServerEvent.Dm(from, to, text, ts), dm -> recipientConnected && live.add(dm))
                .orTimeout(20, TimeUnit.SECONDS).join();
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
                new ServerEvent.Dm(i % 2 == 0 ? "Alice" : "bob", i % 2 == 0 ? "BOB" : "alice", "m" + i, i), dm -> true))
                .toList();
        assertThat(sent.stream().map(future -> future.join().seq()).toList())
                .as("in the order asked").isEqualTo(LongStream.rangeClosed(1, 40).boxed().toList());
        assertThat(store("carol", "alice", "another conversation", 41).seq()).isEqualTo(1);
        assertThat(store("alice", "alice", "to oneself", 42).seq()).isEqualTo(1);
    }

    @Test
    void pendingMessagesAreTakenOldestFirstInChunksAndTheRecipientListensAfterTheLast() {
        store("alice", "bob", "one", 1);
        store("carol", "bob", "two", 2);
        store("alice", "Bob", "three", 3);
        assertThat(live).as("bob has not taken his pending messages").isEmpty();

        List<ServerEvent.Dm> first = take("BOB", 2);
        assertThat(texts(first)).containsExactly("one", "two");
        assertThat(first).allMatch(dm -> Boolean.TRUE.equals(dm.stored()));
        assertThat(first).extracting(ServerEvent.Dm::seq).containsExactly(1L, 1L);
        assertThat(texts(take("bob", 2))).as("still pending until marked").containsExactly("one", "two");
        dms.delivered(first).join();
        store("alice", "bob", "four", 4);
        assertThat(live).as("a full chunk: more may wait, so bob does not listen yet").isEmpty();

        List<ServerEvent.Dm> last = take("bob", 2);
        assertThat(texts(last)).containsExactly("three", "four");
        dms.delivered(last).join();
        assertThat(take("bob", 2)).isEmpty();
        ServerEvent.Dm five = store("alice", "bob", "five", 5);
        assertThat(live).containsExactly(five);
        assertThat(five.seq()).isEqualTo(4);
        assertThat(five.stored()).isNull();
        assertThat(take("bob", 2)).as("delivered live, so not pending").isEmpty();

        recipientConnected = false;
        store("alice", "bob", "six", 6);
        dms.forget("bob");
        store("alice", "bob", "seven", 7);
        assertThat(texts(take("bob", 10))).as("not taken live: pending").containsExactly("six", "seven");
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
