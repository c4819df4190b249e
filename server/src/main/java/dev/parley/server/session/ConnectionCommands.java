package dev.parley.server.session;

import dev.parley.protocol.Command;
import dev.parley.protocol.ServerEvent;
import dev.parley.server.auth.Grant;

/** {@code ping} and {@code refresh}: the connection itself. */
final class ConnectionCommands {
    private ConnectionCommands() {
    }

    static void ping(Session session, Command.Ping ping) {
        Replies.send(session, new ServerEvent.Pong(ping.id(), session.clock().getAsLong()));
    }

    /** Takes a new token: its grant replaces the old one, and its expiry the old expiry. */
    static void refresh(Session session, Command.Refresh refresh) {
        Grant refreshed = session.authenticated(refresh.id(), session.nick(), refresh.token());
        if (refreshed != null) {
            session.renew(refreshed);
            Replies.send(session, new ServerEvent.Refreshed(refresh.id(), refreshed.expiresAtSeconds()));
        }
    }
}
