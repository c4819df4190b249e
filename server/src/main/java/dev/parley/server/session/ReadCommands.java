package dev.parley.server.session;

import dev.parley.protocol.Command;
import dev.parley.protocol.ServerEvent;
import dev.parley.server.broker.ReadState;

/**
 * {@code read} and {@code unread}: the user's read markers, where the node's broker keeps them
 * ({@code unsupported} otherwise). A {@code read} writes to the backend and may reach the user's
 * other sessions, so it counts against the session's rate limit as {@code typing} does; {@code unread}
 * is a query, as {@code history} is.
 */
final class ReadCommands {
    private ReadCommands() {
    }

    /** Moves the marker (never back; clamped to the room's latest) → {@code ack} with the room and no offset. */
    static void read(Session session, Command.Read read) {
        if (!Checks.offered(session, read.id(), ReadState.FEATURE) || !session.rateLimit().admitted(read.id())
                || !Checks.validRoom(session, read.id(), read.room())
                || Checks.membership(session, read.id(), read.room()) == null) {
            return;
        }
        Replies.reply(session, read.id(),
                session.node().readMarkers().markRead(session.nick(), session.id(), read.room(), read.offset()),
                moved -> new ServerEvent.Ack(read.id(), read.room(), null, session.clock().getAsLong()));
    }

    static void unread(Session session, Command.Unread unread) {
        if (Checks.offered(session, unread.id(), ReadState.FEATURE)) {
            Replies.reply(session, unread.id(), session.node().readMarkers().unread(session.nick()),
                    rooms -> new ServerEvent.Unread(unread.id(), rooms));
        }
    }
}
