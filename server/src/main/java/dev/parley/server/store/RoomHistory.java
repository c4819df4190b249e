package dev.parley.server.store;

import dev.parley.protocol.ServerEvent;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Reads of the stored room events, each on the {@link Database}'s read threads: the room's log
 * (every event as it was sent, what deletes erased gone) or its messages alone with their current
 * state ({@link EventRows}). A read first takes
 * the room's epoch and latest offset ({@code top}) and reads no event above that offset, so it sees
 * the room at one moment even while the writer commits. A room read for the first time gets its
 * row (and so its epoch) here, so that a member who joins an empty room keeps its epoch.
 */
public final class RoomHistory {
    /** A part of a room's events, oldest first, with the room's epoch and latest offset. */
    public record Page(String epoch, long top, List<? extends ServerEvent.RoomEvent> messages) {
    }

    /**
     * What a member who joins with a position gets: every event after it ({@code recovered}), or
     * the latest messages, with {@code missed} counted as {@link #since} says.
     */
    public record Catchup(Page page, boolean recovered, long missed) {
    }

    /** Matches, newest first; {@code next} is the offset to search below for the next page, or null. */
    public record Found(List<ServerEvent.Message> messages, Long next) {
    }

    /** Where a room stands: the name of its history and its latest offset. */
    public record Position(String epoch, long top) {
    }

    private final Database database;

    public RoomHistory(Database database) {
        this.database = database;
    }

    /** Up to {@code limit} events (of the log, or messages) with offsets below {@code before}, the latest of them. */
    public CompletableFuture<Page> before(String room, long before, int limit, boolean log) {
        return database.read(connection -> {
            Position state = room(connection, room);
            return new Page(state.epoch(), state.top(), latest(connection, room, before, state.top(), limit, log));
        });
    }

    /** Up to {@code limit} events (of the log, or messages) right after {@code after}. */
    public CompletableFuture<Page> after(String room, long after, int limit, boolean log) {
        return database.read(connection -> {
            Position state = room(connection, room);
            List<? extends ServerEvent.RoomEvent> events = log ? after(connection, room, after, state.top(), limit)
                    : current(connection, room, EventRows.SELECT + EventRows.MESSAGES
                    + "and \"offset\" > ? and \"offset\" <= ? order by \"offset\" limit ?", after, state.top(), limit);
            return new Page(state.epoch(), state.top(), events);
        });
    }

    /**
     * For a member at {@code offset} of {@code epoch} (null: none): every event after it (the log)
     * when it is in this epoch, still kept, and at most {@code recoverMax} behind; otherwise the
     * latest {@code latest} messages with their state, and when only {@code recoverMax} stood in the way, {@code missed}: the events
     * after {@code offset} and before the first of those.
     */
    public CompletableFuture<Catchup> since(String room, String epoch, long offset, int latest, int recoverMax) {
        return database.read(connection -> {
            Position state = room(connection, room);
            boolean inEpoch = state.epoch().equals(epoch) && offset <= state.top();
            boolean tooMany = inEpoch && state.top() - offset > recoverMax;
            if (inEpoch && !tooMany && offset >= oldest(connection, room, state.top()) - 1) {
                return new Catchup(new Page(state.epoch(), state.top(),
                        after(connection, room, offset, state.top(), recoverMax)), true, 0);
            }
            List<ServerEvent.Message> messages = latest(connection, room, Long.MAX_VALUE, state.top(), latest, false)
                    .stream().map(ServerEvent.Message.class::cast).toList();
            long missed = tooMany ? (messages.isEmpty() ? state.top() + 1 : messages.get(0).offset()) - offset - 1 : 0;
            return new Catchup(new Page(state.epoch(), state.top(), messages), false, missed);
        });
    }

    /**
     * Up to {@code limit} messages with every word of {@code query} in their current text (never a deleted one) ({@code websearch_to_tsquery}
     * syntax: quoted phrases, {@code or}, {@code -word}), below {@code before} (null: any), newest first.
     */
    public CompletableFuture<Found> search(String room, String query, Long before, int limit) {
        return database.read(connection -> {
            List<ServerEvent.Message> messages = current(connection, room, EventRows.SELECT + EventRows.MESSAGES
                            + "and tsv @@ websearch_to_tsquery('simple', ?) and \"offset\" < ? and not deleted "
                            + "order by \"offset\" desc limit ?",
                    query, before == null ? Long.MAX_VALUE : before, limit + 1);
            if (messages.size() <= limit) {
                return new Found(messages, null);
            }
            List<ServerEvent.Message> page = messages.subList(0, limit);
            return new Found(page, page.get(limit - 1).offset());
        });
    }

    /** Whether {@code from} (a nick, compared as nicks are) stored a message in {@code room} with {@code nonce}. */
    public CompletableFuture<Boolean> sentWith(String room, String from, String nonce) {
        return database.read(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "select 1 from room_events where room = ? and lower(sender) = ? and nonce = ?")) {
                statement.setString(1, room);
                statement.setString(2, EventBatch.user(from));
                statement.setString(3, nonce);
                try (ResultSet result = statement.executeQuery()) {
                    return result.next();
                }
            }
        });
    }

    /**
     * The epoch and latest offset of each of {@code rooms} that has a row (one statement for all),
     * without making rows: where each stands, for a node that follows them.
     */
    public CompletableFuture<Map<String, Position>> positions(Collection<String> rooms) {
        return database.read(connection -> {
            Map<String, Position> positions = new HashMap<>();
            try (PreparedStatement statement = connection.prepareStatement(
                    "select room, epoch, top from rooms where room = any(?)")) {
                statement.setArray(1, connection.createArrayOf("text", rooms.toArray()));
                try (ResultSet result = statement.executeQuery()) {
                    while (result.next()) {
                        positions.put(result.getString(1), new Position(result.getString(2), result.getLong(3)));
                    }
                }
            }
            return positions;
        });
    }

    /** Rooms with at least one event, and their latest offsets. */
    public CompletableFuture<Map<String, Long>> rooms() {
        return database.read(RoomHistory::rooms);
    }

    /** Rooms with at least one event, and their latest offsets, on {@code connection}. */
    static Map<String, Long> rooms(Connection connection) throws SQLException {
        Map<String, Long> rooms = new LinkedHashMap<>();
        try (PreparedStatement statement = connection.prepareStatement("select room, top from rooms where top > 0");
             ResultSet result = statement.executeQuery()) {
            while (result.next()) {
                rooms.put(result.getString(1), result.getLong(2));
            }
        }
        return rooms;
    }

    /** The room's epoch and latest offset, its row made first if it has none. */
    private static Position room(Connection connection, String room) throws SQLException {
        Position found = findRoom(connection, room);
        if (found != null) {
            return found;
        }
        try (PreparedStatement statement = connection.prepareStatement(
                "insert into rooms (room) values (?) on conflict (room) do nothing")) {
            statement.setString(1, room);
            statement.executeUpdate();
        }
        return findRoom(connection, room);
    }

    private static Position findRoom(Connection connection, String room) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("select epoch, top from rooms where room = ?")) {
            statement.setString(1, room);
            try (ResultSet result = statement.executeQuery()) {
                return result.next() ? new Position(result.getString(1), result.getLong(2)) : null;
            }
        }
    }

    /** The offset of the room's oldest kept event; {@code top + 1} when none is kept. */
    private static long oldest(Connection connection, String room, long top) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "select \"offset\" from room_events where room = ? order by \"offset\" limit 1")) {
            statement.setString(1, room);
            try (ResultSet result = statement.executeQuery()) {
                return result.next() ? result.getLong(1) : top + 1;
            }
        }
    }

    /** The latest {@code limit} events (of the log, or messages) below {@code before} and up to {@code top}, oldest first. */
    private static List<? extends ServerEvent.RoomEvent> latest(Connection connection, String room, long before, long top,
                                                               int limit, boolean log) throws SQLException {
        String sql = EventRows.SELECT + (log ? "" : EventRows.MESSAGES)
                + "and \"offset\" < ? and \"offset\" <= ? order by \"offset\" desc limit ?";
        List<? extends ServerEvent.RoomEvent> events = log ? logged(connection, room, sql, before, top, limit)
                : current(connection, room, sql, before, top, limit);
        Collections.reverse(events);
        return events;
    }

    private static List<ServerEvent.RoomEvent> after(Connection connection, String room, long after, long top, int limit)
            throws SQLException {
        return logged(connection, room, EventRows.SELECT + "and \"offset\" > ? and \"offset\" <= ? order by \"offset\" limit ?",
                after, top, limit);
    }

    /** How a row of {@link EventRows#SELECT} becomes an event. */
    private interface Mapping<T> {
        T map(String room, ResultSet row) throws SQLException;
    }

    /** The events {@code sql} selects as the log has them, its first parameter the room, then {@code parameters}. */
    private static List<ServerEvent.RoomEvent> logged(Connection connection, String room, String sql, Object... parameters)
            throws SQLException {
        return rows(connection, room, sql, EventRows::logged, parameters);
    }

    /** The messages {@code sql} selects with their current state, its first parameter the room, then {@code parameters}. */
    private static List<ServerEvent.Message> current(Connection connection, String room, String sql, Object... parameters)
            throws SQLException {
        return new ArrayList<>(EventRows.withReactions(connection, room,
                rows(connection, room, sql, EventRows::current, parameters)));
    }

    private static <T> List<T> rows(Connection connection, String room, String sql, Mapping<T> mapping,
                                    Object... parameters) throws SQLException {
        Object[] roomFirst = new Object[parameters.length + 1];
        roomFirst[0] = room;
        System.arraycopy(parameters, 0, roomFirst, 1, parameters.length);
        return Rows.select(connection, sql, row -> mapping.map(room, row), roomFirst);
    }
}
