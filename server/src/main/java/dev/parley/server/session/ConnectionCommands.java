package dev.parley.server.session;

import dev.parley.protocol.Command;
import dev.parley.protocol.ServerEvent;
import dev.parley.server.auth.Grant;

/** {@code ping} and {@code refresh}: the connection itself. */
final class ConnectionCommands {
    private ConnectionCommands() {
    }

    static void ping(CommandContext context, Command.Ping ping) {
        context.replies().send(new ServerEvent.Pong(ping.id(), context.clock().getAsLong()));
    }

    /** Takes a new token: its grant replaces the old one, and its expiry the old expiry. */
    static void refresh(CommandContext context, Command.Refresh refresh) {
        Grant refreshed = context.session().authenticated(refresh.id(), context.session().nick(), refresh.token());
        if (refreshed != null) {
            context.grant().renew(refreshed);
            context.replies().send(new ServerEvent.Refreshed(refresh.id(), refreshed.expiresAtSeconds()));
        }
    }
}
