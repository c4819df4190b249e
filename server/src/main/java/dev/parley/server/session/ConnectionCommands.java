package dev.parley.server.session;

import dev.parley.protocol.Command;
import dev.parley.protocol.ServerEvent;
import dev.parley.server.store.DirectMessages;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/** {@code ping} and {@code refresh}: the connection itself; and what a session gets right after {@code welcome}. */
final class ConnectionCommands {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionCommands.class);
    /** Stored direct messages taken, sent and marked at a time. */
    static final int STORED_CHUNK = 100;

    private ConnectionCommands() {
    }

    /**
     * Asked for as {@code welcome} is sent (what it takes comes after it, from the session's loop),
     * where direct messages are stored: those that waited for this
     * user, oldest first, as {@code dm} events with {@code "stored":true}, a chunk at a time, each
     * chunk marked delivered only once the socket took it (so a connection that drops before gets
     * them again on its next {@code hello}). After the last chunk new ones come live; those that
     * arrived meanwhile were held, and those of them in no chunk come right after it.
     */
    static void deliverStored(Session session) {
        DirectMessages stored = session.node().directMessages();
        if (stored != null) {
            stored.expect(session.nick(), session.id());
            takeStored(session, stored);
        }
    }

    /** The session is closing (ended, or replaced by a resume): where direct messages are stored, none go to it from now on. */
    static void endStored(Session session) {
        DirectMessages stored = session.node().directMessages();
        if (stored != null && session.nick() != null) {
            stored.forget(session.nick(), session.id());
        }
    }

    private static void takeStored(Session session, DirectMessages stored) {
        stored.takePending(session.nick(), session.id(), STORED_CHUNK).whenComplete((dms, failure) -> session.executor().execute(() -> {
            if (!session.isReady()) {
                return; // those taken come again on the next hello
            }
            if (failure != null) {
                LOG.debug("{}: stored direct messages not taken: {}", session, failure.getMessage());
                stored.listen(session.nick(), session.id()); // the rest waits for the next hello; new ones come live
            } else if (dms.isEmpty()) {
                listen(session, stored);
            } else {
                sendChunk(session, stored, dms);
            }
        }));
    }

    /** Sends a chunk; once the socket took it, marks it delivered, then goes on. */
    private static void sendChunk(Session session, DirectMessages stored, List<ServerEvent.Dm> dms) {
        session.transport().sendConfirmed(List.copyOf(dms)).thenAccept(taken -> {
            if (taken) {
                stored.delivered(dms).whenComplete((done, notMarked) ->
                        session.executor().execute(() -> marked(session, stored, dms.size(), notMarked)));
            }
        });
    }

    /** A chunk of {@code size} was marked delivered (or not: {@code notMarked}): the next chunk, or live. */
    private static void marked(Session session, DirectMessages stored, int size, Throwable notMarked) {
        if (!session.isReady()) {
            return;
        }
        if (notMarked != null) {
            LOG.debug("{}: stored direct messages not marked: {}", session, notMarked.getMessage());
            stored.listen(session.nick(), session.id()); // those sent come again on the next hello
        } else if (size == STORED_CHUNK) {
            takeStored(session, stored);
        } else {
            listen(session, stored);
        }
    }

    /** After the last chunk: live from now on, unless more arrived meanwhile than were held; then take again. */
    private static void listen(Session session, DirectMessages stored) {
        if (session.isReady() && !stored.listen(session.nick(), session.id())) {
            takeStored(session, stored);
        }
    }

    static void ping(Session session, Command.Ping ping) {
        Replies.send(session, new ServerEvent.Pong(ping.id(), session.clock().getAsLong()));
    }

    /** Takes a new token (once its key is at hand): its grant replaces the old one, and its expiry the old expiry. */
    static void refresh(Session session, Command.Refresh refresh) {
        TokenCheck.check(session, refresh.id(), session.nick(), refresh.token(), refreshed -> {
            session.renew(refreshed);
            Replies.send(session, new ServerEvent.Refreshed(refresh.id(), refreshed.expiresAtSeconds()));
        });
    }
}
