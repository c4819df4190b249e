package dev.parley.server.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Deletes the room events that the retention no longer keeps: older than {@code maxAgeMs}, or
 * more than {@code maxEvents} behind the room's latest; and the stored direct messages older than
 * {@code maxAgeMs}. Each room's (or conversation's) oldest go first, a batch of consecutive
 * offsets (or seqs) per statement, each statement its own short transaction: writers insert above
 * the top, and touch an old row only to change a message's state (which locks it against this
 * delete until the writer commits), so neither waits long for the other. A message's reactions go
 * with it (their foreign key cascades). A room's row, with its epoch and top, stays, as does a
 * conversation's, so that neither an offset nor a seq is ever used twice.
 */
public final class Retention {
    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);
    /** How often retention runs. */
    public static final long INTERVAL_MS = 60_000;

    /** What retention deletes from: each stream's rows by their position in it, and the streams with their tops. */
    private record Kept(String table, String stream, String position, String streams) {
    }

    private static final Kept ROOM_EVENTS = new Kept("room_events", "room", "\"offset\"",
            "select room, top from rooms where top > 0");
    private static final Kept DIRECT_MESSAGES = new Kept("direct_messages", "conversation", "seq",
            "select conversation, top from dm_conversations");

    private final Database database;
    private final long maxAgeMs;
    private final long maxEvents;
    private final int batch;
    private final LongSupplier clock;

    /** {@code maxAgeMs} and {@code maxEvents}: 0 for no such limit; {@code batch}: most events one statement deletes. */
    public Retention(Database database, long maxAgeMs, long maxEvents, int batch, LongSupplier clock) {
        this.database = database;
        this.maxAgeMs = maxAgeMs;
        this.maxEvents = maxEvents;
        this.batch = batch;
        this.clock = clock;
    }

    /** Whether there is anything to enforce. */
    public boolean limits() {
        return maxAgeMs > 0 || maxEvents > 0;
    }

    /** Runs every {@link #INTERVAL_MS} on the database's maintenance thread. */
    public void schedule() {
        database.schedule(() -> {
            try {
                long events = roomEvents();
                long dms = directMessages();
                if (events > 0 || dms > 0) {
                    LOG.info("retention deleted {} room events and {} direct messages", events, dms);
                }
            } catch (SQLException e) {
                LOG.warn("retention did not run: {}", e.getMessage());
            }
        }, INTERVAL_MS);
    }

    /** One pass over every room and conversation; returns how many events and direct messages it deleted. Blocks. */
    public long run() throws SQLException {
        return roomEvents() + directMessages();
    }

    private long roomEvents() throws SQLException {
        return run(ROOM_EVENTS, maxEvents);
    }

    /** Direct messages have an age limit only. */
    private long directMessages() throws SQLException {
        return maxAgeMs > 0 ? run(DIRECT_MESSAGES, 0) : 0;
    }

    /** One pass over every stream of {@code kept}, keeping at most {@code maxCount} of each (0: any number). */
    private long run(Kept kept, long maxCount) throws SQLException {
        long deleted = 0;
        long cutoff = clock.getAsLong() - maxAgeMs;
        try (Connection connection = database.connection()) {
            for (Map.Entry<String, Long> stream : streams(connection, kept).entrySet()) {
                long keepFrom = maxCount > 0 ? stream.getValue() - maxCount + 1 : 0;
                // Each batch starts where the last one ended: the index range below it holds the
                // deleted rows until a vacuum, and walking them again would slow every batch.
                long from = 0;
                for (long[] oldest = oldest(connection, kept, stream.getKey(), from); oldest != null;
                     oldest = oldest(connection, kept, stream.getKey(), from)) {
                    if (oldest[0] < keepFrom) {
                        from = Math.min(oldest[0] + batch, keepFrom);
                        deleted += delete(connection, kept, stream.getKey(), oldest[0], from, Long.MAX_VALUE);
                    } else if (maxAgeMs > 0 && oldest[1] < cutoff) {
                        from = oldest[0] + batch;
                        deleted += delete(connection, kept, stream.getKey(), oldest[0], from, cutoff);
                    } else {
                        break;
                    }
                }
            }
        }
        return deleted;
    }

    /** The streams of {@code kept} that may have rows, with their latest positions. */
    private static Map<String, Long> streams(Connection connection, Kept kept) throws SQLException {
        Map<String, Long> streams = new LinkedHashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(kept.streams());
             ResultSet result = statement.executeQuery()) {
            while (result.next()) {
                streams.put(result.getString(1), result.getLong(2));
            }
        }
        return streams;
    }

    /** The position and ts of the stream's oldest row at or above position {@code from}, or null. */
    private static long[] oldest(Connection connection, Kept kept, String stream, long from) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("select " + kept.position() + ", ts from "
                + kept.table() + " where " + kept.stream() + " = ? and " + kept.position() + " >= ? order by "
                + kept.position() + " limit 1")) {
            statement.setString(1, stream);
            statement.setLong(2, from);
            try (ResultSet result = statement.executeQuery()) {
                return result.next() ? new long[] {result.getLong(1), result.getLong(2)} : null;
            }
        }
    }

    /** Deletes the stream's rows from position {@code from} to below {@code below} with a ts below {@code before}. */
    private static int delete(Connection connection, Kept kept, String stream, long from, long below, long before)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("delete from " + kept.table() + " where "
                + kept.stream() + " = ? and " + kept.position() + " >= ? and " + kept.position() + " < ? and ts < ?")) {
            statement.setString(1, stream);
            statement.setLong(2, from);
            statement.setLong(3, below);
            statement.setLong(4, before);
            return statement.executeUpdate();
        }
    }
}
