package dev.parley.server.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.protocol.ServerEvent;
import dev.parley.testing.PostgresExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Read markers and unread counts against a real PostgreSQL: the mentions the writer keeps in the
 * events' transactions (one batch or several), counts after retention and across a restart of the
 * database, and the plan of the count (only the index entries after the marker).
 */
class ReadMarkersIT {
    private static final Duration WITHIN = Duration.ofSeconds(20);
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    private final AtomicLong time = new AtomicLong(1_000_000);
    private String name;
    private Database database;
    private GroupCommitWriter writer;
    private ReadMarkers markers;

    @BeforeEach
    void open() {
        name = "read_" + DATABASES.incrementAndGet();
        database = Database.open(new Database.Settings(DatabaseUrl.parse(POSTGRES.server().createDatabase(name)), 4, 2000),
                new SimpleMeterRegistry());
        writer = new GroupCommitWriter(database, time::incrementAndGet, (epoch, event) -> { }, 20, new SimpleMeterRegistry());
        markers = new ReadMarkers(database);
    }

    @AfterEach
    void close() {
        writer.close();
        database.close();
    }

    private CompletableFuture<Optional<ServerEvent.RoomEvent>> queue(NewEvent event) {
        return writer.append(event);
    }

    private ServerEvent.RoomEvent store(NewEvent event) {
        return queue(event).orTimeout(20, TimeUnit.SECONDS).join().orElseThrow();
    }

    private ServerEvent.UnreadRoom unread(String user, String room) {
        return markers.unread(user).orTimeout(20, TimeUnit.SECONDS).join().stream()
                .filter(state -> state.room().equals(room)).findFirst().orElse(null);
    }

    /** The room's mentions rows as "offset nick", in order. */
    private List<String> mentionRows(String room) throws SQLException {
        try (Connection connection = database.connection()) {
            return Rows.select(connection, "select \"offset\", nick from mentions where room = ? order by \"offset\", nick",
                    row -> row.getLong(1) + " " + row.getString(2), room);
        }
    }

    @Test
    void mentionsFollowEachMessagesLastStateWhenSentEditedAndDeletedInOneTransactionOrInSeveral() throws SQLException {
        store(NewEvent.message("gate", "alice", "opens the room's row", null, null));
        store(NewEvent.message("batched", "alice", "start", null, null));
        List<CompletableFuture<Optional<ServerEvent.RoomEvent>>> queued = new ArrayList<>();
        long transactions;
        try (Connection blocker = POSTGRES.server().connect(name); Statement statement = blocker.createStatement()) {
            blocker.setAutoCommit(false);
            statement.execute("select top from rooms where room = 'gate' for update");
            CompletableFuture<Optional<ServerEvent.RoomEvent>> held = queue(NewEvent.message("gate", "alice", "held", null, null));
            await().atMost(WITHIN).until(() -> POSTGRES.server().sessionsWaitingForALock() == 1);
            transactions = writer.transactions();
            queued.add(queue(NewEvent.message("batched", "alice", "hey @bob and @Carol and @alice", null, null))); // 2
            queued.add(queue(NewEvent.message("batched", "carol", "for @bob", null, null))); // 3
            queued.add(queue(NewEvent.edit("batched", "alice", 2, "now @dave, @ALICE"))); // 4
            queued.add(queue(NewEvent.delete("batched", "carol", 3, false))); // 5
            queued.add(queue(NewEvent.message("batched", "dave", "@BOB!", null, null))); // 6
            queued.add(queue(NewEvent.message("batched", "erin", "@bob @carol", null, null))); // 7
            blocker.rollback();
            held.orTimeout(20, TimeUnit.SECONDS).join();
        }
        CompletableFuture.allOf(queued.toArray(CompletableFuture[]::new)).orTimeout(20, TimeUnit.SECONDS).join();
        assertThat(writer.transactions() - transactions).as("the held one's and the batch's").isEqualTo(2);
        assertThat(mentionRows("batched")).as("each message's last text, its sender left out, nothing of the deleted one")
                .containsExactly("2 dave", "6 bob", "7 bob", "7 carol");

        store(NewEvent.edit("batched", "erin", 7, "only @carol now"));
        store(NewEvent.edit("batched", "alice", 2, "no one"));
        store(NewEvent.delete("batched", "dave", 6, false));
        assertThat(mentionRows("batched")).as("later edits replace, a later delete removes").containsExactly("7 carol");

        markers.markRead("carol", "batched", 1).join();
        markers.markRead("bob", "batched", 1).join();
        assertThat(unread("carol", "batched")).as("2 (alice) and 7 (erin) are left of the others'")
                .isEqualTo(new ServerEvent.UnreadRoom("batched", 1, 2, 1));
        assertThat(unread("bob", "batched")).isEqualTo(new ServerEvent.UnreadRoom("batched", 1, 2, 0));
    }

    @Test
    void countsStayRightAfterRetentionAndItLeavesNoMentionsBehind() throws SQLException {
        for (int i = 1; i <= 10; i++) {
            store(NewEvent.message("kept", i % 2 == 0 ? "alice" : "bob", "number " + i + " for @bob and @alice", null, null));
        }
        markers.markRead("bob", "kept", 2).join();
        markers.markRead("alice", "kept", 9).join();
        assertThat(unread("bob", "kept")).as("alice's 4, 6, 8, 10").isEqualTo(new ServerEvent.UnreadRoom("kept", 2, 4, 4));

        assertThat(new Retention(database, 0, 5, 2, time::get).run()).isEqualTo(5);

        assertThat(mentionRows("kept")).as("the kept messages' alone")
                .containsExactly("6 bob", "7 alice", "8 bob", "9 alice", "10 bob");
        assertThat(unread("bob", "kept")).as("what is kept of alice's: 6, 8, 10").isEqualTo(new ServerEvent.UnreadRoom("kept", 2, 3, 3));
        assertThat(unread("alice", "kept")).isEqualTo(new ServerEvent.UnreadRoom("kept", 9, 0, 0));
        assertThat(markers.markRead("bob", "kept", 99).join()).as("offsets go on past what retention took").isEqualTo(OptionalLong.of(10));
    }

    @Test
    void markersAreDurableAcrossARestartOfTheDatabase() {
        for (int i = 1; i <= 4; i++) {
            store(NewEvent.message("durable", "alice", "@bob " + i, null, null));
        }
        markers.markRead("bob", "durable", 1).join();
        markers.markRead("Carol", "durable", 3).join();
        List<ServerEvent.UnreadRoom> bob = markers.unread("BOB").join();
        assertThat(bob).containsExactly(new ServerEvent.UnreadRoom("durable", 1, 3, 3));

        POSTGRES.server().kill();
        POSTGRES.server().restart();

        await().atMost(WITHIN).ignoreExceptions().until(() -> markers.unread("bob").join().equals(bob));
        assertThat(markers.unread("carol").join()).containsExactly(new ServerEvent.UnreadRoom("durable", 3, 1, 0));
        assertThat(markers.markRead("bob", "durable", 2).join()).isEqualTo(OptionalLong.of(2));
    }

    /**
     * 100,000 messages in a room, the marker 50 before the end, and 200 rooms of one user: the count
     * walks the index entries after each marker (no scan of a table, no row of the room's history
     * before the marker).
     */
    @Test
    void theCountReadsOnlyTheIndexEntriesAfterEachMarker() throws Exception {
        try (Connection connection = POSTGRES.server().connect(name); Statement statement = connection.createStatement()) {
            statement.execute("""
                    insert into rooms (room, top) values ('big', 100000);
                    insert into room_events (room, "offset", kind, sender, text, ts)
                      select 'big', n, 'message', case when n % 4 = 0 then 'bob' else 'alice' end,
                             case when n % 10 = 0 then 'hey @bob' else 'just words ' || n end, n
                      from generate_series(1, 100000) n;
                    insert into mentions (room, "offset", nick) select 'big', n, 'bob' from generate_series(10, 100000, 10) n
                      where n % 4 <> 0;
                    update room_events set deleted = true, text = null where room = 'big' and "offset" in (99990, 99991);
                    delete from mentions where room = 'big' and "offset" = 99990;
                    insert into rooms (room, top) select 'r' || n, 20 from generate_series(1, 199) n;
                    insert into room_events (room, "offset", kind, sender, text, ts)
                      select 'r' || r, n, 'message', 'alice', 'text', n from generate_series(1, 199) r, generate_series(1, 20) n;
                    insert into read_markers (reader, room, last_read) select 'bob', 'r' || n, 15 from generate_series(1, 199) n;
                    insert into read_markers (reader, room, last_read) values ('bob', 'big', 99950);
                    insert into read_markers (reader, room, last_read) select 'u' || n, 'r' || (n % 199 + 1), 1
                      from generate_series(1, 20000) n;
                    """);
            statement.execute("vacuum analyze rooms, room_events, mentions, read_markers");

            assertThat(unread("bob", "big")).as("of 99951…100000, 13 are bob's and 2 deleted; of the mentions, 99970 alone is neither bob's nor deleted")
                    .isEqualTo(new ServerEvent.UnreadRoom("big", 99950, 35, 1));
            assertThat(unread("bob", "r7")).isEqualTo(new ServerEvent.UnreadRoom("r7", 15, 5, 0));

            JsonNode plan;
            try (PreparedStatement explain = connection.prepareStatement("explain (analyze, buffers, format json) " + ReadMarkers.UNREAD)) {
                explain.setString(1, "bob");
                try (ResultSet result = explain.executeQuery()) {
                    result.next();
                    plan = JSON.readTree(result.getString(1)).get(0);
                }
            }
            System.out.println("unread of a user with 200 rooms, one of 100,000 messages:\n" + plan.toPrettyString());
            List<JsonNode> nodes = new ArrayList<>();
            collect(plan.get("Plan"), nodes);
            assertThat(nodes).extracting(node -> node.get("Node Type").asText()).as("no table is scanned")
                    .doesNotContain("Seq Scan").contains("Index Only Scan");
            List<JsonNode> indexScans = nodes.stream().filter(node -> node.has("Index Name")).toList();
            assertThat(indexScans).extracting(node -> node.get("Index Name").asText()).as("the markers by their key, each count by its index")
                    .containsExactlyInAnyOrder("read_markers_pkey", "room_events_unread", "mentions_unread");
            for (JsonNode scan : indexScans) {
                String index = scan.get("Index Name").asText();
                long rowsRead = (scan.get("Actual Rows").asLong() + scan.path("Rows Removed by Filter").asLong())
                        * scan.get("Actual Loops").asLong();
                assertThat(rowsRead).as(index + " reads the entries after the markers alone (48, and 5 in each of 199 rooms)")
                        .isLessThanOrEqualTo(index.equals("room_events_unread") ? 1100 : 200);
            }
        }
    }

    private static void collect(JsonNode node, List<JsonNode> nodes) {
        nodes.add(node);
        node.path("Plans").forEach(child -> collect(child, nodes));
    }
}
