package dev.parley.server.store;

import dev.parley.protocol.ServerEvent;
import dev.parley.testing.PostgresExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Edits, deletes and reactions in the store against a real PostgreSQL: what a delete erases from
 * {@code room_events}, what search matches, reactions' counts, and that such events still share
 * transactions and are decided in queue order.
 */
class RoomEventsStoreIT {
    private static final int MOST_EMOJI = 20;

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    private static Database database;
    private static GroupCommitWriter writer;
    private static RoomHistory history;
    private static final AtomicLong time = new AtomicLong(1_000_000);

    @BeforeAll
    static void start() {
        database = Database.open(new Database.Settings(DatabaseUrl.parse(POSTGRES.server().createDatabase("room_events")), 4,
                2000), new SimpleMeterRegistry());
        writer = new GroupCommitWriter(database, time::incrementAndGet, (epoch, event) -> { }, MOST_EMOJI,
                new SimpleMeterRegistry());
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
}
