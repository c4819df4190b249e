package dev.parley.server.store;

import dev.parley.protocol.ServerEvent;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The statements of the {@link GroupCommitWriter}'s transaction, each one round trip for the whole
 * batch (arrays unnested): the reads an {@link EventBatch} decides on, then its writes.
 */
final class EventStatements {
    private static final String LOCK_ROOMS = """
            insert into rooms (room) select room from unnest(?::text[]) as t(room) order by room
            on conflict (room) do update set top = rooms.top
            returning room, top, epoch""";
    private static final String FIND_NONCES = """
            select e.room, e.sender, e.nonce, e."offset", e.ts, coalesce(e.sent_text, e.text), e.reply_to, e.deleted
            from room_events e join unnest(?::text[], ?::text[], ?::text[]) as n(room, sender, nonce)
              on e.room = n.room and lower(e.sender) = n.sender and e.nonce = n.nonce""";
    // Locked so that retention cannot delete them before the commit (the reactions refer to them).
    private static final String FIND_TARGETS = """
            select e.room, e."offset", e.sender, e.deleted from room_events e
            join unnest(?::text[], ?::bigint[]) as t(room, "offset") on e.room = t.room and e."offset" = t."offset"
            where e.kind = 'message' for key share of e""";
    private static final String COUNT_EMOJI = """
            select r.room, r.target, r.emoji, count(*) from reactions r
            join unnest(?::text[], ?::bigint[]) as t(room, target) on r.room = t.room and r.target = t.target
            group by r.room, r.target, r.emoji""";
    private static final String FIND_REACTIONS = """
            select r.room, r.target, r.emoji, r.reactor from reactions r
            join unnest(?::text[], ?::bigint[], ?::text[], ?::text[]) as k(room, target, emoji, reactor)
              on r.room = k.room and r.target = k.target and r.emoji = k.emoji and r.reactor = k.reactor""";
    private static final String INSERT_EVENTS = """
            with tops as (
              update rooms r set top = t.top from unnest(?::text[], ?::bigint[]) as t(room, top) where r.room = t.room)
            insert into room_events (room, "offset", kind, sender, text, ts, nonce, target, reply_to, emoji, added)
            select room, "offset", kind, sender, text, ts, nonce, target, reply_to, emoji, added
            from unnest(?::text[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::text[], ?::bigint[],
                        ?::bigint[], ?::text[], ?::boolean[])
              as e(room, "offset", kind, sender, text, ts, nonce, target, reply_to, emoji, added)""";
    private static final String EDIT_MESSAGES = """
            update room_events e set sent_text = coalesce(e.sent_text, e.text), text = u.text, edited = u.ts
            from unnest(?::text[], ?::bigint[], ?::text[], ?::bigint[]) as u(room, target, text, ts)
            where e.room = u.room and e."offset" = u.target""";
    private static final String PUT_REACTIONS = """
            insert into reactions (room, target, emoji, reactor, nick, "offset")
            select * from unnest(?::text[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::bigint[])
            on conflict do nothing""";
    private static final String TAKE_REACTIONS = """
            delete from reactions r using unnest(?::text[], ?::bigint[], ?::text[], ?::text[]) as k(room, target, emoji, reactor)
            where r.room = k.room and r.target = k.target and r.emoji = k.emoji and r.reactor = k.reactor""";
    // What a delete erases: the message's text, its edits' texts, its reactions.
    private static final String DELETE_MESSAGES = """
            with d as (select * from unnest(?::text[], ?::bigint[]) as d(room, target)),
            messages as (
              update room_events e set text = null, sent_text = null, edited = null, deleted = true
              from d where e.room = d.room and e."offset" = d.target),
            edits as (
              update room_events e set text = null from d where e.kind = 'edit' and e.room = d.room and e.target = d.target)
            delete from reactions r using d where r.room = d.room and r.target = d.target""";

    private EventStatements() {
    }

    /** Locks the rooms' rows (made when missing), in one order; returns where each stands. */
    static Map<String, RoomHistory.Position> lockRooms(Connection connection, Collection<NewEvent> batch)
            throws SQLException {
        TreeSet<String> rooms = new TreeSet<>();
        batch.forEach(event -> rooms.add(event.room()));
        Map<String, RoomHistory.Position> positions = new HashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(LOCK_ROOMS)) {
            statement.setArray(1, connection.createArrayOf("text", rooms.toArray()));
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    positions.put(result.getString(1), new RoomHistory.Position(result.getString(3), result.getLong(2)));
                }
            }
        }
        return positions;
    }

    /** The kept messages sent with the nonces of {@code batch}'s messages, as they were sent. */
    static Map<EventBatch.NonceKey, ServerEvent.Message> findNonces(Connection connection, Collection<NewEvent> batch)
            throws SQLException {
        List<NewEvent> withNonce = batch.stream().filter(event -> event.nonce() != null).toList();
        Map<EventBatch.NonceKey, ServerEvent.Message> sent = new HashMap<>();
        if (withNonce.isEmpty()) {
            return sent;
        }
        try (PreparedStatement statement = connection.prepareStatement(FIND_NONCES)) {
            bind(connection, statement, 1, withNonce, "text", NewEvent::room);
            bind(connection, statement, 2, withNonce, "text", event -> EventBatch.user(event.from()));
            bind(connection, statement, 3, withNonce, "text", NewEvent::nonce);
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    String room = result.getString(1);
                    String sender = result.getString(2);
                    ServerEvent.Message message = new ServerEvent.Message(room, result.getLong(4), result.getLong(5),
                            sender, result.getString(6), (Long) result.getObject(7), null, null, null);
                    sent.put(new EventBatch.NonceKey(room, EventBatch.user(sender), result.getString(3)),
                            result.getBoolean(8) ? message.withTextDeleted() : message);
                }
            }
        }
        return sent;
    }

    /**
     * The kept messages that {@code batch}'s events are about (a reply's too), locked until the
     * commit, with the count of each emoji on those that reactions are about.
     */
    static Map<EventBatch.TargetKey, EventBatch.Target> findTargets(Connection connection, Collection<NewEvent> batch)
            throws SQLException {
        List<EventBatch.TargetKey> keys = batch.stream().filter(event -> event.target() != null)
                .map(event -> new EventBatch.TargetKey(event.room(), event.target())).distinct().toList();
        Map<EventBatch.TargetKey, EventBatch.Target> targets = new HashMap<>();
        if (keys.isEmpty()) {
            return targets;
        }
        try (PreparedStatement statement = connection.prepareStatement(FIND_TARGETS)) {
            bind(connection, statement, 1, keys, "text", EventBatch.TargetKey::room);
            bind(connection, statement, 2, keys, "bigint", EventBatch.TargetKey::offset);
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    targets.put(new EventBatch.TargetKey(result.getString(1), result.getLong(2)),
                            new EventBatch.Target(result.getString(3), result.getBoolean(4), new HashMap<>()));
                }
            }
        }
        List<EventBatch.TargetKey> reacted = batch.stream().filter(event -> event.kind() == NewEvent.Kind.REACTION)
                .map(event -> new EventBatch.TargetKey(event.room(), event.target())).distinct()
                .filter(targets::containsKey).toList();
        if (!reacted.isEmpty()) {
            try (PreparedStatement statement = connection.prepareStatement(COUNT_EMOJI)) {
                bind(connection, statement, 1, reacted, "text", EventBatch.TargetKey::room);
                bind(connection, statement, 2, reacted, "bigint", EventBatch.TargetKey::offset);
                try (ResultSet result = statement.executeQuery()) {
                    while (result.next()) {
                        targets.get(new EventBatch.TargetKey(result.getString(1), result.getLong(2))).emoji
                                .put(result.getString(3), result.getInt(4));
                    }
                }
            }
        }
        return targets;
    }

    /** Which of the reactions that {@code batch}'s reactions are about are on. */
    static Set<EventBatch.ReactionKey> findReactions(Connection connection, Collection<NewEvent> batch)
            throws SQLException {
        List<EventBatch.ReactionKey> keys = batch.stream().filter(event -> event.kind() == NewEvent.Kind.REACTION)
                .map(EventBatch::reactionKey).distinct().toList();
        Set<EventBatch.ReactionKey> on = new HashSet<>();
        if (keys.isEmpty()) {
            return on;
        }
        try (PreparedStatement statement = connection.prepareStatement(FIND_REACTIONS)) {
            bindReactionKeys(connection, statement, keys);
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    on.add(new EventBatch.ReactionKey(result.getString(1), result.getLong(2), result.getString(3),
                            result.getString(4)));
                }
            }
        }
        return on;
    }

    /**
     * Writes what {@code batch} decided: the new events and the rooms' tops, then the state of the
     * messages they change, and who they mention ({@link MentionStatements}).
     */
    static void write(Connection connection, EventBatch batch) throws SQLException {
        if (batch.stored.isEmpty()) {
            return;
        }
        insert(connection, batch);
        if (!batch.edits.isEmpty()) {
            List<ServerEvent.Edit> edits = List.copyOf(batch.edits.values());
            try (PreparedStatement statement = connection.prepareStatement(EDIT_MESSAGES)) {
                bind(connection, statement, 1, edits, "text", ServerEvent.Edit::room);
                bind(connection, statement, 2, edits, "bigint", ServerEvent.Edit::target);
                bind(connection, statement, 3, edits, "text", ServerEvent.Edit::text);
                bind(connection, statement, 4, edits, "bigint", ServerEvent.Edit::ts);
                statement.executeUpdate();
            }
        }
        writeReactions(connection, batch);
        if (!batch.deletes.isEmpty()) {
            List<EventBatch.TargetKey> deletes = List.copyOf(batch.deletes);
            try (PreparedStatement statement = connection.prepareStatement(DELETE_MESSAGES)) {
                bind(connection, statement, 1, deletes, "text", EventBatch.TargetKey::room);
                bind(connection, statement, 2, deletes, "bigint", EventBatch.TargetKey::offset);
                statement.executeUpdate();
            }
        }
        MentionStatements.write(connection, batch);
    }

    private static void insert(Connection connection, EventBatch batch) throws SQLException {
        List<ServerEvent.RoomEvent> stored = batch.stored;
        try (PreparedStatement statement = connection.prepareStatement(INSERT_EVENTS)) {
            statement.setArray(1, connection.createArrayOf("text", batch.tops().keySet().toArray()));
            statement.setArray(2, connection.createArrayOf("bigint", batch.tops().values().toArray()));
            bind(connection, statement, 3, stored, "text", ServerEvent.RoomEvent::room);
            bind(connection, statement, 4, stored, "bigint", ServerEvent.RoomEvent::offset);
            bind(connection, statement, 5, stored, "text", EventStatements::kind);
            bind(connection, statement, 6, stored, "text", ServerEvent.RoomEvent::from);
            bind(connection, statement, 7, stored, "text", event -> event instanceof ServerEvent.Message message
                    ? message.text() : event instanceof ServerEvent.Edit edit ? edit.text() : null);
            bind(connection, statement, 8, stored, "bigint", ServerEvent.RoomEvent::ts);
            statement.setArray(9, connection.createArrayOf("text", batch.nonces.toArray()));
            bind(connection, statement, 10, stored, "bigint", EventStatements::target);
            bind(connection, statement, 11, stored, "bigint", event -> event instanceof ServerEvent.Message message
                    ? message.replyTo() : null);
            bind(connection, statement, 12, stored, "text", event -> event instanceof ServerEvent.Reaction reaction
                    ? reaction.emoji() : null);
            bind(connection, statement, 13, stored, "boolean", event -> event instanceof ServerEvent.Reaction reaction
                    ? reaction.on() : null);
            statement.executeUpdate();
        }
    }

    /** Reactions turned on get their rows (unless a later event took them off), those taken off lose them. */
    private static void writeReactions(Connection connection, EventBatch batch) throws SQLException {
        List<Map.Entry<EventBatch.ReactionKey, ServerEvent.Reaction>> put = batch.reactions.entrySet().stream()
                .filter(entry -> entry.getValue().on()).toList();
        List<EventBatch.ReactionKey> taken = batch.reactions.entrySet().stream()
                .filter(entry -> !entry.getValue().on()).map(Map.Entry::getKey).toList();
        if (!put.isEmpty()) {
            List<EventBatch.ReactionKey> keys = put.stream().map(Map.Entry::getKey).toList();
            try (PreparedStatement statement = connection.prepareStatement(PUT_REACTIONS)) {
                bindReactionKeys(connection, statement, keys);
                bind(connection, statement, 5, put, "text", entry -> entry.getValue().from());
                bind(connection, statement, 6, put, "bigint", entry -> entry.getValue().offset());
                statement.executeUpdate();
            }
        }
        if (!taken.isEmpty()) {
            try (PreparedStatement statement = connection.prepareStatement(TAKE_REACTIONS)) {
                bindReactionKeys(connection, statement, taken);
                statement.executeUpdate();
            }
        }
    }

    private static void bindReactionKeys(Connection connection, PreparedStatement statement,
                                         List<EventBatch.ReactionKey> keys) throws SQLException {
        bind(connection, statement, 1, keys, "text", EventBatch.ReactionKey::room);
        bind(connection, statement, 2, keys, "bigint", EventBatch.ReactionKey::target);
        bind(connection, statement, 3, keys, "text", EventBatch.ReactionKey::emoji);
        bind(connection, statement, 4, keys, "text", EventBatch.ReactionKey::reactor);
    }

    private static String kind(ServerEvent.RoomEvent event) {
        NewEvent.Kind kind = event instanceof ServerEvent.Message ? NewEvent.Kind.MESSAGE
                : event instanceof ServerEvent.Edit ? NewEvent.Kind.EDIT
                : event instanceof ServerEvent.Delete ? NewEvent.Kind.DELETE : NewEvent.Kind.REACTION;
        return kind.column();
    }

    private static Long target(ServerEvent.RoomEvent event) {
        return event instanceof ServerEvent.Edit edit ? Long.valueOf(edit.target())
                : event instanceof ServerEvent.Delete delete ? Long.valueOf(delete.target())
                : event instanceof ServerEvent.Reaction reaction ? Long.valueOf(reaction.target()) : null;
    }

    /** Binds parameter {@code index} to the array of {@code column} of each of {@code rows}, as SQL {@code type}. */
    static <T> void bind(Connection connection, PreparedStatement statement, int index, List<T> rows, String type,
                         Function<T, Object> column) throws SQLException {
        statement.setArray(index, connection.createArrayOf(type, rows.stream().map(column).toArray()));
    }
}
