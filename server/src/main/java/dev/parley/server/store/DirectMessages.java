package dev.parley.server.store;

import dev.parley.protocol.Names;
import dev.parley.protocol.ServerEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiPredicate;

/**
 * Stored direct messages (with auth on): every one in its conversation, numbered by the
 * conversation's {@code seq} in the same transaction that stores it (the conversation's row
 * locked, as {@code rooms.top} numbers room events), and pending until a session of its recipient
 * has it.
 *
 * <p>Every message is stored pending; the broker then publishes it to every node its recipient is
 * connected to (this one, or others of a cluster), where {@link #arrived} hands it to each of the
 * recipient's sessions there ({@link LiveRecipients}) and then <em>claims</em> it: marks it
 * delivered by a conditional update that changes a message still pending and not taken. A session
 * takes its stored messages in chunks after {@code hello} ({@link #takePending}, which marks them
 * taken), and until it {@link #listen}s what arrives live for it is held; then it gets the held
 * ones it did not take in a chunk. So each session gets each message that arrives for it once, in
 * a chunk or live, never both, stored ones first; and a message no session got stays pending for
 * the next {@code hello}.
 *
 * <p>Writes run on the {@link Database}'s one thread for small writes, so they happen in the order
 * they were asked for (a sender's messages keep their order) and never wait behind room events.
 * Reads of a conversation run on the read threads.
 */
public final class DirectMessages {
    private static final Logger LOG = LoggerFactory.getLogger(DirectMessages.class);
    /** Separates the two users of a conversation's key; no nick holds it. */
    private static final char SEPARATOR = ':';
    private static final String STORE = """
            with c as (
              insert into dm_conversations (conversation, top) values (?, 1)
              on conflict (conversation) do update set top = dm_conversations.top + 1
              returning top)
            insert into direct_messages (conversation, seq, sender, recipient, text, ts, pending)
            select ?, top, ?, ?, ?, ?, true from c
            returning seq""";
    private static final String COLUMNS = "seq, sender, recipient, text, ts";
    private static final String SELECT = "select " + COLUMNS + " from direct_messages ";
    /** Takes a chunk: pending ones, whether a session took them before or not, oldest first. */
    private static final String TAKE = """
            with taken as (
              update direct_messages set taken = true
              where (conversation, seq) in (
                select conversation, seq from direct_messages where lower(recipient) = ? and pending order by id limit ?)
              returning id, %s)
            select %s from taken order by id""".formatted(COLUMNS, COLUMNS);
    /** Updates the messages given by two arrays, their conversations and seqs. */
    private static final String UPDATE = """
            update direct_messages d set %s from unnest(?::text[], ?::bigint[]) as m(conversation, seq)
            where d.conversation = m.conversation and d.seq = m.seq""";
    /** Marks the given messages delivered where they are still pending and in no chunk (a chunk marks its own). */
    private static final String CLAIM = UPDATE.formatted("pending = false") + " and d.pending and not d.taken";

    private final Database database;
    private final BiPredicate<ServerEvent.Dm, Set<String>> deliver;
    private final LiveRecipients recipients = new LiveRecipients(this::deliverAndClaim);

    /**
     * {@code deliver}: hands a message to those of the given sessions (ids) of its recipient that
     * are still here; whether one got it.
     */
    public DirectMessages(Database database, BiPredicate<ServerEvent.Dm, Set<String>> deliver) {
        this.database = database;
        this.deliver = deliver;
    }

    /**
     * Stores {@code dm} pending and completes with it numbered, once committed. It reaches its
     * recipient when it {@link #arrived} where the recipient listens, or with the recipient's next
     * stored messages.
     */
    public CompletableFuture<ServerEvent.Dm> store(ServerEvent.Dm dm) {
        return database.write(connection -> {
            String conversation = conversation(dm.from(), dm.to());
            try (PreparedStatement statement = connection.prepareStatement(STORE)) {
                statement.setString(1, conversation);
                statement.setString(2, conversation);
                statement.setString(3, dm.from());
                statement.setString(4, dm.to());
                statement.setString(5, dm.text());
                statement.setLong(6, dm.ts());
                try (ResultSet result = statement.executeQuery()) {
                    result.next();
                    return new ServerEvent.Dm(dm.from(), dm.to(), dm.text(), dm.ts(), result.getLong(1), null);
                }
            }
        });
    }

    /**
     * {@code session} of {@code nick} is on this node and will take its stored messages: what
     * arrives for it is held until it {@link #listen}s.
     */
    public void expect(String nick, String session) {
        recipients.expect(nick, session);
    }

    /**
     * A stored message published for its recipient. Ignored unless the recipient has a session
     * here; held for each session that takes its stored messages; delivered to each listening one
     * that did not take it in a chunk, and then claimed. Returns whether the recipient has a
     * session here.
     */
    public boolean arrived(ServerEvent.Dm dm) {
        return recipients.arrived(dm);
    }

    /**
     * Up to {@code limit} of the messages pending for {@code nick}, oldest first, as stored
     * messages for {@code session}, marked taken: no live delivery claims them, and their live
     * copies do not reach that session. They stay pending until {@link #delivered}, and the next
     * call takes them again if they were not.
     */
    public CompletableFuture<List<ServerEvent.Dm>> takePending(String nick, String session, int limit) {
        return database.write(connection -> select(connection, TAKE, Names.nickKey(nick), limit).stream()
                .map(ServerEvent.Dm::asStored).toList()).thenApply(chunk -> {
                    recipients.took(nick, session, chunk);
                    return chunk;
                });
    }

    /**
     * {@code session} of {@code nick} has its stored messages: new ones (and those held meanwhile
     * that were in no chunk of it) come live. Returns false when more arrived meanwhile than could
     * be held: take the stored ones again, then listen again.
     */
    public boolean listen(String nick, String session) {
        return recipients.listen(nick, session);
    }

    /** {@code session} of {@code nick} is gone from this node: nothing more is held or delivered for it. */
    public void forget(String nick, String session) {
        recipients.forget(nick, session);
    }

    /** Marks {@code dms}, taken with {@link #takePending}, as received. */
    public CompletableFuture<Void> delivered(List<ServerEvent.Dm> dms) {
        return database.write(connection -> {
            update(connection, UPDATE.formatted("pending = false, taken = false"), dms).close();
            return null;
        });
    }

    /**
     * Delivers {@code arrived}, in order, to those of {@code sessions} still here, then claims those
     * one got in one transaction; a claim that fails leaves them pending, to come again on the
     * user's next hello.
     */
    private void deliverAndClaim(List<ServerEvent.Dm> arrived, Set<String> sessions) {
        List<ServerEvent.Dm> delivered = new ArrayList<>(arrived.size());
        for (ServerEvent.Dm dm : arrived) {
            if (deliver.test(dm, sessions)) {
                delivered.add(dm);
            }
        }
        if (delivered.isEmpty()) {
            return;
        }
        database.write(connection -> {
            update(connection, CLAIM, delivered).close();
            return null;
        }).exceptionally(failure -> {
            LOG.debug("direct messages delivered live not marked, pending for the next hello: {}", failure.getMessage());
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

    /** Runs {@code sql}, an {@link #UPDATE}, on {@code dms}; the caller closes the statement. */
    private static PreparedStatement update(Connection connection, String sql, List<ServerEvent.Dm> dms) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        try {
            statement.setArray(1, connection.createArrayOf("text",
                    dms.stream().map(dm -> conversation(dm.from(), dm.to())).toArray()));
            statement.setArray(2, connection.createArrayOf("bigint", dms.stream().map(ServerEvent.Dm::seq).toArray()));
            statement.execute();
            return statement;
        } catch (SQLException | RuntimeException e) {
            statement.close();
            throw e;
        }
    }

    private static List<ServerEvent.Dm> select(Connection connection, String sql, Object... parameters)
            throws SQLException {
        return Rows.select(connection, sql, row -> new ServerEvent.Dm(row.getString(2), row.getString(3),
                row.getString(4), row.getLong(5), row.getLong(1), null), parameters);
    }
}
