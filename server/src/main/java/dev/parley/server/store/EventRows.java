package dev.parley.server.store;

import dev.parley.protocol.ServerEvent;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Room events as rows of {@code room_events} give them: in the room's log, each as it was sent
 * (what a delete erased gone), or a message with its current state (text, edited, deleted and the
 * reactions from {@code reactions}).
 */
final class EventRows {
    /** The columns the mappings read, from the room's events; the room is the first parameter. */
    static final String SELECT = "select \"offset\", ts, sender, kind, text, sent_text, target, reply_to, emoji, added, "
            + "edited, deleted from room_events where room = ? ";
    /** Limits {@link #SELECT} to messages. */
    static final String MESSAGES = "and kind = 'message' ";
    private static final String REACTIONS = """
            select target, emoji, count(*), (array_agg(nick order by "offset"))[1:%d] from reactions
            where room = ? and target = any(?) group by target, emoji order by target, min("offset")"""
            .formatted(ServerEvent.ReactionCount.MAX_NICKS);

    private EventRows() {
    }

    /** The row's event as the log has it. */
    static ServerEvent.RoomEvent logged(String room, ResultSet row) throws SQLException {
        long offset = row.getLong(1);
        long ts = row.getLong(2);
        String from = row.getString(3);
        switch (row.getString(4)) {
            case "edit":
                return new ServerEvent.Edit(room, offset, row.getLong(7), from, row.getString(5), ts);
            case "delete":
                return new ServerEvent.Delete(room, offset, row.getLong(7), from, ts);
            case "reaction":
                return new ServerEvent.Reaction(room, offset, row.getLong(7), from, row.getString(9), row.getBoolean(10), ts);
            default:
                ServerEvent.Message sent = new ServerEvent.Message(room, offset, ts, from,
                        row.getString(6) != null ? row.getString(6) : row.getString(5), (Long) row.getObject(8),
                        null, null, null);
                return row.getBoolean(12) ? sent.withTextDeleted() : sent;
        }
    }

    /** The row's message with its current text and state, its reactions left out. */
    static ServerEvent.Message current(String room, ResultSet row) throws SQLException {
        ServerEvent.Message sent = new ServerEvent.Message(room, row.getLong(1), row.getLong(2), row.getString(3),
                row.getString(5), (Long) row.getObject(8), null, null, null);
        return row.getBoolean(12) ? sent.withTextDeleted()
                : sent.withState(row.getString(5), (Long) row.getObject(11), null);
    }

    /** {@code messages} (of {@code room}) with the reactions they have. */
    static List<ServerEvent.Message> withReactions(Connection connection, String room, List<ServerEvent.Message> messages)
            throws SQLException {
        if (messages.isEmpty()) {
            return messages;
        }
        Map<Long, List<ServerEvent.ReactionCount>> reactions = new HashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(REACTIONS)) {
            statement.setString(1, room);
            statement.setArray(2, connection.createArrayOf("bigint",
                    messages.stream().map(ServerEvent.Message::offset).toArray()));
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    Array nicks = result.getArray(4);
                    reactions.computeIfAbsent(result.getLong(1), target -> new ArrayList<>()).add(
                            new ServerEvent.ReactionCount(result.getString(2), result.getInt(3),
                                    Arrays.asList((String[]) nicks.getArray())));
                }
            }
        }
        if (reactions.isEmpty()) {
            return messages;
        }
        List<ServerEvent.Message> withReactions = new ArrayList<>(messages.size());
        for (ServerEvent.Message message : messages) {
            List<ServerEvent.ReactionCount> on = reactions.get(message.offset());
            withReactions.add(on == null ? message : message.withState(message.text(), message.edited(), on));
        }
        return withReactions;
    }
}
