package dev.parley.server.session;

import dev.parley.protocol.Command;
import dev.parley.protocol.ServerEvent;

/** {@code search}: a room's messages by their words, where the node's broker can search; not rate-limited. */
final class SearchCommands {
    /** The feature of {@code welcome.features} that {@code search} needs. */
    static final String FEATURE = "search";

    private SearchCommands() {
    }

    static void search(Session session, Command.Search search) {
        if (!Checks.offered(session, search.id(), FEATURE)
                || !Checks.validRoom(session, search.id(), search.room())
                || Checks.membership(session, search.id(), search.room()) == null) {
            return;
        }
        int limit = search.limit() == null ? Command.Search.DEFAULT_LIMIT : search.limit();
        Replies.reply(session, search.id(), session.node().search(search.room(), search.query(), search.before(), limit),
                page -> new ServerEvent.Results(search.id(), search.room(), page.messages(), page.next()));
    }
}
