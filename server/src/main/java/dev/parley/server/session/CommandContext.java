package dev.parley.server.session;

import dev.parley.server.auth.GrantExpiry;
import dev.parley.server.node.Node;

import java.util.function.LongSupplier;

/**
 * What a {@link CommandHandler} acts through, one per session: the session itself (the member the
 * node knows), the node, the session's settings and clock, its rooms and their {@link RoomOrder},
 * how it replies ({@link Replies}), the checks commands share ({@link Checks}), its rate limit and
 * its grant. Event loop only, as the session.
 */
record CommandContext(Session session, Node node, SessionSettings settings, LongSupplier clock, Memberships rooms,
                      RoomOrder order, Replies replies, Checks checks, RateLimit rateLimit, GrantExpiry grant) {
}
