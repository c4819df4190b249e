package dev.parley.server.store;

import dev.parley.protocol.ServerEvent;
import dev.parley.server.backend.UnavailableException;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;

/**
 * Stores room events in groups: publishes from any room wait in one bounded queue; one thread
 * takes everything waiting (up to {@value #BATCH} events) into one transaction, which gives each
 * room's events the room's next offsets ({@code rooms.top}, its row locked by the transaction),
 * inserts them, and commits. Only then are the new events handed on, in the order they were
 * queued, which is each room's offset order, and the publishes completed. So the commit rate, not the
 * message rate, meets the disk's flush rate.
 *
 * <p>A send whose nonce its sender already used in the room (while that event is kept) stores
 * nothing and completes with the first event. A failed transaction stores nothing: every publish
 * in it fails with {@link UnavailableException}. A full queue fails a publish at once, the same way.
 * A publish whose future its caller completed (gave up on it, past a deadline) before its batch
 * was taken is not stored; one given up while its batch was written rolls the batch back, failing
 * every publish in it.
 */
public final class GroupCommitWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);
    /** Most events in one transaction. */
    static final int BATCH = 4096;
    /** Most publishes waiting for the database; past it, {@code unavailable}. */
    static final int QUEUE = 16_384;

    static final String LOCK_ROOMS = """
            insert into rooms (room) select room from unnest(?::text[]) as t(room) order by room
            on conflict (room) do update set top = rooms.top
            returning room, top, epoch""";
    static final String FIND_NONCES = """
            select e.room, e.sender, e.nonce, e."offset", e.ts, e.text from room_events e
            join unnest(?::text[], ?::text[], ?::text[]) as n(room, sender, nonce)
              on e.room = n.room and lower(e.sender) = n.sender and e.nonce = n.nonce""";
    static final String INSERT_EVENTS = """
            with tops as (
              update rooms r set top = t.top from unnest(?::text[], ?::bigint[]) as t(room, top) where r.room = t.room)
            insert into room_events (room, "offset", kind, sender, text, ts, nonce)
            select room, "offset", 'message', sender, text, ts, nonce
            from unnest(?::text[], ?::bigint[], ?::text[], ?::text[], ?::bigint[], ?::text[])
              as e(room, "offset", sender, text, ts, nonce)""";

    record Append(String room, String sender, String text, String nonce,
                          CompletableFuture<ServerEvent.Message> done) {
        NonceKey key() {
            return nonce == null ? null : new NonceKey(room, user(sender), nonce);
        }
    }

    /** A nonce's owner: the room, the user (its nick in lower case, as nicks compare) and the nonce. */
    private record NonceKey(String room, String user, String nonce) {
    }

    private static String user(String sender) {
        return sender.toLowerCase(Locale.ROOT);
    }

    /**
     * What a batch came to: each publish's event, and the new ones among them, in queue order; the
     * rooms it wrote, where they stood before it.
     */
    record Outcome(List<ServerEvent.Message> answers, List<ServerEvent.Message> stored,
                           Map<String, RoomHistory.Position> rooms) {
    }

    private final Database database;
    private final LongSupplier clock;
    private final BiConsumer<String, ServerEvent.Message> committed;
    private final BlockingQueue<Append> queue = new ArrayBlockingQueue<>(QUEUE);
    private final AtomicLong transactions = new AtomicLong();
    private final AtomicLong events = new AtomicLong();
    private final Thread thread;
    private volatile boolean closed;

    /**
     * {@code committed} is handed each new event with its room's epoch after its commit, in each
     * room's offset order, on the writer's thread; {@code registry} gets {@code parley.database.transactions},
     * {@code parley.database.events} and the gauge {@code parley.database.queue}.
     */
    public GroupCommitWriter(Database database, LongSupplier clock, BiConsumer<String, ServerEvent.Message> committed,
                             MeterRegistry registry) {
        this.database = database;
        this.clock = clock;
        this.committed = committed;
        FunctionCounter.builder("parley.database.transactions", transactions, AtomicLong::get)
                .description("Transactions that stored room events").register(registry);
        FunctionCounter.builder("parley.database.events", events, AtomicLong::get)
                .description("Room events stored").register(registry);
        Gauge.builder("parley.database.queue", queue, BlockingQueue::size)
                .description("Publishes waiting for the database").register(registry);
        this.thread = new Thread(this::run, "parley-database-write");
        thread.setDaemon(true);
        thread.start();
    }

    /** Stores a message of {@code room}; completes after its commit with the event, or the first one with that nonce. */
    public CompletableFuture<ServerEvent.Message> append(String room, String sender, String text, String nonce) {
        Append append = new Append(room, sender, text, nonce, new CompletableFuture<>());
        if (closed || !queue.offer(append)) {
            append.done.completeExceptionally(new UnavailableException(
                    closed ? "the node is stopping" : "too many messages are waiting for the database", null));
        }
        return append.done;
    }

    /** Transactions committed so far. */
    public long transactions() {
        return transactions.get();
    }

    /** Events stored so far. */
    public long events() {
        return events.get();
    }

    private void run() {
        List<Append> batch = new ArrayList<>(BATCH);
        while (!closed) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                break;
            }
            queue.drainTo(batch, BATCH - 1);
            batch.removeIf(append -> append.done.isDone());
            if (!batch.isEmpty()) {
                write(batch);
            }
            batch.clear();
        }
        failQueued();
    }

    private void failQueued() {
        List<Append> left = new ArrayList<>();
        queue.drainTo(left);
        left.forEach(append -> append.done.completeExceptionally(new UnavailableException("the node is stopping", null)));
    }

    private void write(List<Append> batch) {
        Outcome outcome;
        try (Connection connection = database.connection()) {
            connection.setAutoCommit(false);
            try {
                outcome = store(connection, batch, clock);
                if (batch.stream().anyMatch(append -> append.done.isDone())) {
                    // A caller gave up while the batch was written: storing nothing keeps its
                    // "unavailable" true (only a commit already on its way can make it wrong).
                    connection.rollback();
                    UnavailableException late = new UnavailableException("the database took longer than the timeout", null);
                    batch.forEach(append -> append.done.completeExceptionally(late));
                    return;
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                rollback(connection);
                throw e;
            }
        } catch (SQLException e) {
            UnavailableException failure = database.failed(e);
            LOG.debug("{} messages not stored: {}", batch.size(), e.getMessage());
            batch.forEach(append -> append.done.completeExceptionally(failure));
            return;
        } catch (RuntimeException e) {
            LOG.error("{} messages not stored", batch.size(), e);
            batch.forEach(append -> append.done.completeExceptionally(e));
            return;
        }
        transactions.incrementAndGet();
        events.addAndGet(outcome.stored().size());
        // Delivered before the publishes complete, as in memory: what a publisher does once its
        // publish is done (a typing event, the next publish) comes after the event.
        for (ServerEvent.Message message : outcome.stored()) {
            try {
                committed.accept(outcome.rooms().get(message.room()).epoch(), message);
            } catch (RuntimeException e) {
                LOG.error("delivering {} failed", message, e);
            }
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).done.complete(outcome.answers().get(i));
        }
    }

    private static void rollback(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            LOG.debug("rollback failed: {}", e.getMessage());
        }
    }

    /** The batch's statements, in one transaction: lock and read each room's top, find repeated nonces, insert. */
    static Outcome store(Connection connection, List<Append> batch, LongSupplier clock) throws SQLException {
        Map<String, RoomHistory.Position> rooms = lockRooms(connection, batch);
        Map<String, Long> tops = new HashMap<>();
        rooms.forEach((room, position) -> tops.put(room, position.top()));
        Map<NonceKey, ServerEvent.Message> known = findNonces(connection, batch);
        List<ServerEvent.Message> answers = new ArrayList<>(batch.size());
        List<ServerEvent.Message> stored = new ArrayList<>(batch.size());
        List<String> nonces = new ArrayList<>(batch.size());
        for (Append append : batch) {
            NonceKey key = append.key();
            ServerEvent.Message first = key == null ? null : known.get(key);
            if (first != null) {
                answers.add(first);
                continue;
            }
            long offset = tops.merge(append.room(), 1L, Long::sum);
            ServerEvent.Message message = new ServerEvent.Message(append.room(), offset, clock.getAsLong(),
                    append.sender(), append.text());
            if (key != null) {
                known.put(key, message);
            }
            answers.add(message);
            stored.add(message);
            nonces.add(append.nonce());
        }
        if (!stored.isEmpty()) {
            insert(connection, tops, stored, nonces);
        }
        return new Outcome(answers, stored, rooms);
    }

    private static Map<String, RoomHistory.Position> lockRooms(Connection connection, List<Append> batch)
            throws SQLException {
        TreeSet<String> rooms = new TreeSet<>();
        batch.forEach(append -> rooms.add(append.room()));
        Map<String, RoomHistory.Position> positions = new HashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(LOCK_ROOMS)) {
            statement.setObject(1, rooms.toArray(String[]::new));
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    positions.put(result.getString(1), new RoomHistory.Position(result.getString(3), result.getLong(2)));
                }
            }
        }
        return positions;
    }

    private static Map<NonceKey, ServerEvent.Message> findNonces(Connection connection, List<Append> batch)
            throws SQLException {
        List<Append> withNonce = batch.stream().filter(append -> append.nonce() != null).toList();
        Map<NonceKey, ServerEvent.Message> known = new HashMap<>();
        if (withNonce.isEmpty()) {
            return known;
        }
        try (PreparedStatement statement = connection.prepareStatement(FIND_NONCES)) {
            statement.setObject(1, withNonce.stream().map(Append::room).toArray(String[]::new));
            statement.setObject(2, withNonce.stream().map(append -> user(append.sender())).toArray(String[]::new));
            statement.setObject(3, withNonce.stream().map(Append::nonce).toArray(String[]::new));
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    String room = result.getString(1);
                    String sender = result.getString(2);
                    known.put(new NonceKey(room, user(sender), result.getString(3)), new ServerEvent.Message(room,
                            result.getLong(4), result.getLong(5), sender, result.getString(6)));
                }
            }
        }
        return known;
    }

    private static void insert(Connection connection, Map<String, Long> tops, List<ServerEvent.Message> stored,
                               List<String> nonces) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(INSERT_EVENTS)) {
            statement.setObject(1, tops.keySet().toArray(String[]::new));
            statement.setObject(2, tops.values().stream().mapToLong(Long::longValue).toArray());
            statement.setObject(3, stored.stream().map(ServerEvent.Message::room).toArray(String[]::new));
            statement.setObject(4, stored.stream().mapToLong(ServerEvent.Message::offset).toArray());
            statement.setObject(5, stored.stream().map(ServerEvent.Message::from).toArray(String[]::new));
            statement.setObject(6, stored.stream().map(ServerEvent.Message::text).toArray(String[]::new));
            statement.setObject(7, stored.stream().mapToLong(ServerEvent.Message::ts).toArray());
            statement.setObject(8, nonces.toArray(String[]::new));
            statement.executeUpdate();
        }
    }

    /** Stops taking publishes; the batch being written is finished, those still queued fail with {@code unavailable}. */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(database.settings().timeoutMs() * 3);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failQueued(); // one queued while the thread was ending
    }
}
