package dev.parley.server.store;

import dev.parley.protocol.ServerEvent;
import dev.parley.server.backend.UnavailableException;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
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
 * <p>Each event is decided on its room's state right before it ({@link EventBatch}): an edit,
 * delete or reaction whose message is gone, deleted or not its sender's to change is refused, and
 * a send whose nonce its sender already used in the room (while that event is kept) stores
 * nothing and completes with the first event. A failed transaction stores nothing: every publish
 * in it fails with {@link UnavailableException}. A full queue fails a publish at once, the same way.
 * A publish whose future its caller completed (gave up on it, past a deadline) before its batch
 * was taken is not stored; one given up while its batch was written rolls the batch back, and the
 * others are written again without it, in at most {@value #MOST_ATTEMPTS} transactions in all (then
 * they fail with {@code unavailable}). With webhooks, the events' rows of the {@link WebhookOutbox}
 * are written in the same transaction.
 */
public final class GroupCommitWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);
    /** Most events in one transaction. */
    static final int BATCH = 4096;
    /**
     * Most publishes waiting for the database; past it, {@code unavailable}. Less than the timeout's
     * worth of what one writer commits (~20,000 events/s): a queue that holds more makes every
     * batch take publishes close to their deadline, which pass it during each of the batch's writes,
     * and nothing is stored any more (measured with 65,536, when one such failed a batch: docs/benchmarks.md).
     */
    static final int QUEUE = 16_384;
    /** Transactions a batch gets when callers keep giving up during them: a database slower than their timeout. */
    static final int MOST_ATTEMPTS = 3;

    private record Append(NewEvent event, CompletableFuture<Optional<ServerEvent.RoomEvent>> done) {
    }

    private final Database database;
    private final LongSupplier clock;
    private final int mostEmoji;
    private final BiConsumer<String, ServerEvent.RoomEvent> committed;
    private final BlockingQueue<Append> queue = new ArrayBlockingQueue<>(QUEUE);
    private final AtomicLong transactions = new AtomicLong();
    private final AtomicLong events = new AtomicLong();
    private final Thread thread;
    private volatile boolean closed;

    /**
     * {@code committed} is handed each new event with its room's epoch after its commit, in each
     * room's offset order, on the writer's thread; {@code mostEmoji}: the most different emoji a
     * message takes; {@code registry} gets {@code parley.database.transactions},
     * {@code parley.database.events} and the gauge {@code parley.database.queue}.
     */
    public GroupCommitWriter(Database database, LongSupplier clock, BiConsumer<String, ServerEvent.RoomEvent> committed,
                             int mostEmoji, MeterRegistry registry) {
        this.database = database;
        this.mostEmoji = mostEmoji;
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

    /**
     * Stores a room event; completes after its commit with the event, or the first message with that
     * nonce; empty for a reaction that changes nothing; fails with {@link EventRefused} when its
     * target does not allow it (then nothing is stored).
     */
    public CompletableFuture<Optional<ServerEvent.RoomEvent>> append(NewEvent event) {
        Append append = new Append(event, new CompletableFuture<>());
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
        EventBatch outcome = null;
        try (Connection connection = database.connection()) {
            connection.setAutoCommit(false);
            for (int attempt = 1; outcome == null; attempt++) {
                outcome = attempt(connection, batch);
                if (outcome == null) {
                    batch.removeIf(append -> append.done.isDone());
                    if (batch.isEmpty()) {
                        return;
                    }
                    if (attempt == MOST_ATTEMPTS) {
                        UnavailableException late = new UnavailableException("the database took longer than the timeout", null);
                        batch.forEach(append -> append.done.completeExceptionally(late));
                        return;
                    }
                }
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
        events.addAndGet(outcome.stored.size());
        // Delivered before the publishes complete, as in memory: what a publisher does once its
        // publish is done (a typing event, the next publish) comes after the event.
        for (ServerEvent.RoomEvent event : outcome.stored) {
            try {
                committed.accept(outcome.epoch(event.room()), event);
            } catch (RuntimeException e) {
                LOG.error("delivering {} failed", event, e);
            }
        }
        for (int i = 0; i < batch.size(); i++) {
            EventBatch.Answer answer = outcome.answers.get(i);
            if (answer.refused() != null) {
                batch.get(i).done.completeExceptionally(answer.refused());
            } else {
                batch.get(i).done.complete(answer.event());
            }
        }
    }

    /** Writes and commits {@code batch}; null, rolled back, when a caller gave up on it meanwhile. */
    private EventBatch attempt(Connection connection, List<Append> batch) throws SQLException {
        try {
            EventBatch outcome = store(connection, batch.stream().map(Append::event).toList(), clock, mostEmoji);
            WebhookOutbox.add(connection, webhooks(outcome.stored));
            if (batch.stream().anyMatch(append -> append.done.isDone())) {
                // Storing nothing keeps the "unavailable" its caller answered true (only a commit
                // already on its way can make it wrong).
                connection.rollback();
                return null;
            }
            connection.commit();
            return outcome;
        } catch (SQLException | RuntimeException e) {
            rollback(connection);
            throw e;
        }
    }

    /** The webhooks of {@code stored} that the outbox keeps, in their order. */
    private List<Webhook> webhooks(List<ServerEvent.RoomEvent> stored) {
        Set<String> types = database.settings().webhookTypes();
        if (types.isEmpty()) {
            return List.of();
        }
        return stored.stream().filter(event -> types.contains(Webhook.typeOf(event))).map(Webhook::of).toList();
    }

    private static void rollback(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            LOG.debug("rollback failed: {}", e.getMessage());
        }
    }

    /**
     * The batch's statements, in one transaction: lock and read each room's top, read what its events
     * depend on (repeated nonces, the messages they are about), decide each in queue order, write.
     */
    static EventBatch store(Connection connection, List<NewEvent> events, LongSupplier clock, int mostEmoji)
            throws SQLException {
        EventBatch batch = new EventBatch(EventStatements.lockRooms(connection, events),
                EventStatements.findNonces(connection, events), EventStatements.findTargets(connection, events),
                EventStatements.findReactions(connection, events), mostEmoji, clock);
        events.forEach(batch::add);
        EventStatements.write(connection, batch);
        return batch;
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
