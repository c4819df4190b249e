package dev.parley.server.session;

import dev.parley.protocol.Command;

/**
 * Handles one type of command for a ready session: through the session's package-private
 * accessors (its node, settings, rooms, grant, rate limit) and the stateless {@link Replies},
 * {@link Checks} and {@link RoomOrder}. Handlers keep no state of their own: one instance serves
 * every session, on the session's event loop. See {@link Commands} for the table they are
 * registered in.
 */
@FunctionalInterface
interface CommandHandler<C extends Command> {

    void handle(Session session, C command);
}
