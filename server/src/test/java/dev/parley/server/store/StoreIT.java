package dev.parley.server.store;

import dev.parley.protocol.ServerEvent;
import dev.parley.server.backend.UnavailableException;
import dev.parley.testing.PostgresExtension;
import dev.parley.testing.PostgresServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The store against a real PostgreSQL: group commit, offsets, nonces, reads, retention, migrations,
 * outages; edits, deletes and reactions (what a delete erases, what search matches, reactions'
 * counts, queue order).
 */
class StoreIT {
    private static final Duration WITHIN = Duration.ofSeconds(20);
    private static final int MOST_EMOJI = 20;

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    private static PostgresServer postgres;
    private static Database database;
    private static GroupCommitWriter writer;
    private static RoomHistory history;
    private static final AtomicLong time = new AtomicLong(1_000_000);
    private static final Queue<ServerEvent.RoomEvent> delivered = new ConcurrentLinkedQueue<>();
    /** The epochs each room's events were handed on with. */
    private static final Map<String, Set<String>> deliveredEpochs = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() {
        postgres = POSTGRES.server();
        database = open(postgres.url());
        writer = new GroupCommitWriter(database, time::incrementAndGet, (epoch, message) -> {
            deliveredEpochs.computeIfAbsent(message.room(), room -> ConcurrentHashMap.newKeySet()).add(epoch);
            delivered.add(message);
        }, MOST_EMOJI, new SimpleMeterRegistry());
        history = new RoomHistory(database);
    }

    @AfterAll
    static void stop() {
        if (writer != null) {
            writer.close();
        }
        if (database != null) {
            database.close();
        }
    }

    private static Database open(String url) {
        return Database.open(new Database.Settings(DatabaseUrl.parse(url), 4, 2000), new SimpleMeterRegistry());
    }

    private static ServerEvent.Message append(String room, String sender, String text, String nonce) {
        return publish(writer, room, sender, text, nonce).orTimeout(20, TimeUnit.SECONDS).join();
    }

    private static CompletableFuture<ServerEvent.Message> publish(GroupCommitWriter writer, String room, String sender,
                                                                 String text, String nonce) {
        return writer.append(NewEvent.message(room, sender, text, nonce, null))
                .thenApply(event -> (ServerEvent.Message) event.orElseThrow());
    }

    private static List<ServerEvent.Message> fill(String room, int count) {
        List<ServerEvent.Message> messages = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            messages.add(append(room, "alice", "message " + i, null));
        }
        return messages;
    }

    private static List<Long> offsets(List<? extends ServerEvent.RoomEvent> messages) {
        return messages.stream().map(ServerEvent.RoomEvent::offset).toList();
    }

    private static List<Long> range(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    private static List<ServerEvent.RoomEvent> delivered(String room) {
        return delivered.stream().filter(m -> m.room().equals(room)).toList();
    }

    @Test
    void publishesFromManyRoomsShareTransactionsAndEachRoomTakesConsecutiveOffsetsDeliveredInOrder() {
        long transactionsBefore = writer.transactions();
        List<CompletableFuture<ServerEvent.Message>> published = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            published.add(publish(writer, "group-" + (i % 6), "alice", "m" + i, null));
        }
        CompletableFuture.allOf(published.toArray(CompletableFuture[]::new)).orTimeout(30, TimeUnit.SECONDS).join();

        assertThat(writer.transactions() - transactionsBefore).isLessThan(60);
        for (int room = 0; room < 6; room++) {
            String name = "group-" + room;
            List<ServerEvent.Message> acked = published.stream().map(CompletableFuture::join)
                    .filter(m -> m.room().equals(name)).toList();
            assertThat(offsets(acked)).isEqualTo(range(1, 100));
            await().atMost(WITHIN).until(() -> delivered(name).size() == 100);
            assertThat(offsets(delivered(name))).isEqualTo(range(1, 100));
            RoomHistory.Page stored = history.before(name, Long.MAX_VALUE, 100, true).join();
            assertThat(stored.messages()).isEqualTo(acked);
            assertThat(deliveredEpochs.get(name)).as("handed on with the room's epoch").containsExactly(stored.epoch());
            assertThat(history.positions(List.of(name, "never-written")).join())
                    .as("a position read makes no row").containsOnlyKeys(name)
                    .containsEntry(name, new RoomHistory.Position(stored.epoch(), 100));
        }
    }

    @Test
    void aRepeatedNonceStoresNothingAndAnswersWithTheFirstMessage() {
        ServerEvent.Message first = append("nonces", "alice", "hello", "n-1");
        time.addAndGet(1000);
        assertThat(append("nonces", "alice", "hello again", "n-1")).isEqualTo(first);
        assertThat(append("nonces", "ALICE", "the same user", "n-1")).as("nicks compare case-insensitively")
                .isEqualTo(first);
        ServerEvent.Message bobs = append("nonces", "bob", "same nonce, other sender", "n-1");
        assertThat(bobs.offset()).isEqualTo(first.offset() + 1);

        CompletableFuture<ServerEvent.Message> a = publish(writer, "nonces", "carol", "twice at once", "n-2");
        CompletableFuture<ServerEvent.Message> b = publish(writer, "nonces", "carol", "twice at once", "n-2");
        assertThat(a.join()).isEqualTo(b.join());
        assertThat(a.join().offset()).isEqualTo(bobs.offset() + 1);

        assertThat(offsets(history.after("nonces", 0, 10, true).join().messages())).containsExactly(1L, 2L, 3L);
        await().atMost(WITHIN).until(() -> delivered("nonces").size() >= 3);
        assertThat(offsets(delivered("nonces"))).containsExactly(1L, 2L, 3L);
    }

    @Test
    void historyPagesBackToTheFirstEventAndForwardAfterAnOffset() {
        List<ServerEvent.Message> sent = fill("pages", 30);
        RoomHistory.Page latest = history.before("pages", Long.MAX_VALUE, 5, true).join();
        assertThat(latest.messages()).isEqualTo(sent.subList(25, 30));
        assertThat(latest.top()).isEqualTo(30);
        assertThat(history.before("pages", 11, 5, true).join().messages()).isEqualTo(sent.subList(5, 10));
        assertThat(history.before("pages", 3, 50, true).join().messages()).isEqualTo(sent.subList(0, 2));
        assertThat(history.after("pages", 0, 5, true).join().messages()).isEqualTo(sent.subList(0, 5));
        assertThat(history.after("pages", 28, 5, true).join().messages()).isEqualTo(sent.subList(28, 30));
        assertThat(history.after("pages", 30, 5, true).join().messages()).isEmpty();
        assertThat(history.rooms().join()).containsEntry("pages", 30L);
    }

    @Test
    void recoveryReturnsEverythingMissedWithinRecoverMaxElseTheLatestAndHowManyWereMissed() {
        String epoch = history.before("recover", Long.MAX_VALUE, 1, true).join().epoch();
        RoomHistory.Catchup empty = history.since("recover", epoch, 0, 3, 10).join();
        assertThat(empty.recovered()).isTrue();
        assertThat(empty.page().messages()).isEmpty();

        List<ServerEvent.Message> sent = fill("recover", 50);
        RoomHistory.Catchup recent = history.since("recover", epoch, 45, 3, 10).join();
        assertThat(recent.recovered()).isTrue();
        assertThat(recent.page().messages()).isEqualTo(sent.subList(45, 50));
        assertThat(recent.page().epoch()).isEqualTo(epoch);

        RoomHistory.Catchup tooFar = history.since("recover", epoch, 10, 3, 10).join();
        assertThat(tooFar.recovered()).isFalse();
        assertThat(tooFar.page().messages()).isEqualTo(sent.subList(47, 50));
        assertThat(tooFar.missed()).isEqualTo(37);
        assertThat(tooFar.page().epoch()).isEqualTo(epoch);

        RoomHistory.Catchup otherEpoch = history.since("recover", "e-other", 45, 3, 10).join();
        assertThat(otherEpoch.recovered()).isFalse();
        assertThat(otherEpoch.missed()).isZero();
        assertThat(otherEpoch.page().messages()).isEqualTo(sent.subList(47, 50));
        assertThat(history.since("recover", null, 0, 2, 10).join().page().messages()).isEqualTo(sent.subList(48, 50));
    }

    @Test
    void searchFindsMessagesWithEveryWordNewestFirstInPages() {
        for (int i = 1; i <= 12; i++) {
            append("search", "alice", i % 2 == 0 ? "deploy failed on node " + i : "deploy went fine " + i, null);
        }
        RoomHistory.Found first = history.search("search", "deploy failed", null, 4).join();
        assertThat(offsets(first.messages())).containsExactly(12L, 10L, 8L, 6L);
        assertThat(first.next()).isEqualTo(6L);
        RoomHistory.Found second = history.search("search", "deploy failed", first.next(), 4).join();
        assertThat(offsets(second.messages())).containsExactly(4L, 2L);
        assertThat(second.next()).isNull();
        assertThat(history.search("search", "Deploy", null, 50).join().messages()).hasSize(12);
        assertThat(history.search("search", "rollback", null, 50).join().messages()).isEmpty();
        assertThat(history.search("pages", "deploy", null, 50).join().messages()).isEmpty();
    }

    @Test
    void retentionDeletesTheOldestEventsInBatchesByCountAndByAgeAndOffsetsGoOn() throws SQLException {
        try (Database retained = open(postgres.createDatabase("retention"))) {
            GroupCommitWriter retainedWriter = new GroupCommitWriter(retained, time::incrementAndGet, (epoch, message) -> { },
                    MOST_EMOJI, new SimpleMeterRegistry());
            try {
                for (int i = 0; i < 50; i++) {
                    publish(retainedWriter, "capped", "alice", "c" + i, null).join();
                }
                for (int i = 0; i < 10; i++) {
                    publish(retainedWriter, "aged", "alice", "a" + i, null).join();
                }
                long old = time.get();
                time.addAndGet(10_000);
                for (int i = 0; i < 5; i++) {
                    publish(retainedWriter, "aged", "alice", "new" + i, null).join();
                }
                assertThat(new Retention(retained, 0, 20, 7, time::get).run()).isEqualTo(30);
                RoomHistory kept = new RoomHistory(retained);
                assertThat(offsets(kept.after("capped", 0, 100, true).join().messages())).isEqualTo(range(31, 50));
                String epoch = kept.before("capped", Long.MAX_VALUE, 1, true).join().epoch();
                assertThat(kept.since("capped", epoch, 10, 5, 100).join().recovered()).isFalse();
                assertThat(kept.since("capped", epoch, 30, 5, 100).join().recovered()).isTrue();

                // the capped room's 20 are older than the cutoff too
                assertThat(new Retention(retained, time.get() - old - 1, 0, 3, time::get).run()).isEqualTo(30);
                assertThat(offsets(kept.after("aged", 0, 100, true).join().messages())).isEqualTo(range(11, 15));
                assertThat(kept.after("capped", 0, 100, true).join().messages()).isEmpty();
                assertThat(publish(retainedWriter, "capped", "alice", "after", null).join().offset()).isEqualTo(51);
                assertThat(kept.before("capped", Long.MAX_VALUE, 1, true).join().epoch()).isEqualTo(epoch);
            } finally {
                retainedWriter.close();
            }
        }
    }

    @Test
    void theSearchIndexTakesWordsAtInsertWithoutAPendingList() throws SQLException {
        try (Connection connection = postgres.connect(PostgresServer.DATABASE); Statement statement = connection.createStatement();
             ResultSet options = statement.executeQuery("select reloptions from pg_class where relname = 'room_events_tsv'")) {
            assertThat(options.next()).isTrue();
            assertThat(options.getString(1)).contains("fastupdate=off");
        }
    }

    @Test
    void aSchemaNewerThanTheNodeKnowsRefusesToStart() throws SQLException {
        String url = postgres.createDatabase("newer");
        open(url).close();
        try (Connection connection = postgres.connect("newer"); Statement statement = connection.createStatement()) {
            statement.executeUpdate("insert into flyway_schema_history (installed_rank, version, description, type, "
                    + "script, checksum, installed_by, execution_time, success) values "
                    + "(100, '99', 'from the future', 'SQL', 'V99__from_the_future.sql', 1, 'parley', 1, true)");
        }
        assertThatThrownBy(() -> open(url)).isInstanceOf(DatabaseStartException.class)
                .hasMessageContaining("is at version 99, newer than this node knows (6)");
    }

    @Test
    void aDatabaseThatDoesNotExistAWrongPasswordOrNoServerIsOneLineWithoutThePassword() {
        assertThatThrownBy(() -> open(postgres.url("missing")))
                .isInstanceOf(DatabaseStartException.class)
                .hasMessage("cannot use the database postgresql://parley@127.0.0.1:" + postgres.port()
                        + "/missing: FATAL: database \"missing\" does not exist");
        assertThatThrownBy(() -> open("postgresql://parley:wrong-password@127.0.0.1:" + postgres.port() + "/parley"))
                .isInstanceOf(DatabaseStartException.class)
                .hasMessageContaining("password authentication failed")
                .hasMessageNotContaining("wrong-password")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThatThrownBy(() -> open("postgresql://parley:wrong-password@127.0.0.1:1/parley"))
                .isInstanceOf(DatabaseStartException.class)
                .hasMessageStartingWith("cannot use the database postgresql://parley@127.0.0.1:1/parley: Connection")
                .hasMessageNotContaining("wrong-password");
    }

    @Test
    void aPublishThatWaitsPastTheTimeoutFailsUnavailableStoresNothingAndTheNextOneTakesTheOffset() throws SQLException {
        fill("slow", 1);
        try (Connection blocker = postgres.connect(PostgresServer.DATABASE); Statement statement = blocker.createStatement()) {
            blocker.setAutoCommit(false);
            statement.execute("select top from rooms where room = 'slow' for update");
            assertThatThrownBy(() -> publish(writer, "slow", "alice", "late", null).orTimeout(20, TimeUnit.SECONDS).join())
                    .hasCauseInstanceOf(UnavailableException.class);
            blocker.rollback();
        }
        assertThat(append("slow", "alice", "on time", null).offset()).isEqualTo(2);
        assertThat(history.after("slow", 0, 10, true).join().messages()).extracting(event -> ((ServerEvent.Message) event).text())
                .containsExactly("message 1", "on time");
        assertThat(database.reachable()).as("slow is not out of reach").isTrue();
    }

    @Test
    void publishesGivenUpByTheirCallersAreNotStoredWhetherQueuedOrInTheTransaction() throws SQLException {
        fill("given-up", 1);
        UnavailableException pastDeadline = new UnavailableException("past its deadline", null);
        try (Connection blocker = postgres.connect(PostgresServer.DATABASE); Statement statement = blocker.createStatement()) {
            blocker.setAutoCommit(false);
            statement.execute("select top from rooms where room = 'given-up' for update");
            CompletableFuture<ServerEvent.Message> waiting = publish(writer, "given-up", "alice", "kept", null);
            await().atMost(WITHIN).until(() -> postgres.sessionsWaitingForALock() == 1);
            writer.append(NewEvent.message("given-up", "alice", "given up in the queue", null, null))
                    .completeExceptionally(pastDeadline);
            blocker.rollback();
            assertThat(waiting.orTimeout(20, TimeUnit.SECONDS).join().offset()).isEqualTo(2);

            statement.execute("select top from rooms where room = 'given-up' for update");
            CompletableFuture<Optional<ServerEvent.RoomEvent>> givenUp =
                    writer.append(NewEvent.message("given-up", "alice", "given up in the transaction", null, null));
            await().atMost(WITHIN).until(() -> postgres.sessionsWaitingForALock() == 1);
            givenUp.completeExceptionally(pastDeadline);
            blocker.rollback();
        }
        assertThat(append("given-up", "alice", "after", null).offset()).isEqualTo(3);
        assertThat(history.after("given-up", 0, 10, true).join().messages()).extracting(event -> ((ServerEvent.Message) event).text())
                .containsExactly("message 1", "kept", "after");
    }

    @Test
    void aPublishGivenUpDuringItsTransactionIsLeftOutAndTheRestOfItsBatchIsWrittenAgainAndStored() throws SQLException {
        fill("first-batch", 1);
        fill("second-batch", 1);
        UnavailableException pastDeadline = new UnavailableException("past its deadline", null);
        try (Connection first = postgres.connect(PostgresServer.DATABASE); Statement firstLock = first.createStatement();
             Connection second = postgres.connect(PostgresServer.DATABASE); Statement secondLock = second.createStatement()) {
            first.setAutoCommit(false);
            second.setAutoCommit(false);
            firstLock.execute("select top from rooms where room = 'first-batch' for update");
            CompletableFuture<ServerEvent.Message> blocked = publish(writer, "first-batch", "alice", "blocked", null);
            await().atMost(WITHIN).until(() -> postgres.sessionsWaitingForALock() == 1);
            // Both wait in the queue, so the writer takes them into one batch.
            CompletableFuture<Optional<ServerEvent.RoomEvent>> givenUp =
                    writer.append(NewEvent.message("second-batch", "alice", "given up in the transaction", null, null));
            CompletableFuture<ServerEvent.Message> kept = publish(writer, "second-batch", "bob", "kept", null);
            secondLock.execute("select top from rooms where room = 'second-batch' for update");
            first.rollback();
            assertThat(blocked.orTimeout(20, TimeUnit.SECONDS).join().offset()).isEqualTo(2);
            await().atMost(WITHIN).until(() -> postgres.sessionsWaitingForALock() == 1);
            givenUp.completeExceptionally(pastDeadline);
            second.rollback();
            assertThat(kept.orTimeout(20, TimeUnit.SECONDS).join().offset()).isEqualTo(2);
        }
        assertThat(history.after("second-batch", 0, 10, true).join().messages())
                .extracting(event -> ((ServerEvent.Message) event).text()).containsExactly("message 1", "kept");
    }

    @Test
    void whileTheDatabaseIsDownPublishesFailUnavailableAndAfterItsRestartEverythingCommittedIsThere() {
        List<ServerEvent.Message> before = fill("outage", 5);
        String epoch = history.before("outage", Long.MAX_VALUE, 1, true).join().epoch();
        postgres.kill();
        try {
            assertThatThrownBy(() -> publish(writer, "outage", "alice", "lost", null).orTimeout(20, TimeUnit.SECONDS).join())
                    .isInstanceOf(CompletionException.class).hasCauseInstanceOf(UnavailableException.class);
            assertThatThrownBy(() -> history.after("outage", 0, 10, true).orTimeout(20, TimeUnit.SECONDS).join())
                    .hasCauseInstanceOf(UnavailableException.class);
            await().atMost(WITHIN).until(() -> !database.reachable());
        } finally {
            postgres.restart();
        }
        await().atMost(WITHIN).until(database::reachable);
        await().atMost(WITHIN).ignoreExceptions().until(() -> publish(writer, "outage", "alice", "back", null).join() != null);
        RoomHistory.Page page = history.after("outage", 0, 10, true).join();
        assertThat(page.epoch()).isEqualTo(epoch);
        assertThat(page.messages().subList(0, 5)).isEqualTo(before);
        assertThat(offsets(page.messages())).isEqualTo(range(1, 6));
    }

    private static Optional<ServerEvent.RoomEvent> store(NewEvent event) {
        return writer.append(event).orTimeout(20, TimeUnit.SECONDS).join();
    }

    private static ServerEvent.Message send(String room, String from, String text) {
        return (ServerEvent.Message) store(NewEvent.message(room, from, text, null, null)).orElseThrow();
    }

    /** Every text column of the room's rows, whatever the kind: what the database still holds. */
    private static List<String> storedTexts(String room) throws SQLException {
        List<String> texts = new ArrayList<>();
        try (Connection connection = database.connection();
             PreparedStatement statement = connection.prepareStatement(
                     "select text, sent_text, tsv::text from room_events where room = ? order by \"offset\"")) {
            statement.setString(1, room);
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    texts.add(result.getString(1) + "|" + result.getString(2) + "|" + result.getString(3));
                }
            }
        }
        return texts;
    }

    @Test
    void aDeleteErasesTheTextOfTheMessageAndOfItsEditsFromTheDatabaseAndTheLogKeepsTheEvents() throws SQLException {
        ServerEvent.Message secret = send("erase", "alice", "my password is hunter2");
        store(NewEvent.edit("erase", "alice", secret.offset(), "my password is hunter3"));
        ServerEvent.Message kept = send("erase", "bob", "bob's words stay");
        store(NewEvent.edit("erase", "alice", secret.offset(), "oops"));
        assertThat(storedTexts("erase")).anyMatch(row -> row.contains("hunter2"));

        store(NewEvent.delete("erase", "alice", secret.offset(), false));

        assertThat(storedTexts("erase")).noneMatch(row -> row.contains("hunter") || row.contains("oops"))
                .anyMatch(row -> row.contains("bob's words stay"));
        List<? extends ServerEvent.RoomEvent> log = history.after("erase", 0, 10, true).join().messages();
        assertThat(log).hasSize(5);
        assertThat(log.get(0)).isEqualTo(secret.withTextDeleted());
        assertThat(log.get(1)).isEqualTo(new ServerEvent.Edit("erase", 2, 1, "alice", null, ((ServerEvent.Edit) log.get(1)).ts()));
        assertThat(log.get(2)).isEqualTo(kept);
        assertThat(log.get(4)).isInstanceOf(ServerEvent.Delete.class);
        List<ServerEvent.RoomEvent> current = List.copyOf(history.before("erase", Long.MAX_VALUE, 10, false).join().messages());
        assertThat(current).containsExactly(secret.withTextDeleted(), kept);
        assertThatThrownBy(() -> store(NewEvent.edit("erase", "alice", secret.offset(), "again")))
                .hasCauseInstanceOf(EventRefused.class);
    }

    @Test
    void searchMatchesTheEditedTextOfMessagesAloneAndNeverADeletedOne() {
        ServerEvent.Message edited = send("find", "alice", "deploy failed");
        ServerEvent.Edit edit = (ServerEvent.Edit) store(NewEvent.edit("find", "alice", edited.offset(), "deploy fixed"))
                .orElseThrow();
        ServerEvent.Message deleted = send("find", "alice", "deploy broke everything");
        store(NewEvent.delete("find", "carol", deleted.offset(), true));

        assertThat(history.search("find", "failed", null, 20).join().messages()).isEmpty();
        assertThat(history.search("find", "fixed", null, 20).join().messages()).as("the message, not its edit event")
                .containsExactly(edited.withState("deploy fixed", edit.ts(), null));
        assertThat(history.search("find", "broke", null, 20).join().messages()).isEmpty();
        assertThat(history.search("find", "deploy", null, 20).join().messages()).hasSize(1);
    }

    @Test
    void reactionsCountEveryoneNameTheFirstTwentyAndAMessageTakesTwentyDifferentEmoji() {
        ServerEvent.Message message = send("react", "alice", "vote");
        List<CompletableFuture<Optional<ServerEvent.RoomEvent>>> votes = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            votes.add(writer.append(NewEvent.reaction("react", "user" + i, message.offset(), "👍", true)));
        }
        votes.add(writer.append(NewEvent.reaction("react", "USER3", message.offset(), "👍", true)));
        votes.add(writer.append(NewEvent.reaction("react", "user4", message.offset(), "👍", false)));
        votes.add(writer.append(NewEvent.reaction("react", "user4", message.offset(), "👍", false)));
        CompletableFuture.allOf(votes.toArray(CompletableFuture[]::new)).orTimeout(20, TimeUnit.SECONDS).join();
        assertThat(votes.get(25).join()).as("already on: nicks compare case-insensitively").isEmpty();
        assertThat(votes.get(26).join()).isPresent();
        assertThat(votes.get(27).join()).as("already off").isEmpty();

        for (int i = 1; i < MOST_EMOJI; i++) {
            store(NewEvent.reaction("react", "alice", message.offset(), "e" + i, true));
        }
        assertThatThrownBy(() -> store(NewEvent.reaction("react", "alice", message.offset(), "one-too-many", true)))
                .cause().isInstanceOfSatisfying(EventRefused.class,
                        refused -> assertThat(refused.reason()).isEqualTo(EventRefused.Reason.TOO_MANY_EMOJI));
        store(NewEvent.reaction("react", "alice", message.offset(), "e1", false));
        assertThat(store(NewEvent.reaction("react", "alice", message.offset(), "now-there-is-room", true))).isPresent();

        ServerEvent.Message current = (ServerEvent.Message) history.before("react", Long.MAX_VALUE, 1, false).join()
                .messages().get(0);
        ServerEvent.ReactionCount thumbs = current.reactions().get(0);
        assertThat(thumbs.emoji()).isEqualTo("👍");
        assertThat(thumbs.count()).isEqualTo(24);
        assertThat(thumbs.nicks()).hasSize(20).startsWith("user0", "user1", "user2", "user3", "user5").doesNotContain("user4");
        assertThat(current.reactions()).hasSize(MOST_EMOJI).extracting(ServerEvent.ReactionCount::emoji)
                .doesNotContain("e1").endsWith("now-there-is-room");
    }

    @Test
    void eventsAreDecidedInQueueOrderWhileSharingTransactions() {
        List<ServerEvent.Message> messages = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            messages.add(send("order-" + (i % 4), "alice", "m" + i));
        }
        long transactionsBefore = writer.transactions();
        List<CompletableFuture<Optional<ServerEvent.RoomEvent>>> deletes = new ArrayList<>();
        List<CompletableFuture<Optional<ServerEvent.RoomEvent>>> edits = new ArrayList<>();
        List<CompletableFuture<Optional<ServerEvent.RoomEvent>>> others = new ArrayList<>();
        for (ServerEvent.Message message : messages) {
            deletes.add(writer.append(NewEvent.delete(message.room(), "alice", message.offset(), false)));
            edits.add(writer.append(NewEvent.edit(message.room(), "alice", message.offset(), "too late")));
            others.add(writer.append(NewEvent.edit(message.room(), "bob", message.offset(), "not mine")));
        }
        for (int i = 0; i < messages.size(); i++) {
            assertThat(deletes.get(i).orTimeout(20, TimeUnit.SECONDS).join()).isPresent();
            assertThatThrownBy(edits.get(i)::join).isInstanceOf(CompletionException.class).cause()
                    .isInstanceOfSatisfying(EventRefused.class,
                            refused -> assertThat(refused.reason()).isEqualTo(EventRefused.Reason.NOT_FOUND));
            assertThatThrownBy(others.get(i)::join).cause().isInstanceOf(EventRefused.class);
        }
        assertThat(writer.transactions() - transactionsBefore).as("60 events, not one transaction each").isLessThan(30);
        for (int room = 0; room < 4; room++) {
            List<? extends ServerEvent.RoomEvent> log = history.after("order-" + room, 0, 100, true).join().messages();
            assertThat(log).hasSize(10).allMatch(event -> event instanceof ServerEvent.Message m ? m.deleted() != null
                    : event instanceof ServerEvent.Delete);
        }
    }

    @Test
    void aReplyResentWithItsNonceAfterItsTargetWasDeletedIsAnsweredAsTheFirst() {
        ServerEvent.Message target = send("resent", "alice", "question");
        ServerEvent.RoomEvent reply = store(NewEvent.message("resent", "bob", "answer", "n-1", target.offset())).orElseThrow();
        store(NewEvent.delete("resent", "alice", target.offset(), false));

        assertThat(store(NewEvent.message("resent", "bob", "answer", "n-1", target.offset()))).contains(reply);
        assertThatThrownBy(() -> store(NewEvent.message("resent", "bob", "answer", "n-2", target.offset()))).cause()
                .isInstanceOfSatisfying(EventRefused.class,
                        refused -> assertThat(refused.reason()).isEqualTo(EventRefused.Reason.NOT_FOUND));
    }

    @Test
    void retentionTakesAMessagesReactionsWithItAndThenItCanNoLongerBeChanged() throws SQLException {
        try (Database retained = open(postgres.createDatabase("expiring"))) {
            GroupCommitWriter retainedWriter = new GroupCommitWriter(retained, time::incrementAndGet, (epoch, event) -> { },
                    MOST_EMOJI, new SimpleMeterRegistry());
            try {
                long old = publish(retainedWriter, "expiring", "alice", "old", null).join().offset();
                retainedWriter.append(NewEvent.reaction("expiring", "bob", old, "👋", true)).join();
                retainedWriter.append(NewEvent.edit("expiring", "alice", old, "older")).join();
                long kept = publish(retainedWriter, "expiring", "bob", "kept", null).join().offset();
                retainedWriter.append(NewEvent.reaction("expiring", "alice", kept, "👋", true)).join();

                new Retention(retained, 0, 2, 10, time::get).run();

                try (Connection connection = retained.connection(); Statement statement = connection.createStatement();
                     ResultSet rows = statement.executeQuery("select target from reactions")) {
                    assertThat(rows.next()).isTrue();
                    assertThat(rows.getLong(1)).as("the kept message's alone").isEqualTo(kept);
                    assertThat(rows.next()).isFalse();
                }
                assertThatThrownBy(() -> retainedWriter.append(NewEvent.reaction("expiring", "carol", old, "👋", true)).join())
                        .cause().isInstanceOfSatisfying(EventRefused.class,
                                refused -> assertThat(refused.reason()).isEqualTo(EventRefused.Reason.NOT_FOUND));
            } finally {
                retainedWriter.close();
            }
        }
    }
}
