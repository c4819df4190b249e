package dev.parley.server.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Deletes the room events that the retention no longer keeps: older than {@code maxAgeMs}, or
 * more than {@code maxEvents} behind the room's latest. Each room's oldest events go first, a
 * batch of consecutive offsets per statement, each statement its own short transaction: the rows
 * it deletes are ones no writer touches (writers only insert above the top), so writers never wait
 * for it. A room's row, with its epoch and top, stays, so offsets are never used twice.
 */
public final class Retention {
    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);
    /** How often retention runs. */
    public static final long INTERVAL_MS = 60_000;

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
                long deleted = run();
                if (deleted > 0) {
                    LOG.info("retention deleted {} room events", deleted);
                }
            } catch (SQLException e) {
                LOG.warn("retention did not run: {}", e.getMessage());
            }
        }, INTERVAL_MS);
    }

    /** One pass over every room; returns how many events it deleted. Blocks. */
    public long run() throws SQLException {
        long deleted = 0;
        long cutoff = clock.getAsLong() - maxAgeMs;
        try (Connection connection = database.connection()) {
            for (Map.Entry<String, Long> room : RoomHistory.rooms(connection).entrySet()) {
                long keepFrom = maxEvents > 0 ? room.getValue() - maxEvents + 1 : 0;
                // Each batch starts where the last one ended: the index range below it holds the
                // deleted rows until a vacuum, and walking them again would slow every batch.
                long from = 0;
                for (long[] oldest = oldest(connection, room.getKey(), from); oldest != null;
                     oldest = oldest(connection, room.getKey(), from)) {
                    if (oldest[0] < keepFrom) {
                        from = Math.min(oldest[0] + batch, keepFrom);
                        deleted += delete(connection, room.getKey(), oldest[0], from, Long.MAX_VALUE);
                    } else if (maxAgeMs > 0 && oldest[1] < cutoff) {
                        from = oldest[0] + batch;
                        deleted += delete(connection, room.getKey(), oldest[0], from, cutoff);
                    } else {
                        break;
                    }
                }
            }
        }
        return deleted;
    }

    /** The offset and ts of the room's oldest event at or above offset {@code from}, or null. */
    private static long[] oldest(Connection connection, String room, long from) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "select \"offset\", ts from room_events where room = ? and \"offset\" >= ? order by \"offset\" limit 1")) {
            statement.setString(1, room);
            statement.setLong(2, from);
            try (ResultSet result = statement.executeQuery()) {
                return result.next() ? new long[] {result.getLong(1), result.getLong(2)} : null;
            }
        }
    }

    /** Deletes the room's events from offset {@code from} to below {@code below} with a ts below {@code before}. */
    private static int delete(Connection connection, String room, long from, long below, long before) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "delete from room_events where room = ? and \"offset\" >= ? and \"offset\" < ? and ts < ?")) {
            statement.setString(1, room);
            statement.setLong(2, from);
            statement.setLong(3, below);
            statement.setLong(4, before);
            return statement.executeUpdate();
        }
    }
}
