package dev.parley.server.store;

import dev.parley.protocol.Names;
import dev.parley.protocol.ServerEvent;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Stored direct messages (with auth on): every one in its conversation, numbered by the
 * conversation's {@code seq} in the same transaction that stores it (the conversation's row
 * locked, as {@code rooms.top} numbers room events), and those for a recipient who is not
 * listening kept pending until a {@code hello} of the recipient has received them.
 *
 * <p>Writes run on the {@link Database}'s one thread for small writes, so they happen in the order
 * they were asked for (a sender's messages keep their order) and never wait behind room events.
 * Whether a recipient is listening is asked on that thread too, between writes: a user starts
 * listening when its session takes the last of its pending messages ({@link #takePending}), so a
 * message is either among those or stored after them and handed to the session live, never both
 * and never neither. Reads of a conversation run on the read threads.
 */
public final class DirectMessages {
    /** Separates the two users of a conversation's key; no nick holds it. */
    private static final char SEPARATOR = ':';
    private static final String STORE = """
            with c as (
              insert into dm_conversations (conversation, top) values (?, 1)
              on conflict (conversation) do update set top = dm_conversations.top + 1
              returning top)
            insert into direct_messages (conversation, seq, sender, recipient, text, ts, pending)
            select ?, top, ?, ?, ?, ?, ? from c
            returning seq""";
    private static final String SELECT = "select seq, sender, recipient, text, ts from direct_messages ";

    private final Database database;
    /** Users (nick keys) with a session on this node that has taken its pending messages. */
    private final Set<String> listening = ConcurrentHashMap.newKeySet();

    public DirectMessages(Database database) {
        this.database = database;
    }

    /**
     * Stores {@code dm} and completes with it numbered. When its recipient is listening, the
     * message is committed, then handed to {@code deliver}; if that finds the recipient gone, it
     * is marked pending in a second transaction. Otherwise it is stored pending.
     */
    public CompletableFuture<ServerEvent.Dm> store(ServerEvent.Dm dm, Predicate<ServerEvent.Dm> deliver) {
        return database.write(connection -> {
            String conversation = conversation(dm.from(), dm.to());
            boolean live = listening.contains(Names.nickKey(dm.to()));
            long seq;
            try (PreparedStatement statement = connection.prepareStatement(STORE)) {
                statement.setString(1, conversation);
                statement.setString(2, conversation);
                statement.setString(3, dm.from());
                statement.setString(4, dm.to());
                statement.setString(5, dm.text());
                statement.setLong(6, dm.ts());
                statement.setBoolean(7, !live);
                try (ResultSet result = statement.executeQuery()) {
                    result.next();
                    seq = result.getLong(1);
                }
            }
            connection.commit();
            ServerEvent.Dm stored = new ServerEvent.Dm(dm.from(), dm.to(), dm.text(), dm.ts(), seq, null);
            if (live && !deliver.test(stored)) {
                mark(connection, List.of(stored), true);
            }
            return stored;
        });
    }

    /**
     * Up to {@code limit} of the messages pending for {@code nick}, oldest first, as stored
     * messages; when they are the last, {@code nick} listens from now on (new messages go to it
     * live). They stay pending until {@link #delivered}.
     */
    public CompletableFuture<List<ServerEvent.Dm>> takePending(String nick, int limit) {
        return database.write(connection -> {
            List<ServerEvent.Dm> pending = select(connection, SELECT
                    + "where lower(recipient) = ? and pending order by id limit ?", Names.nickKey(nick), limit);
            if (pending.size() < limit) {
                listening.add(Names.nickKey(nick));
            }
            return pending.stream().map(ServerEvent.Dm::asStored).toList();
        });
    }

    /** {@code nick} listens from now on, whatever is still pending for it (after a failure to take it). */
    public void listen(String nick) {
        listening.add(Names.nickKey(nick));
    }

    /** {@code nick} has no session on this node any more: its messages are stored pending. */
    public void forget(String nick) {
        listening.remove(Names.nickKey(nick));
    }

    /** Marks {@code dms}, taken with {@link #takePending}, as received. */
    public CompletableFuture<Void> delivered(List<ServerEvent.Dm> dms) {
        return database.write(connection -> {
            mark(connection, dms, false);
            return null;
        });
    }

    /**
     * Up to {@code limit} messages between {@code user} and {@code with}, oldest first: the latest
     * with a seq below {@code before} (null: any), or with {@code after} (not null) those right after it.
     */
    public CompletableFuture<List<ServerEvent.Dm>> page(String user, String with, Long before, Long after, int limit) {
        String conversation = conversation(user, with);
        return database.read(connection -> {
            if (after != null) {
                return select(connection, SELECT + "where conversation = ? and seq > ? order by seq limit ?",
                        conversation, after, limit);
            }
            List<ServerEvent.Dm> page = select(connection, SELECT
                    + "where conversation = ? and seq < ? order by seq desc limit ?",
                    conversation, before == null ? Long.MAX_VALUE : before, limit);
            Collections.reverse(page);
            return page;
        });
    }

    /** The key of the conversation of two users: their nick keys, the lesser first. */
    static String conversation(String one, String other) {
        String a = Names.nickKey(one);
        String b = Names.nickKey(other);
        return a.compareTo(b) <= 0 ? a + SEPARATOR + b : b + SEPARATOR + a;
    }

    private static void mark(Connection connection, List<ServerEvent.Dm> dms, boolean pending) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("""
                update direct_messages d set pending = ? from unnest(?::text[], ?::bigint[]) as m(conversation, seq)
                where d.conversation = m.conversation and d.seq = m.seq""")) {
            statement.setBoolean(1, pending);
            statement.setArray(2, connection.createArrayOf("text",
                    dms.stream().map(dm -> conversation(dm.from(), dm.to())).toArray()));
            statement.setArray(3, connection.createArrayOf("bigint", dms.stream().map(ServerEvent.Dm::seq).toArray()));
            statement.executeUpdate();
        }
    }

    private static List<ServerEvent.Dm> select(Connection connection, String sql, Object... parameters)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            List<ServerEvent.Dm> dms = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    dms.add(new ServerEvent.Dm(result.getString(2), result.getString(3), result.getString(4),
                            result.getLong(5), result.getLong(1), null));
                }
            }
            return dms;
        }
    }
}
