package dev.parley.server.store;

import dev.parley.protocol.Names;
import dev.parley.protocol.ServerEvent;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code mentions} rows of the {@link GroupCommitWriter}'s transaction, after the batch's
 * events are inserted: who each message's current text mentions, its sender left out. A new
 * message adds its rows, an edit replaces its message's, a delete removes them; a message sent,
 * edited or deleted within one batch gets the rows its last state calls for. At most two round
 * trips a batch.
 */
final class MentionStatements {
    private static final String FORGET = """
            delete from mentions m using unnest(?::text[], ?::bigint[]) as t(room, "offset")
            where m.room = t.room and m."offset" = t."offset"
            """;
    private static final String INSERT =
            "insert into mentions (room, \"offset\", nick) select * from unnest(?::text[], ?::bigint[], ?::text[])";

    /** One user a message mentions. */
    private record Mention(String room, long offset, String nick) {
    }

    private MentionStatements() {
    }

    /** Writes the mentions of what {@code batch} stored, edited and deleted. */
    static void write(Connection connection, EventBatch batch) throws SQLException {
        Map<EventBatch.TargetKey, List<String>> mentioned = new LinkedHashMap<>();
        for (ServerEvent.RoomEvent event : batch.stored) {
            if (event instanceof ServerEvent.Message message) {
                mentioned.put(new EventBatch.TargetKey(message.room(), message.offset()), others(message.mentions(), message.from()));
            }
        }
        batch.edits.forEach((target, edit) -> mentioned.put(target, others(edit.mentions(), edit.from())));
        batch.deletes.forEach(mentioned::remove);

        Set<EventBatch.TargetKey> changed = new LinkedHashSet<>(batch.edits.keySet());
        changed.addAll(batch.deletes);
        if (!changed.isEmpty()) {
            List<EventBatch.TargetKey> messages = List.copyOf(changed);
            try (PreparedStatement statement = connection.prepareStatement(FORGET)) {
                EventStatements.bind(connection, statement, 1, messages, "text", EventBatch.TargetKey::room);
                EventStatements.bind(connection, statement, 2, messages, "bigint", EventBatch.TargetKey::offset);
                statement.executeUpdate();
            }
        }
        List<Mention> rows = new ArrayList<>();
        mentioned.forEach((message, nicks) -> nicks.forEach(nick -> rows.add(new Mention(message.room(), message.offset(), nick))));
        if (!rows.isEmpty()) {
            try (PreparedStatement statement = connection.prepareStatement(INSERT)) {
                EventStatements.bind(connection, statement, 1, rows, "text", Mention::room);
                EventStatements.bind(connection, statement, 2, rows, "bigint", Mention::offset);
                EventStatements.bind(connection, statement, 3, rows, "text", Mention::nick);
                statement.executeUpdate();
            }
        }
    }

    /** The nicks mentioned, less the sender's own (a user is not counted as mentioning itself). */
    private static List<String> others(List<String> mentions, String sender) {
        String own = Names.nickKey(sender);
        return mentions.stream().filter(nick -> !nick.equals(own)).toList();
    }
}
